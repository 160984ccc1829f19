/**
 * Code Assist responses: every GenerateContentResponse is wrapped as `{response: {…}, traceId}`,
 * in JSON answers and in each stream chunk alike; errors use Google's plain envelope. The
 * Gemini summarisers do the work once the wrapper is taken off.
 *
 * Unlike /v1beta, the same format also serves housekeeping methods (loadCodeAssist,
 * onboardUser, recordCodeAssistMetrics…), whose answers have no candidates and are not
 * failures. The summariser is not told which method it answers, so it tells them apart by
 * shape: a generation answer has a `traceId` or a `response` that is a GenerateContentResponse
 * (a long-running operation's `response` carries an "@type" instead).
 */
import { applyGeminiChunk, embeddedGeminiError, hasCandidates, isBlockedPrompt, isObject } from "../gemini/chunk.ts";
import { GeminiStreamTap, summarizeGeminiArray, type Unwrap } from "../gemini/response.ts";
import type { ResponseOptions, ResponseSummary, StreamTap } from "../types.ts";
import { bodyNotJson, emptySummary, unexpectedBody } from "../summary.ts";

/** The GenerateContentResponse inside a Code Assist wrapper (the value itself when unwrapped). */
export const unwrapCodeAssist: Unwrap = (value) => (isObject(value) && isObject(value.response) ? value.response : value);

function isGenerationAnswer(value: Record<string, unknown>): boolean {
  if (value.traceId !== undefined) return true;
  return isObject(value.response) && value.response["@type"] === undefined;
}

/** Summarises a complete Code Assist body (generation, countTokens or housekeeping answer). */
export function summarizeCodeAssistJson(body: Buffer, _options: ResponseOptions): ResponseSummary {
  const summary = emptySummary();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    summary.error = bodyNotJson();
    return summary;
  }
  if (Array.isArray(parsed)) return summarizeGeminiArray(parsed, unwrapCodeAssist);
  summary.error = embeddedGeminiError(parsed) ?? embeddedGeminiError(unwrapCodeAssist(parsed));
  if (summary.error) return summary;
  if (!isObject(parsed)) {
    summary.error = unexpectedBody();
    return summary;
  }
  if (!isGenerationAnswer(parsed)) {
    // countTokens ({totalTokens}) or a housekeeping answer: complete, nothing to bill.
    summary.completed = true;
    return summary;
  }
  const inner = unwrapCodeAssist(parsed);
  if (!isObject(inner) || (!hasCandidates(inner) && !isBlockedPrompt(inner))) {
    summary.error = { type: "invalid_response", message: "the upstream answered 2xx without candidates" };
    return summary;
  }
  applyGeminiChunk(summary, inner);
  summary.completed = true;
  return summary;
}

/** The Code Assist stream tap: the Gemini tap reading through the wrapper. */
export function createCodeAssistStreamTap(_options: ResponseOptions): StreamTap {
  return new GeminiStreamTap(unwrapCodeAssist);
}
