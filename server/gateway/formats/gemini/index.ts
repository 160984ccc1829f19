/** The Gemini API wire format (/v1beta/models/{model}:generateContent | :streamGenerateContent | :countTokens). */
import type { WireFormat } from "../types.ts";
import { renderGeminiError, renderGeminiStreamError } from "./errors.ts";
import { prepareGeminiUpstream, readGeminiRequest } from "./request.ts";
import { createGeminiStreamTap, summarizeGeminiJson } from "./response.ts";

export const geminiFormat: WireFormat = {
  name: "gemini",
  // :streamGenerateContent without alt=sse streams one JSON array; the tap reads both framings.
  streamsJson: true,
  readRequest: readGeminiRequest,
  prepareUpstream: prepareGeminiUpstream,
  summarizeJson: summarizeGeminiJson,
  createStreamTap: createGeminiStreamTap,
  renderError: renderGeminiError,
  // Used when no tap knows the framing; the stream tap renders errors in its own framing.
  renderStreamError: (error, requestId) => renderGeminiStreamError(error, requestId, "sse"),
};
