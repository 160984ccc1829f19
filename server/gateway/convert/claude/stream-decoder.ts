/**
 * An Anthropic Messages SSE stream → neutral stream events, incrementally. Events are split by
 * SseSplitter (bounded memory, any chunking) and each complete event is translated on its own;
 * tool-call JSON passes through as fragments.
 *
 * Anthropic's own blocks are sequential; the decoder still enforces the neutral invariants
 * against a misbehaving relay: a block that starts while another is open closes it first,
 * deltas for any block but the open one are ignored, and blocks of server-side tools
 * (server_tool_use, web_search_tool_result…) are skipped with their deltas. message_stop is the
 * only terminal event: a stream that ends without it gets an error event.
 */
import { SseSplitter, sseEventName } from "../../streaming/sse-splitter.ts";
import type { StopReason, StreamEvent } from "../neutral.ts";
import { readJsonString, readSmallInteger } from "../json-string.ts";
import { eventData } from "../sse-data.ts";
import type { StreamDecoder } from "../types.ts";
import { isObject, type Json } from "./content.ts";
import { ClaudeUsageReader, decodeClaudeUsage, decodeStopReason } from "./usage.ts";

export const STREAM_ENDED_EARLY = "the upstream stream ended early";

const PING = Buffer.from("event: ping");

/** `event: ping` (or `event:ping`) as the first line, read from the bytes: no string per event. */
function isPing(event: Buffer): boolean {
  let at = 0;
  for (; at < 6; at++) if (event[at] !== PING[at]) return false;
  if (event[at] === 0x20) at++;
  for (let i = 7; i < PING.length; i++, at++) if (event[at] !== PING[i]) return false;
  const next = event[at];
  return next === 0x0a || next === 0x0d || next === undefined;
}

const DELTA_HEAD = '{"type":"content_block_delta","index":';
const DELTA_TYPE = ',"delta":{"type":"';
const TEXT_DELTA = 'text_delta","text":';
const JSON_DELTA = 'input_json_delta","partial_json":';
const THINKING_DELTA = 'thinking_delta","thinking":';

interface FastDelta {
  /** The upstream block index. */
  index: number;
  kind: "text_delta" | "tool_args_delta" | "thinking_delta";
  value: string;
}

/**
 * A content_block_delta of text, tool arguments or thinking exactly as Anthropic writes it
 * (`{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`), read
 * without parsing the event; undefined for anything else, which JSON.parse reads in full. Most
 * events of a stream are these.
 */
function fastBlockDelta(data: string): FastDelta | undefined {
  if (!data.startsWith(DELTA_HEAD)) return undefined;
  const digitsEnd = readSmallInteger(data, DELTA_HEAD.length);
  if (digitsEnd < 0 || !data.startsWith(DELTA_TYPE, digitsEnd)) return undefined;
  let at = digitsEnd + DELTA_TYPE.length;
  let kind: FastDelta["kind"];
  if (data.startsWith(TEXT_DELTA, at)) {
    kind = "text_delta";
    at += TEXT_DELTA.length;
  } else if (data.startsWith(JSON_DELTA, at)) {
    kind = "tool_args_delta";
    at += JSON_DELTA.length;
  } else if (data.startsWith(THINKING_DELTA, at)) {
    kind = "thinking_delta";
    at += THINKING_DELTA.length;
  } else return undefined;
  const string = readJsonString(data, at);
  // Exactly "}}" after the string: anything more (another member, whitespace) is parsed in full.
  if (!string || string.end + 2 !== data.length || data.charCodeAt(string.end) !== 0x7d || data.charCodeAt(string.end + 1) !== 0x7d) return undefined;
  return { index: Number(data.slice(DELTA_HEAD.length, digitsEnd)), kind, value: string.value };
}

class ClaudeStreamDecoder implements StreamDecoder {
  private readonly splitter = new SseSplitter((event) => this.onEvent(event));
  private out: StreamEvent[] = [];
  private started = false;
  /** Set after message_stop or an error: nothing more is emitted. */
  private done = false;
  /** The neutral index of the open block, and the upstream index it came from. */
  private openIndex = -1;
  private openUpstream: unknown = undefined;
  private nextIndex = 0;
  private readonly usage = new ClaudeUsageReader();
  private stopReason: StopReason = "end_turn";
  private stopSequence: string | undefined;

  push(chunk: Buffer): StreamEvent[] {
    this.splitter.push(chunk);
    return this.take();
  }

  end(): StreamEvent[] {
    this.splitter.end();
    if (!this.done) {
      this.closeOpen();
      this.fail("api_error", STREAM_ENDED_EARLY);
    }
    return this.take();
  }

  private take(): StreamEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  private fail(errorType: string, message: string) {
    this.out.push({ type: "error", errorType, message });
    this.done = true;
  }

  private ensureStarted() {
    if (this.started) return;
    // Content before message_start (a broken relay): the stream still opens with a start.
    this.started = true;
    this.out.push({ type: "start", id: "", model: "" });
  }

  private closeOpen() {
    if (this.openIndex < 0) return;
    this.out.push({ type: "block_stop", index: this.openIndex });
    this.openIndex = -1;
    this.openUpstream = undefined;
  }

  private open(upstreamIndex: unknown, block: Extract<StreamEvent, { type: "block_start" }>["block"]): number {
    this.closeOpen();
    const index = this.nextIndex++;
    this.openIndex = index;
    this.openUpstream = upstreamIndex;
    this.out.push({ type: "block_start", index, block });
    return index;
  }

  private onEvent(raw: Buffer) {
    if (this.done) return;
    if (isPing(raw)) return;
    const data = eventData(raw);
    if (data === undefined) return;
    const fast = fastBlockDelta(data);
    if (fast) {
      // As onBlockDelta: only the open block's deltas, empty ones skipped.
      if (this.openIndex >= 0 && fast.index === this.openUpstream && fast.value !== "") {
        const index = this.openIndex;
        this.out.push(fast.kind === "tool_args_delta" ? { type: "tool_args_delta", index, json: fast.value } : { type: fast.kind, index, text: fast.value });
      }
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      this.closeOpen();
      const name = sseEventName(raw);
      this.fail("invalid_response", `the upstream sent an event that is not JSON${name ? ` (${name.slice(0, 64)})` : ""}`);
      return;
    }
    if (!isObject(payload)) return;
    // The JSON's type equals the event name; relays that drop "event:" lines still send it.
    const type = typeof payload.type === "string" ? payload.type : sseEventName(raw);
    switch (type) {
      case "message_start":
        this.onMessageStart(payload);
        break;
      case "content_block_start":
        this.onBlockStart(payload);
        break;
      case "content_block_delta":
        this.onBlockDelta(payload);
        break;
      case "content_block_stop":
        if (this.openIndex >= 0 && payload.index === this.openUpstream) this.closeOpen();
        break;
      case "message_delta": {
        const delta = isObject(payload.delta) ? payload.delta : {};
        if (delta.stop_reason !== undefined && delta.stop_reason !== null) this.stopReason = decodeStopReason(delta.stop_reason);
        if (typeof delta.stop_sequence === "string") this.stopSequence = delta.stop_sequence;
        this.usage.merge(payload.usage);
        break;
      }
      case "message_stop": {
        this.ensureStarted();
        this.closeOpen();
        const finish: StreamEvent = { type: "finish", stopReason: this.stopReason, usage: this.usage.neutral() };
        if (this.stopSequence !== undefined) finish.stopSequence = this.stopSequence;
        this.out.push(finish);
        this.done = true;
        break;
      }
      case "error": {
        const error = isObject(payload.error) ? payload.error : {};
        this.closeOpen();
        this.fail(typeof error.type === "string" ? error.type : "api_error", typeof error.message === "string" ? error.message : "upstream error");
        break;
      }
      // ping and event types added later: ignored.
    }
  }

  private onMessageStart(payload: Json) {
    if (this.started) return;
    this.started = true;
    const message = isObject(payload.message) ? payload.message : {};
    this.usage.merge(message.usage);
    const start: StreamEvent = {
      type: "start",
      id: typeof message.id === "string" ? message.id : "",
      model: typeof message.model === "string" ? message.model : "",
    };
    if (isObject(message.usage)) start.usage = decodeClaudeUsage(message.usage);
    this.out.push(start);
  }

  private onBlockStart(payload: Json) {
    const block = isObject(payload.content_block) ? payload.content_block : {};
    this.ensureStarted();
    switch (block.type) {
      case "text": {
        const index = this.open(payload.index, { type: "text" });
        if (typeof block.text === "string" && block.text !== "") this.out.push({ type: "text_delta", index, text: block.text });
        break;
      }
      case "thinking": {
        const index = this.open(payload.index, { type: "thinking" });
        if (typeof block.thinking === "string" && block.thinking !== "") this.out.push({ type: "thinking_delta", index, text: block.thinking });
        if (typeof block.signature === "string" && block.signature !== "") this.out.push({ type: "signature_delta", index, signature: block.signature, origin: "claude" });
        break;
      }
      case "redacted_thinking":
        this.open(payload.index, { type: "redacted_thinking", data: typeof block.data === "string" ? block.data : "" });
        break;
      case "tool_use": {
        const index = this.open(payload.index, { type: "tool_call", id: typeof block.id === "string" ? block.id : "", name: typeof block.name === "string" ? block.name : "" });
        // Anthropic starts with input {} and streams the JSON; a relay may send it whole here.
        if (isObject(block.input) && Object.keys(block.input).length) this.out.push({ type: "tool_args_delta", index, json: JSON.stringify(block.input) });
        break;
      }
      default:
        // A server-side tool's block: skipped, and so are its deltas (they name its index).
        this.closeOpen();
    }
  }

  private onBlockDelta(payload: Json) {
    if (this.openIndex < 0 || payload.index !== this.openUpstream) return;
    const delta = isObject(payload.delta) ? payload.delta : {};
    const index = this.openIndex;
    switch (delta.type) {
      case "text_delta":
        if (typeof delta.text === "string" && delta.text !== "") this.out.push({ type: "text_delta", index, text: delta.text });
        break;
      case "thinking_delta":
        if (typeof delta.thinking === "string" && delta.thinking !== "") this.out.push({ type: "thinking_delta", index, text: delta.thinking });
        break;
      case "signature_delta":
        if (typeof delta.signature === "string" && delta.signature !== "") this.out.push({ type: "signature_delta", index, signature: delta.signature, origin: "claude" });
        break;
      case "input_json_delta":
        if (typeof delta.partial_json === "string" && delta.partial_json !== "") this.out.push({ type: "tool_args_delta", index, json: delta.partial_json });
        break;
      // citations_delta: citations have no neutral form.
    }
  }
}

export function createClaudeStreamDecoder(): StreamDecoder {
  return new ClaudeStreamDecoder();
}
