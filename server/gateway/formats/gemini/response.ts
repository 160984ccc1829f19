/**
 * Gemini responses: the JSON GenerateContentResponse (or a countTokens answer), and the two
 * stream framings of :streamGenerateContent — SSE (`alt=sse`: `data: {…}\r\n\r\n` per chunk,
 * no terminal marker) and a JSON array written element by element (no `alt`). Every chunk is
 * a complete GenerateContentResponse; usage is cumulative (the last chunk wins) and the stream
 * is complete once a candidate carries a finishReason.
 *
 * Code Assist (gemini-cli) wraps every object as `{response: {…}, traceId}`; the tap takes an
 * `unwrap` function so both formats share it.
 */
import type { GatewayError } from "../../errors.ts";
import { SseSplitter, sseEventData } from "../../streaming/sse-splitter.ts";
import type { ResponseOptions, ResponseSummary, StreamTap } from "../types.ts";
import { applyGeminiChunk, embeddedGeminiError, generatedChunkBytes, hasCandidates, isBlockedPrompt, isObject } from "./chunk.ts";
import { renderGeminiStreamError } from "./errors.ts";
import { JsonArraySplitter } from "./json-array-splitter.ts";
import { bodyNotJson, emptySummary, unexpectedBody } from "../summary.ts";

/** Maps one parsed chunk to the GenerateContentResponse inside it (identity for plain Gemini). */
export type Unwrap = (value: unknown) => unknown;

const identity: Unwrap = (value) => value;

/** The stream framing, known once the first non-blank byte arrived. */
export type GeminiStreamFraming = "sse" | "json-array";

function notJson(): ResponseSummary {
  const summary = emptySummary();
  summary.error = bodyNotJson();
  return summary;
}

/** Folds one parsed chunk, looking for an error both outside and inside a wrapper. */
export function applyWrappedChunk(state: ResponseSummary, value: unknown, unwrap: Unwrap): void {
  const outer = embeddedGeminiError(value);
  if (outer) {
    state.error = outer;
    return;
  }
  applyGeminiChunk(state, unwrap(value));
}

/**
 * Summarises a streamed JSON array that arrived as one body (the gateway reads a non-SSE
 * answer whole): the same fold as the stream tap. An array without any content or finish is
 * an empty stream, which is an error.
 */
export function summarizeGeminiArray(elements: unknown[], unwrap: Unwrap): ResponseSummary {
  const summary = emptySummary();
  for (const element of elements) applyWrappedChunk(summary, element, unwrap);
  if (!summary.error && !summary.sawContent && !summary.completed) {
    summary.error = { type: "invalid_response", message: "the upstream answered an empty stream" };
  }
  return summary;
}

/**
 * Summarises a complete non-streamed body: a GenerateContentResponse, a countTokens answer
 * (`{totalTokens}`, complete and unbilled), or a streamed JSON array read whole. A 2xx body that
 * is an error envelope, not JSON, or an answer without candidates (unless the prompt was
 * blocked, which is a legitimate answer) is reported as an error ("fake 200").
 */
export function summarizeGeminiJson(body: Buffer, _options: ResponseOptions): ResponseSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return notJson();
  }
  if (Array.isArray(parsed)) return summarizeGeminiArray(parsed, identity);
  const summary = emptySummary();
  summary.error = embeddedGeminiError(parsed);
  if (summary.error) return summary;
  if (!isObject(parsed)) {
    summary.error = unexpectedBody();
    return summary;
  }
  if (typeof parsed.totalTokens === "number") {
    summary.completed = true;
    return summary;
  }
  if (!hasCandidates(parsed) && !isBlockedPrompt(parsed)) {
    summary.error = { type: "invalid_response", message: "the upstream answered 2xx without candidates" };
    return summary;
  }
  applyGeminiChunk(summary, parsed);
  // A whole body arrived: it is complete even if a candidate lacks a finishReason.
  summary.completed = true;
  return summary;
}

/**
 * The stream tap for both framings: the first non-blank byte decides ("[" → JSON array, else
 * SSE). Bytes are forwarded unchanged; at most one unfinished event or element is buffered.
 */
export class GeminiStreamTap implements StreamTap {
  private readonly state = emptySummary();
  private sse: SseSplitter | undefined;
  private array: JsonArraySplitter | undefined;
  private generated = 0;

  constructor(private readonly unwrap: Unwrap = identity) {}

  /** The framing of this stream, once known. */
  get framing(): GeminiStreamFraming | undefined {
    return this.array ? "json-array" : this.sse ? "sse" : undefined;
  }

  /**
   * A well-formed ending for this stream after it broke past the commit point, in its own
   * framing: an SSE error event, or an error element plus the closing bracket of the array.
   * (The WireFormat contract renders stream errors without the tap; this is the hook it needs
   * to end JSON-array streams correctly.)
   */
  renderError(error: GatewayError, requestId: string): string {
    if (this.array) return renderGeminiStreamError(error, requestId, "json-array", this.array.elements > 0);
    return renderGeminiStreamError(error, requestId, "sse");
  }

  push(chunk: Buffer): Buffer {
    if (!this.sse && !this.array) {
      let i = 0;
      while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)) i++;
      if (i === chunk.length) return chunk; // only blanks so far: the framing is not known yet
      if (chunk[i] === 0x5b /* [ */) this.array = new JsonArraySplitter((element) => this.onJson(element.toString("utf8")));
      else this.sse = new SseSplitter((event) => this.onSseEvent(event));
    }
    if (this.array) this.array.push(chunk);
    else this.sse!.push(chunk);
    return chunk;
  }

  end(): undefined {
    this.sse?.end();
    this.array?.end();
    return undefined;
  }

  summary(): ResponseSummary {
    return this.state;
  }

  private onSseEvent(event: Buffer) {
    const data = sseEventData(event);
    if (data === undefined || data === "") return;
    this.onJson(data);
  }

  private onJson(text: string) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return; // not a chunk we can read; the client gets the bytes anyway
    }
    applyWrappedChunk(this.state, value, this.unwrap);
    this.generated += generatedChunkBytes(this.unwrap(value));
  }

  generatedBytes(): number {
    return this.generated;
  }
}

/** The plain Gemini stream tap (chunks are GenerateContentResponse objects). */
export function createGeminiStreamTap(_options: ResponseOptions): StreamTap {
  return new GeminiStreamTap();
}
