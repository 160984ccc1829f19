/**
 * Neutral stream events → an Anthropic Messages SSE stream, in the grammar the official SDKs
 * parse: message_start (a Message with content [] and stop_reason null) → per block
 * content_block_start / content_block_delta… / content_block_stop → message_delta (stop reason
 * and cumulative usage) → message_stop. An error becomes `event: error` and ends the stream.
 *
 * Converted upstreams (OpenAI Chat in particular) report input tokens only at the end, so
 * message_start carries what the start event knew and message_delta repeats every bucket with
 * the final counts (Anthropic's message_delta usage is cumulative too).
 *
 * Strings are built directly; only the small pieces (delta text, ids, names) go through
 * JSON.stringify.
 */
import type { ApiFormat } from "../../formats/types.ts";
import type { StreamEvent } from "../neutral.ts";
import type { EncodeContext, StreamEncoder } from "../types.ts";
import { carryCallSignature, carryReasoning } from "./carried.ts";
import { claudeMessageId } from "./response.ts";
import { encodeClaudeUsage, encodeStopReason } from "./usage.ts";

/** Anthropic's error types; another format's type becomes the closest one. */
const CLAUDE_ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "billing_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
  "rate_limit_error",
  "api_error",
  "timeout_error",
  "overloaded_error",
]);

export function claudeErrorType(type: string): string {
  if (CLAUDE_ERROR_TYPES.has(type)) return type;
  if (type.includes("rate_limit") || type === "RESOURCE_EXHAUSTED") return "rate_limit_error";
  if (type.includes("overloaded") || type === "UNAVAILABLE") return "overloaded_error";
  if (type.includes("timeout") || type === "DEADLINE_EXCEEDED") return "timeout_error";
  return "api_error";
}

function sse(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

class ClaudeStreamEncoder implements StreamEncoder {
  private started = false;
  private done = false;
  /** The neutral index of the open block and the client index it was given. */
  private openNeutral = -1;
  private openClient = -1;
  private openType: "text" | "thinking" | "redacted_thinking" | "tool_call" | undefined;
  /** Another vendor's token for the open block, sent (carried) when the block stops. */
  private pendingToken: { signature: string; origin: ApiFormat } | undefined;
  private nextIndex = 0;

  constructor(private readonly ctx: EncodeContext) {}

  encode(events: readonly StreamEvent[]): string {
    let out = "";
    for (const event of events) {
      if (this.done) break;
      out += this.one(event);
    }
    return out;
  }

  end(): string {
    return "";
  }

  private start(id: string, usage: Extract<StreamEvent, { type: "start" }>["usage"]): string {
    this.started = true;
    const message =
      `{"id":${JSON.stringify(id || claudeMessageId(this.ctx.requestId))},"type":"message","role":"assistant","model":${JSON.stringify(this.ctx.model)},` +
      `"content":[],"stop_reason":null,"stop_sequence":null,"usage":${JSON.stringify(encodeClaudeUsage(usage))}}`;
    return sse("message_start", `{"type":"message_start","message":${message}}`);
  }

  private stopOpen(): string {
    if (this.openClient < 0) return "";
    const token = this.pendingToken;
    let out = "";
    // Anthropic sends a thinking block's signature once, just before the block stops.
    if (token && this.openType === "thinking") out += this.signatureDelta(this.openClient, carryReasoning({ origin: token.origin, encrypted: token.signature }) ?? "");
    out += sse("content_block_stop", `{"type":"content_block_stop","index":${this.openClient}}`);
    if (token && this.openType === "tool_call") {
      // A tool call's signature (Gemini) follows the tool_use in a thinking block of its own.
      const index = this.nextIndex++;
      out += sse("content_block_start", `{"type":"content_block_start","index":${index},"content_block":{"type":"thinking","thinking":"","signature":""}}`);
      out += this.signatureDelta(index, carryCallSignature(token.signature));
      out += sse("content_block_stop", `{"type":"content_block_stop","index":${index}}`);
    }
    this.openNeutral = -1;
    this.openClient = -1;
    this.openType = undefined;
    this.pendingToken = undefined;
    return out;
  }

  private signatureDelta(index: number, signature: string): string {
    return sse("content_block_delta", `{"type":"content_block_delta","index":${index},"delta":{"type":"signature_delta","signature":${JSON.stringify(signature)}}}`);
  }

  private delta(index: number, delta: string): string {
    if (index !== this.openNeutral) return "";
    return sse("content_block_delta", `{"type":"content_block_delta","index":${this.openClient},"delta":${delta}}`);
  }

  private one(event: StreamEvent): string {
    if (event.type === "error") {
      this.done = true;
      const data = `{"type":"error","error":{"type":${JSON.stringify(claudeErrorType(event.errorType))},"message":${JSON.stringify(event.message)}}}`;
      return sse("error", data);
    }
    // The invariants put start first; should a source skip it, the client still gets one.
    let out = event.type === "start" || this.started ? "" : this.start("", undefined);
    switch (event.type) {
      case "start":
        if (!this.started) out += this.start(event.id, event.usage);
        break;
      case "block_start": {
        out += this.stopOpen();
        const index = this.nextIndex++;
        this.openNeutral = event.index;
        this.openClient = index;
        const block = event.block;
        this.openType = block.type;
        let content: string;
        if (block.type === "text") content = `{"type":"text","text":""}`;
        else if (block.type === "thinking") content = `{"type":"thinking","thinking":"","signature":""}`;
        else if (block.type === "redacted_thinking") content = `{"type":"redacted_thinking","data":${JSON.stringify(block.data)}}`;
        else content = `{"type":"tool_use","id":${JSON.stringify(block.id)},"name":${JSON.stringify(block.name)},"input":{}}`;
        out += sse("content_block_start", `{"type":"content_block_start","index":${index},"content_block":${content}}`);
        break;
      }
      case "text_delta":
        out += this.delta(event.index, `{"type":"text_delta","text":${JSON.stringify(event.text)}}`);
        break;
      case "thinking_delta":
        out += this.delta(event.index, `{"type":"thinking_delta","thinking":${JSON.stringify(event.text)}}`);
        break;
      case "signature_delta":
        if (event.index !== this.openNeutral) break;
        if (event.origin === "claude") out += this.signatureDelta(this.openClient, event.signature);
        // Another vendor's token is carried (carried.ts) on thinking and tool-call blocks; the
        // last one given wins, as Anthropic's signature_delta replaces the signature.
        else if (this.openType === "thinking" || this.openType === "tool_call") this.pendingToken = { signature: event.signature, origin: event.origin };
        break;
      case "tool_args_delta":
        out += this.delta(event.index, `{"type":"input_json_delta","partial_json":${JSON.stringify(event.json)}}`);
        break;
      case "block_stop":
        if (event.index === this.openNeutral) out += this.stopOpen();
        break;
      case "finish": {
        out += this.stopOpen();
        const delta = `{"stop_reason":${JSON.stringify(encodeStopReason(event.stopReason))},"stop_sequence":${event.stopSequence === undefined ? "null" : JSON.stringify(event.stopSequence)}}`;
        out += sse("message_delta", `{"type":"message_delta","delta":${delta},"usage":${JSON.stringify(encodeClaudeUsage(event.usage))}}`);
        out += sse("message_stop", `{"type":"message_stop"}`);
        this.done = true;
        break;
      }
    }
    return out;
  }
}

export function createClaudeStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new ClaudeStreamEncoder(ctx);
}
