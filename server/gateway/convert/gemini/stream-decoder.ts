/**
 * A Gemini :streamGenerateContent byte stream → neutral stream events. Both framings are read:
 * SSE (`alt=sse`, `data: {…}` events) and the streamed JSON array (`[{…},\r\n{…}]`); the first
 * non-blank byte tells them apart ("[" is the array). Every chunk is a GenerateContentResponse
 * fragment:
 *
 * - text parts → one text block, deltas as they come (a block stays open while text goes on);
 * - `thought: true` parts → one thinking block; their thoughtSignature → signature_delta
 *   (origin "gemini") on that block;
 * - each functionCall part (they arrive whole) → a complete tool_call block: block_start, a
 *   signature_delta when it carries a thoughtSignature, one tool_args_delta with the whole JSON
 *   arguments, block_stop. Calls without an id get `call_<n>`;
 * - finishReason and usageMetadata (cumulative: the last wins) → `finish`, sent once the source
 *   ends (a chunk after the finishReason may still carry usage);
 * - an `{"error": …}` chunk, or a chunk that is not JSON → an `error` event, then nothing.
 *
 * Signatures on plain text parts are not kept (the API does not enforce them). Code Assist
 * streams wrap each chunk as {response: …}: the caller passes an unwrap function.
 */
import { embeddedGeminiError } from "../../formats/gemini/chunk.ts";
import { JsonArraySplitter } from "../../formats/gemini/json-array-splitter.ts";
import { SseSplitter } from "../../streaming/sse-splitter.ts";
import { isJsonWhitespace, OPEN_ARRAY } from "../../streaming/json-element-end.ts";
import type { StreamEvent } from "../neutral.ts";
import { eventData } from "../sse-data.ts";
import type { StreamDecoder } from "../types.ts";
import { geminiCallId, isObject } from "./request.ts";
import { neutralUsageOf, stopReasonOf, type Unwrap } from "./response.ts";

type Json = Record<string, unknown>;

/** A whole non-stream JSON body in a stream's place (usually an error envelope) is read up to this size. */
const MAX_PLAIN_BODY = 1024 * 1024;

export class GeminiStreamDecoder implements StreamDecoder {
  private framing: "sse" | "array" | "plain" | undefined;
  private readonly sse = new SseSplitter((event) => {
    const data = eventData(event);
    if (data !== undefined && data.trim() !== "" && data.trim() !== "[DONE]") this.onText(data);
  });
  private readonly array = new JsonArraySplitter((element) => this.onText(element.toString("utf8")));
  private plain: Buffer[] = [];
  private plainBytes = 0;

  private out: StreamEvent[] = [];
  private started = false;
  private done = false;
  private nextIndex = 0;
  private open: { kind: "text" | "thinking"; index: number } | undefined;
  private readonly calls = { n: 0 };
  private sawToolCall = false;
  private finishReason: string | undefined;
  private blocked = false;
  private usage: unknown;

  constructor(private readonly unwrap: Unwrap = (value) => value) {}

  push(chunk: Buffer): StreamEvent[] {
    if (this.done) return [];
    let i = 0;
    if (this.framing === undefined) {
      while (i < chunk.length && isJsonWhitespace(chunk[i])) i++;
      if (i === chunk.length) return [];
      this.framing = chunk[i] === OPEN_ARRAY ? "array" : chunk[i] === 0x7b /* { */ ? "plain" : "sse";
    }
    const rest = i === 0 ? chunk : chunk.subarray(i);
    if (this.framing === "sse") this.sse.push(rest);
    else if (this.framing === "array") this.array.push(rest);
    else this.keepPlain(rest);
    return this.take();
  }

  end(): StreamEvent[] {
    if (this.done) return [];
    if (this.framing === "sse") this.sse.end();
    else if (this.framing === "array") this.array.end();
    else if (this.framing === "plain" && this.plainBytes <= MAX_PLAIN_BODY) this.onText(Buffer.concat(this.plain).toString("utf8"));
    if (this.done) return this.take();
    this.closeOpen();
    if (this.finishReason !== undefined || this.blocked) {
      this.ensureStarted(undefined);
      this.out.push({
        type: "finish",
        stopReason: this.blocked && this.finishReason === undefined ? "refusal" : stopReasonOf(this.finishReason, this.sawToolCall),
        usage: neutralUsageOf(this.usage),
      });
    } else {
      this.out.push({ type: "error", errorType: "invalid_response", message: "the upstream stream ended early" });
    }
    this.done = true;
    return this.take();
  }

  private take(): StreamEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  private keepPlain(part: Buffer) {
    this.plainBytes += part.length;
    if (this.plainBytes <= MAX_PLAIN_BODY) this.plain.push(Buffer.from(part));
    else this.plain = [];
  }

  private fail(errorType: string, message: string) {
    this.out.push({ type: "error", errorType, message });
    this.done = true;
  }

  private onText(text: string) {
    if (this.done) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.fail("invalid_response", "the upstream sent a stream chunk that is not JSON");
      return;
    }
    const error = embeddedGeminiError(value) ?? embeddedGeminiError(isObject(value) ? this.unwrap(value) : undefined);
    if (error) {
      this.fail(error.type, error.message);
      return;
    }
    const chunk = isObject(value) ? this.unwrap(value) : undefined;
    if (!isObject(chunk)) return; // not a GenerateContentResponse: ignored
    this.onChunk(chunk);
  }

  private ensureStarted(chunk: Json | undefined) {
    if (this.started) return;
    this.started = true;
    this.out.push({
      type: "start",
      id: chunk && typeof chunk.responseId === "string" ? chunk.responseId : "",
      model: chunk && typeof chunk.modelVersion === "string" ? chunk.modelVersion : "",
    });
  }

  private closeOpen() {
    if (!this.open) return;
    this.out.push({ type: "block_stop", index: this.open.index });
    this.open = undefined;
  }

  private openBlock(kind: "text" | "thinking"): number {
    if (this.open?.kind === kind) return this.open.index;
    this.closeOpen();
    const index = this.nextIndex++;
    this.open = { kind, index };
    this.out.push({ type: "block_start", index, block: { type: kind } });
    return index;
  }

  private onChunk(chunk: Json) {
    this.ensureStarted(chunk);
    if (chunk.usageMetadata !== undefined) this.usage = chunk.usageMetadata;
    const candidate = Array.isArray(chunk.candidates) && isObject(chunk.candidates[0]) ? chunk.candidates[0] : undefined;
    if (!candidate) {
      if (isObject(chunk.promptFeedback) && typeof chunk.promptFeedback.blockReason === "string" && chunk.promptFeedback.blockReason) this.blocked = true;
      return;
    }
    const parts = isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
    for (const part of parts) if (isObject(part)) this.onPart(part);
    const reason = candidate.finishReason;
    if (typeof reason === "string" && reason && reason !== "FINISH_REASON_UNSPECIFIED") this.finishReason = reason;
  }

  private onPart(part: Json) {
    const signature = typeof part.thoughtSignature === "string" && part.thoughtSignature ? part.thoughtSignature : undefined;
    if (isObject(part.functionCall) && typeof part.functionCall.name === "string") {
      const call = part.functionCall;
      this.closeOpen();
      const index = this.nextIndex++;
      const id = typeof call.id === "string" && call.id ? call.id : geminiCallId(this.calls.n);
      this.calls.n++;
      this.sawToolCall = true;
      this.out.push({ type: "block_start", index, block: { type: "tool_call", id, name: call.name as string } });
      if (signature) this.out.push({ type: "signature_delta", index, signature, origin: "gemini" });
      this.out.push({ type: "tool_args_delta", index, json: JSON.stringify(isObject(call.args) ? call.args : {}) });
      this.out.push({ type: "block_stop", index });
      return;
    }
    if (part.thought === true) {
      const index = this.openBlock("thinking");
      if (typeof part.text === "string" && part.text) this.out.push({ type: "thinking_delta", index, text: part.text });
      if (signature) this.out.push({ type: "signature_delta", index, signature, origin: "gemini" });
      return;
    }
    if (typeof part.text === "string" && part.text) {
      const index = this.openBlock("text");
      this.out.push({ type: "text_delta", index, text: part.text });
    }
    // Media, code execution and bare signature parts have no neutral stream slot.
  }
}

export function createStreamDecoder(): StreamDecoder {
  return new GeminiStreamDecoder();
}
