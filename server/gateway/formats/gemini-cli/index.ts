/**
 * The Code Assist wire format (/v1internal:<method>), spoken by Gemini CLI with Google login:
 * Gemini requests and responses in a wrapper, Google's error envelope.
 */
import { renderGeminiError, renderGeminiStreamError } from "../gemini/errors.ts";
import type { WireFormat } from "../types.ts";
import { prepareCodeAssistUpstream, readCodeAssistRequest } from "./request.ts";
import { createCodeAssistStreamTap, summarizeCodeAssistJson } from "./response.ts";

export const geminiCliFormat: WireFormat = {
  name: "gemini-cli",
  // :streamGenerateContent without alt=sse streams one JSON array; the tap reads both framings.
  streamsJson: true,
  readRequest: readCodeAssistRequest,
  prepareUpstream: prepareCodeAssistUpstream,
  summarizeJson: summarizeCodeAssistJson,
  createStreamTap: createCodeAssistStreamTap,
  // Errors are not wrapped: Code Assist answers failures in Google's plain envelope.
  renderError: renderGeminiError,
  // Gemini CLI always streams with alt=sse.
  renderStreamError: (error, requestId) => renderGeminiStreamError(error, requestId, "sse"),
};
