/**
 * What one GenerateContentResponse tells the gateway. Streams and JSON answers are made of the
 * same objects (a stream is a sequence of them), so both summarisers fold them through here.
 */
import type { EmbeddedError, ResponseSummary } from "../types.ts";
import { geminiUsage } from "./usage.ts";

type Json = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Google's error envelope `{"error":{"code","message","status"}}`, as an upstream puts it in a
 * 200 body or in a stream chunk; undefined for anything else.
 */
export function embeddedGeminiError(value: unknown): EmbeddedError | undefined {
  if (!isObject(value) || !isObject(value.error)) return undefined;
  const error = value.error;
  const type = typeof error.status === "string" && error.status ? error.status : error.code !== undefined ? String(error.code) : "UNKNOWN";
  return { type, message: typeof error.message === "string" ? error.message : "upstream error" };
}

/**
 * Folds one GenerateContentResponse into `state`: usage and model are replaced (Gemini repeats
 * cumulative counts in every chunk, so the last one wins), content and completion only ever
 * switch on.
 */
export function applyGeminiChunk(state: ResponseSummary, chunk: unknown): void {
  if (!isObject(chunk)) return;
  const error = embeddedGeminiError(chunk);
  if (error) {
    state.error = error;
    return;
  }
  if (chunk.usageMetadata !== undefined) state.usage = geminiUsage(chunk.usageMetadata);
  if (typeof chunk.modelVersion === "string" && chunk.modelVersion) state.model = chunk.modelVersion;
  if (Array.isArray(chunk.candidates)) {
    for (const candidate of chunk.candidates) {
      if (!isObject(candidate)) continue;
      const content = candidate.content;
      if (!state.sawContent && isObject(content) && Array.isArray(content.parts) && content.parts.length > 0) state.sawContent = true;
      if (typeof candidate.finishReason === "string" && candidate.finishReason && candidate.finishReason !== "FINISH_REASON_UNSPECIFIED") {
        state.completed = true;
      }
    }
  }
  // A blocked prompt is answered with promptFeedback and no candidates: a complete, valid answer.
  if (isBlockedPrompt(chunk)) state.completed = true;
}

/** The answer to a prompt the API refused to process (no candidates, a block reason). */
export function isBlockedPrompt(chunk: Json): boolean {
  return isObject(chunk.promptFeedback) && typeof chunk.promptFeedback.blockReason === "string" && chunk.promptFeedback.blockReason !== "";
}

/** Whether a GenerateContentResponse carries at least one candidate. */
export function hasCandidates(chunk: Json): boolean {
  return Array.isArray(chunk.candidates) && chunk.candidates.length > 0;
}

/** UTF-8 size of the generated text of one chunk's candidates (text, thoughts, function-call arguments). */
export function generatedChunkBytes(chunk: unknown): number {
  if (!isObject(chunk) || !Array.isArray(chunk.candidates)) return 0;
  let bytes = 0;
  for (const candidate of chunk.candidates) {
    if (!isObject(candidate) || !isObject(candidate.content) || !Array.isArray(candidate.content.parts)) continue;
    for (const part of candidate.content.parts) {
      if (!isObject(part)) continue;
      if (typeof part.text === "string") bytes += Buffer.byteLength(part.text);
      if (isObject(part.functionCall)) bytes += Buffer.byteLength(JSON.stringify(part.functionCall.args ?? {}));
    }
  }
  return bytes;
}
