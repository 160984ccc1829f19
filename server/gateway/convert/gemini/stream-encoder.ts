/**
 * Neutral stream events → a Gemini :streamGenerateContent stream for a Gemini client.
 *
 * Each encode() call that carries content becomes one GenerateContentResponse chunk: the text
 * and thinking deltas of the batch are joined per block into text parts (`thought: true` for
 * thinking), a tool call becomes one functionCall part once its block stops (its argument
 * fragments are buffered until then: Gemini clients expect whole calls), and the `finish`
 * event adds finishReason and usageMetadata to the last chunk. Every chunk carries
 * modelVersion and responseId, as Google's do.
 *
 * Framing: SSE (`data: {json}\r\n\r\n`, what ?alt=sse gets) when ctx.sse, else a JSON array
 * written as it goes: "[" before the first element, ",\r\n" before the next ones, "]" at end().
 * An `error` event becomes Google's error envelope (an SSE event, or the array's last element
 * followed by "]") and nothing is written after it. Code Assist wraps every chunk (not the
 * error) as {"response": …}.
 */
import type { NeutralUsage, StopReason, StreamEvent } from "../neutral.ts";
import type { EncodeContext, StreamEncoder } from "../types.ts";
import { isObject } from "./request.ts";
import { finishReasonOf, responseIdOf, usageMetadataOf } from "./response.ts";

type Json = Record<string, unknown>;

/** The HTTP code and google.rpc status for a neutral error type (any format's names). */
export function googleErrorOf(errorType: string): { code: number; status: string } {
  const type = errorType.toLowerCase();
  if (type.includes("rate") || type.includes("resource_exhausted") || type.includes("quota")) return { code: 429, status: "RESOURCE_EXHAUSTED" };
  if (type.includes("overloaded") || type.includes("unavailable")) return { code: 503, status: "UNAVAILABLE" };
  if (type.includes("invalid_argument") || type.includes("invalid_request")) return { code: 400, status: "INVALID_ARGUMENT" };
  if (type.includes("authentication") || type.includes("unauthenticated")) return { code: 401, status: "UNAUTHENTICATED" };
  if (type.includes("permission")) return { code: 403, status: "PERMISSION_DENIED" };
  if (type.includes("not_found")) return { code: 404, status: "NOT_FOUND" };
  if (type.includes("deadline") || type.includes("timeout")) return { code: 504, status: "DEADLINE_EXCEEDED" };
  return { code: 500, status: "INTERNAL" };
}

interface OpenCall {
  index: number;
  id: string;
  name: string;
  args: string[];
  signature?: string;
}

export class GeminiStreamEncoder implements StreamEncoder {
  private wrote = false;
  private closed = false;
  private id = "";
  /** Open text/thinking block: its kind by index. */
  private readonly kinds = new Map<number, "text" | "thinking">();
  private call: OpenCall | undefined;
  /** `,"modelVersion":…,"responseId":…}` — the same tail on every chunk, built once. */
  private tail = "";

  constructor(
    private readonly ctx: EncodeContext,
    private readonly wrap = false,
  ) {
    this.setTail();
  }

  private setTail() {
    this.tail = `,"modelVersion":${JSON.stringify(this.ctx.model)},"responseId":${JSON.stringify(responseIdOf(this.id, this.ctx))}`;
  }

  encode(events: readonly StreamEvent[]): string {
    if (this.closed) return "";
    let out = "";
    let parts: Json[] = [];
    for (const event of events) {
      switch (event.type) {
        case "start":
          this.id = event.id;
          this.setTail();
          break;
        case "block_start":
          if (event.block.type === "text" || event.block.type === "thinking") this.kinds.set(event.index, event.block.type);
          else if (event.block.type === "tool_call") this.call = { index: event.index, id: event.block.id, name: event.block.name, args: [] };
          break;
        case "text_delta":
        case "thinking_delta": {
          if (!event.text) break;
          const thought = event.type === "thinking_delta";
          const last = parts[parts.length - 1];
          // Deltas of one block in one batch become one part.
          if (last && last.functionCall === undefined && (last.thought === true) === thought && last.thoughtSignature === undefined) last.text = `${last.text as string}${event.text}`;
          else parts.push(thought ? { text: event.text, thought: true } : { text: event.text });
          break;
        }
        case "signature_delta":
          if (event.origin !== "gemini") break;
          if (this.call && this.call.index === event.index) this.call.signature = event.signature;
          else if (this.kinds.get(event.index) === "thinking") {
            const last = parts[parts.length - 1];
            if (last && last.thought === true && last.thoughtSignature === undefined) last.thoughtSignature = event.signature;
            else parts.push({ text: "", thought: true, thoughtSignature: event.signature });
          }
          break;
        case "tool_args_delta":
          if (this.call && this.call.index === event.index) this.call.args.push(event.json);
          break;
        case "block_stop":
          if (this.call && this.call.index === event.index) {
            parts.push(this.functionCallPart(this.call));
            this.call = undefined;
          }
          this.kinds.delete(event.index);
          break;
        case "finish":
          out += this.chunk(parts, event.stopReason, event.usage);
          parts = [];
          break;
        case "error":
          if (parts.length > 0) out += this.chunk(parts);
          return out + this.error(event.errorType, event.message);
      }
    }
    if (parts.length > 0) out += this.chunk(parts);
    return out;
  }

  end(): string {
    if (this.closed || this.ctx.sse) return "";
    this.closed = true;
    return this.wrote ? "]" : "[]";
  }

  private functionCallPart(call: OpenCall): Json {
    const text = call.args.join("");
    let args: unknown = {};
    if (text.trim() !== "") {
      try {
        args = JSON.parse(text);
      } catch {
        args = { _raw: text };
      }
    }
    const part: Json = { functionCall: { id: call.id, name: call.name, args: isObject(args) ? args : { value: args } } };
    if (call.signature) part.thoughtSignature = call.signature;
    return part;
  }

  private frame(json: string): string {
    if (this.ctx.sse) return `data: ${json}\r\n\r\n`;
    const prefix = this.wrote ? ",\r\n" : "[";
    this.wrote = true;
    return prefix + json;
  }

  private chunk(parts: Json[], stop?: StopReason, usage?: NeutralUsage): string {
    // Google's last chunk carries an empty text part when nothing else is left to say.
    const content = `{"content":{"role":"model","parts":${JSON.stringify(parts.length > 0 ? parts : [{ text: "" }])}}`;
    const finish = stop ? `,"finishReason":"${finishReasonOf(stop)}"` : "";
    const usageJson = usage ? `,"usageMetadata":${JSON.stringify(usageMetadataOf(usage))}` : "";
    const body = `{"candidates":[${content}${finish},"index":0}]${usageJson}${this.tail}}`;
    return this.frame(this.wrap ? `{"response":${body}}` : body);
  }

  private error(errorType: string, message: string): string {
    const { code, status } = googleErrorOf(errorType);
    const json = JSON.stringify({ error: { code, message, status } });
    if (this.ctx.sse) {
      this.closed = true;
      return `data: ${json}\r\n\r\n`;
    }
    const framed = this.frame(json);
    this.closed = true;
    return `${framed}]`;
  }
}

export function createStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new GeminiStreamEncoder(ctx);
}
