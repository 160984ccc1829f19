/**
 * Gemini GenerateContentResponse ⇄ the neutral Response (JSON answers), plus the pieces the
 * stream codecs share: finish-reason and usage tables and part encoding.
 *
 * finishReason → stop reason (decode):
 *   STOP                                   → end_turn (tool_use when the candidate has functionCall parts)
 *   MAX_TOKENS                             → max_tokens
 *   SAFETY, RECITATION, LANGUAGE, BLOCKLIST,
 *   PROHIBITED_CONTENT, SPII, IMAGE_SAFETY → content_filter
 *   MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL,
 *   TOO_MANY_TOOL_CALLS                    → error
 *   OTHER, FINISH_REASON_UNSPECIFIED, unknown → end_turn
 *   no candidates + promptFeedback.blockReason → refusal
 * stop reason → finishReason (encode): end_turn, tool_use, stop_sequence, pause_turn → STOP;
 *   max_tokens → MAX_TOKENS; content_filter, refusal → SAFETY; error → OTHER.
 *
 * Usage: Gemini's promptTokenCount includes cachedContentTokenCount and excludes
 * thoughtsTokenCount from candidatesTokenCount, so input = prompt − cached + toolUsePrompt,
 * cacheRead = cached, output = candidates + thoughts (reasoningTokens = thoughts).
 */
import { geminiUsage } from "../../formats/gemini/usage.ts";
import { tokenCount } from "../../usage/usage.ts";
import type { NeutralUsage, Part, Response, StopReason } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { geminiCallId, isObject } from "./request.ts";

type Json = Record<string, unknown>;

const FILTERED = new Set(["SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]);
const FAILED = new Set(["MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS"]);

/** A Gemini finishReason → neutral stop reason; `calledTools` turns a STOP into tool_use. */
export function stopReasonOf(finishReason: unknown, calledTools: boolean): StopReason {
  if (typeof finishReason === "string") {
    if (finishReason === "MAX_TOKENS") return "max_tokens";
    if (FILTERED.has(finishReason)) return "content_filter";
    if (FAILED.has(finishReason)) return "error";
  }
  return calledTools ? "tool_use" : "end_turn";
}

export function finishReasonOf(stop: StopReason): string {
  switch (stop) {
    case "max_tokens":
      return "MAX_TOKENS";
    case "content_filter":
    case "refusal":
      return "SAFETY";
    case "error":
      return "OTHER";
    default:
      return "STOP";
  }
}

export function emptyNeutralUsage(): NeutralUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 };
}

export function neutralUsageOf(raw: unknown): NeutralUsage {
  const parsed = geminiUsage(raw);
  const usage: NeutralUsage = {
    inputTokens: parsed.inputTokens,
    outputTokens: parsed.outputTokens,
    cacheReadTokens: parsed.cacheReadTokens,
    cacheWrite5mTokens: parsed.cacheCreation5mTokens,
    cacheWrite1hTokens: parsed.cacheCreation1hTokens,
  };
  const thoughts = isObject(raw) ? tokenCount(raw.thoughtsTokenCount) : 0;
  if (thoughts > 0) usage.reasoningTokens = thoughts;
  return usage;
}

/** Neutral usage → usageMetadata. Cache writes are prompt tokens Gemini would not tell apart. */
export function usageMetadataOf(usage: NeutralUsage): Json {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
  const thoughts = Math.min(usage.reasoningTokens ?? 0, usage.outputTokens);
  const candidates = usage.outputTokens - thoughts;
  const metadata: Json = { promptTokenCount: prompt, candidatesTokenCount: candidates };
  if (usage.cacheReadTokens > 0) metadata.cachedContentTokenCount = usage.cacheReadTokens;
  if (thoughts > 0) metadata.thoughtsTokenCount = thoughts;
  metadata.totalTokenCount = prompt + usage.outputTokens;
  return metadata;
}

/** The GenerateContentResponse inside a body (identity for Gemini; Code Assist unwraps). */
export type Unwrap = (value: Json) => unknown;

/**
 * Candidate parts → neutral parts. `callCount` numbers the made-up call ids across a stream or
 * a response. Media and code-execution parts in an answer have no neutral slot and are skipped.
 */
export function decodeCandidateParts(parts: unknown, callCount: { n: number }): Part[] {
  const out: Part[] = [];
  if (!Array.isArray(parts)) return out;
  for (const raw of parts) {
    if (!isObject(raw)) continue;
    const signature = typeof raw.thoughtSignature === "string" && raw.thoughtSignature ? raw.thoughtSignature : undefined;
    if (isObject(raw.functionCall) && typeof raw.functionCall.name === "string") {
      const call = raw.functionCall;
      const id = typeof call.id === "string" && call.id ? call.id : geminiCallId(callCount.n);
      callCount.n++;
      const part: Part = { type: "tool_call", id, name: call.name as string, input: isObject(call.args) ? call.args : {} };
      if (signature) part.signature = signature;
      out.push(part);
    } else if (raw.thought === true) {
      const text = typeof raw.text === "string" ? raw.text : "";
      const previous = out[out.length - 1];
      // Consecutive thought parts are one reasoning block (the stream decoder joins them too).
      if (previous?.type === "thinking" && !previous.encrypted) {
        previous.text += text;
        if (signature) previous.encrypted = signature;
      } else {
        out.push(signature ? { type: "thinking", text, encrypted: signature, origin: "gemini" } : { type: "thinking", text, origin: "gemini" });
      }
    } else if (typeof raw.text === "string" && raw.text !== "") {
      const previous = out[out.length - 1];
      if (previous?.type === "text") previous.text += raw.text;
      else out.push({ type: "text", text: raw.text });
    }
  }
  return out;
}

export function decodeResponse(body: Record<string, unknown>): Response {
  const candidate = Array.isArray(body.candidates) && isObject(body.candidates[0]) ? body.candidates[0] : undefined;
  const parts = candidate && isObject(candidate.content) ? decodeCandidateParts(candidate.content.parts, { n: 0 }) : [];
  const blocked = !candidate && isObject(body.promptFeedback) && typeof body.promptFeedback.blockReason === "string";
  return {
    id: typeof body.responseId === "string" ? body.responseId : "",
    model: typeof body.modelVersion === "string" ? body.modelVersion : "",
    parts,
    stopReason: blocked ? "refusal" : stopReasonOf(candidate?.finishReason, parts.some((p) => p.type === "tool_call")),
    usage: neutralUsageOf(body.usageMetadata),
  };
}

/** Neutral answer parts → Gemini parts (tool results and media do not occur in an answer). */
export function encodeAnswerParts(parts: readonly Part[]): Json[] {
  const out: Json[] = [];
  for (const part of parts) {
    switch (part.type) {
      case "text":
        out.push({ text: part.text });
        break;
      case "thinking": {
        // Another format's signature means nothing to a Gemini client; its text is still shown.
        if (part.text === "" && !(part.origin === "gemini" && part.encrypted)) break;
        const encoded: Json = { text: part.text, thought: true };
        if (part.origin === "gemini" && part.encrypted) encoded.thoughtSignature = part.encrypted;
        out.push(encoded);
        break;
      }
      case "tool_call": {
        const encoded: Json = { functionCall: { id: part.id, name: part.name, args: part.input } };
        if (part.signature) encoded.thoughtSignature = part.signature;
        out.push(encoded);
        break;
      }
    }
  }
  return out;
}

/** The id a Gemini client sees: the upstream's where it had one, else one derived from the request. */
export function responseIdOf(id: string, ctx: EncodeContext): string {
  return id || ctx.requestId;
}

export function encodeResponse(response: Response, ctx: EncodeContext): Record<string, unknown> {
  return {
    candidates: [{ content: { role: "model", parts: encodeAnswerParts(response.parts) }, finishReason: finishReasonOf(response.stopReason), index: 0 }],
    usageMetadata: usageMetadataOf(response.usage),
    modelVersion: ctx.model,
    responseId: responseIdOf(response.id, ctx),
  };
}
