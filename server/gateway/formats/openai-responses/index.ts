/** The OpenAI Responses wire format (/v1/responses, and /v1/responses/compact passed through). */
import type { WireFormat } from "../types.ts";
import { renderOpenAiResponsesError, renderOpenAiResponsesStreamError } from "./errors.ts";
import { prepareOpenAiResponsesUpstream, readOpenAiResponsesRequest } from "./request.ts";
import { createOpenAiResponsesStreamTap, summarizeOpenAiResponsesJson } from "./response.ts";

export const openAiResponsesFormat: WireFormat = {
  name: "openai-responses",
  readRequest: readOpenAiResponsesRequest,
  prepareUpstream: prepareOpenAiResponsesUpstream,
  summarizeJson: summarizeOpenAiResponsesJson,
  createStreamTap: createOpenAiResponsesStreamTap,
  renderError: renderOpenAiResponsesError,
  renderStreamError: renderOpenAiResponsesStreamError,
};
