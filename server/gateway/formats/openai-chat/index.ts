/** The OpenAI Chat Completions wire format (/v1/chat/completions). */
import type { WireFormat } from "../types.ts";
import { renderOpenAiChatStreamError, renderOpenAiError } from "./errors.ts";
import { prepareOpenAiChatUpstream, readOpenAiChatRequest } from "./request.ts";
import { createOpenAiChatStreamTap, summarizeOpenAiChatJson } from "./response.ts";

export const openAiChatFormat: WireFormat = {
  name: "openai-chat",
  readRequest: readOpenAiChatRequest,
  prepareUpstream: prepareOpenAiChatUpstream,
  summarizeJson: summarizeOpenAiChatJson,
  createStreamTap: createOpenAiChatStreamTap,
  renderError: renderOpenAiError,
  renderStreamError: renderOpenAiChatStreamError,
};
