/**
 * Anthropic responses: the JSON Message, and the SSE stream (message_start → content blocks →
 * message_delta → message_stop). Usage is split between message_start (input side) and
 * message_delta (cumulative output, sometimes input again); the two are merged.
 */
import { SseSplitter, sseEventData, sseEventName, sseEventNameIs } from "../../streaming/sse-splitter.ts";
import type { EmbeddedError, ResponseOptions, ResponseSummary, StreamTap } from "../types.ts";
import { generatedBytesOf } from "../../streaming/generated-bytes.ts";
import { mergeClaudeUsage } from "./usage.ts";
import { bodyNotJson, emptySummary, unexpectedBody } from "../summary.ts";

function embeddedError(value: unknown): EmbeddedError | undefined {
  if (!value || typeof value !== "object") return undefined;
  const v = value as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  if (v.type === "error" || (v.error && typeof v.error === "object" && v.type !== "message")) {
    return { type: String(v.error?.type ?? "api_error"), message: String(v.error?.message ?? "upstream error") };
  }
  return undefined;
}

export function summarizeClaudeJson(body: Buffer, options: ResponseOptions): ResponseSummary {
  const summary = emptySummary();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    summary.error = bodyNotJson();
    return summary;
  }
  summary.error = embeddedError(parsed);
  if (summary.error) return summary;
  if (parsed.type === "message" || Array.isArray(parsed.content)) {
    summary.completed = true;
    summary.sawContent = true;
  } else if (typeof parsed.input_tokens === "number") {
    // count_tokens answers {"input_tokens": N}: complete, and not billed.
    summary.completed = true;
  } else {
    summary.error = unexpectedBody();
  }
  mergeClaudeUsage(summary.usage, parsed.usage, options.defaultCacheTtl);
  if (typeof parsed.model === "string") summary.model = parsed.model;
  return summary;
}

/** Events that carry what the tap needs; every other event is skipped without decoding it. */
const CONTENT_BLOCK_DELTA = Buffer.from("content_block_delta");
const GENERATED_MEMBERS = ["text", "thinking", "partial_json"] as const;
const INTERESTING = new Set(["message_start", "message_delta", "message_stop", "error"]);

class ClaudeStreamTap implements StreamTap {
  private readonly state = emptySummary();
  private readonly splitter = new SseSplitter((event) => this.onEvent(event));
  private generated = 0;

  constructor(private readonly options: ResponseOptions) {}

  push(chunk: Buffer): Buffer {
    this.splitter.push(chunk);
    return chunk;
  }

  end(): undefined {
    this.splitter.end();
    return undefined;
  }

  summary(): ResponseSummary {
    return this.state;
  }

  generatedBytes(): number {
    return this.generated;
  }

  private onEvent(event: Buffer) {
    // Nearly every event is a delta: recognised from its bytes, without a string per event.
    if (sseEventNameIs(event, CONTENT_BLOCK_DELTA)) {
      this.state.sawContent = true;
      // text_delta, thinking_delta, input_json_delta: what the client has been sent of the answer.
      this.generated += generatedBytesOf(event, GENERATED_MEMBERS);
      return;
    }
    const name = sseEventName(event);
    if (name === undefined) return;
    if (!this.state.sawContent && name.startsWith("content_block")) this.state.sawContent = true;
    if (!INTERESTING.has(name)) return;
    if (name === "message_stop") {
      this.state.completed = true;
      return;
    }
    const data = sseEventData(event);
    if (!data) return;
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    if (name === "error") {
      this.state.error = embeddedError(payload) ?? { type: "api_error", message: "stream error" };
    } else if (name === "message_start") {
      const message = payload.message as Record<string, unknown> | undefined;
      if (typeof message?.model === "string") this.state.model = message.model;
      mergeClaudeUsage(this.state.usage, message?.usage, this.options.defaultCacheTtl);
    } else if (name === "message_delta") {
      mergeClaudeUsage(this.state.usage, payload.usage, this.options.defaultCacheTtl);
    }
  }
}

export function createClaudeStreamTap(options: ResponseOptions): StreamTap {
  return new ClaudeStreamTap(options);
}
