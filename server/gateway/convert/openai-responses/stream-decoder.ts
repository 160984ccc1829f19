/**
 * A Responses SSE stream from the upstream → neutral stream events, incrementally.
 *
 *   response.created / in_progress / queued        → start (once)
 *   output_item.added reasoning                     → block_start thinking
 *   reasoning_summary_text.delta, reasoning_text.delta → thinking_delta ("\n\n" between summary parts)
 *   output_item.done reasoning                      → signature_delta (encrypted_content) + block_stop
 *   content_part.added output_text | refusal        → block_start text (one block per content part)
 *   output_text.delta, refusal.delta                → text_delta
 *   content_part.done                               → block_stop
 *   output_item.added function_call                 → block_start tool_call {call_id, name}
 *   function_call_arguments.delta                   → tool_args_delta
 *   output_item.done function_call                  → block_stop
 *   custom_tool_call (+ custom_tool_call_input.delta) → a tool_call whose arguments are {"input": …},
 *                                                     written as JSON fragments as the input streams
 *   response.completed | response.incomplete        → finish (stop reason as in response.ts, usage)
 *   response.failed, error, a non-JSON event        → error (and nothing more)
 *
 * Text that a relay sends only in a `.done` event or in output_item.done (no deltas) is emitted
 * from there. Responses streams one output item at a time, so blocks never need reordering;
 * deltas for an item that is no longer open are ignored. Memory: one unfinished SSE event plus
 * a few flags per block.
 */
import { findMember } from "../../formats/openai-chat/event-bytes.ts";
import { SseSplitter, sseEventName } from "../../streaming/sse-splitter.ts";
import type { StreamEvent } from "../neutral.ts";
import { readJsonString, readSmallInteger } from "../json-string.ts";
import { eventData } from "../sse-data.ts";
import type { StreamDecoder } from "../types.ts";
import { isObject } from "./content.ts";
import { reasoningText, stopReasonOf } from "./response.ts";
import { decodeUsage } from "./usage.ts";

type Raw = Record<string, unknown>;

interface OpenBlock {
  index: number;
  kind: "text" | "thinking" | "tool_call";
  outputIndex: number;
  contentIndex: number;
  /** Some text or arguments were emitted for this block (a later `.done` must not repeat them). */
  streamed: boolean;
  /** Thinking: a new summary part began; the next text is preceded by a blank line. */
  separate: boolean;
  /** Tool call of a free-form (custom) tool: arguments are the JSON-escaped input inside {"input":"…"}. */
  custom: boolean;
}

function num(value: unknown): number {
  return typeof value === "number" ? value : -1;
}

const TEXT_DELTA_HEAD = '{"type":"response.output_text.delta",';
const ARGS_DELTA_HEAD = '{"type":"response.function_call_arguments.delta",';

/** A member's value as a small non-negative integer, -1 when absent (as num()), undefined when it is something else. */
function indexMember(data: string, name: string): number | undefined {
  const hit = findMember(data, name);
  if (!hit) return -1;
  const end = readSmallInteger(data, hit.valueStart);
  if (end < 0) return undefined;
  const next = data.charCodeAt(end);
  return next === 0x2c || next === 0x7d ? Number(data.slice(hit.valueStart, end)) : undefined;
}

/**
 * A text or function-argument delta event with its type first, as OpenAI writes it, read
 * without JSON.parse: the delta string and the two indexes, found as the passthrough tap finds
 * members (formats/openai-chat/event-bytes.ts); undefined for anything unusual (a value of
 * another kind), which is parsed in full. Most events of a stream are these. Unlike JSON.parse,
 * the members the conversion does not use (item_id, sequence_number, logprobs, obfuscation) are
 * not checked for syntax, and a member given twice counts by its first occurrence (JSON.parse
 * keeps the last): no vendor writes either.
 */
function fastDelta(data: string): { text: boolean; outputIndex: number; contentIndex: number; delta: string } | undefined {
  const text = data.startsWith(TEXT_DELTA_HEAD);
  if (!text && !data.startsWith(ARGS_DELTA_HEAD)) return undefined;
  const hit = findMember(data, "delta");
  if (!hit) return undefined;
  const delta = readJsonString(data, hit.valueStart);
  if (!delta) return undefined;
  const next = data.charCodeAt(delta.end);
  if (next !== 0x2c && next !== 0x7d) return undefined;
  const outputIndex = indexMember(data, "output_index");
  const contentIndex = indexMember(data, "content_index");
  if (outputIndex === undefined || contentIndex === undefined) return undefined;
  return { text, outputIndex, contentIndex, delta: delta.value };
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A fragment of a JSON string's contents (without quotes). */
function escapeFragment(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

class ResponsesStreamDecoder implements StreamDecoder {
  private out: StreamEvent[] = [];
  private readonly splitter = new SseSplitter((event) => this.onEvent(event));
  private started = false;
  private done = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  /** Output items that already produced a block (so output_item.done does not repeat them). */
  private readonly seen = new Set<number>();
  private sawToolCall = false;
  private sawRefusal = false;

  push(chunk: Buffer): StreamEvent[] {
    this.out = [];
    this.splitter.push(chunk);
    return this.out;
  }

  end(): StreamEvent[] {
    this.out = [];
    this.splitter.end();
    if (!this.done) {
      this.closeOpen();
      this.fail("api_error", "the upstream stream ended early");
    }
    return this.out;
  }

  private fail(errorType: string, message: string) {
    this.out.push({ type: "error", errorType, message });
    this.done = true;
    this.open = undefined;
  }

  private ensureStart(response?: unknown) {
    if (this.started) return;
    this.started = true;
    const r = isObject(response) ? response : {};
    this.out.push({ type: "start", id: str(r.id), model: str(r.model) });
  }

  private closeOpen() {
    if (!this.open) return;
    if (this.open.custom) this.out.push({ type: "tool_args_delta", index: this.open.index, json: '"}' });
    this.out.push({ type: "block_stop", index: this.open.index });
    this.open = undefined;
  }

  private openBlock(kind: OpenBlock["kind"], outputIndex: number, contentIndex: number, block: Extract<StreamEvent, { type: "block_start" }>["block"], custom = false): OpenBlock {
    this.closeOpen();
    const open: OpenBlock = { index: this.nextIndex++, kind, outputIndex, contentIndex, streamed: false, separate: false, custom };
    this.out.push({ type: "block_start", index: open.index, block });
    if (custom) this.out.push({ type: "tool_args_delta", index: open.index, json: '{"input":"' });
    this.seen.add(outputIndex);
    this.open = open;
    return open;
  }

  /** The open block if it is `kind` for this output item (and content part, for text). */
  private current(kind: OpenBlock["kind"], outputIndex: number, contentIndex = 0): OpenBlock | undefined {
    const open = this.open;
    return open && open.kind === kind && open.outputIndex === outputIndex && (kind !== "text" || open.contentIndex === contentIndex) ? open : undefined;
  }

  private text(outputIndex: number, contentIndex: number): OpenBlock {
    return this.current("text", outputIndex, contentIndex) ?? this.openBlock("text", outputIndex, contentIndex, { type: "text" });
  }

  private thinking(outputIndex: number): OpenBlock {
    return this.current("thinking", outputIndex) ?? this.openBlock("thinking", outputIndex, 0, { type: "thinking" });
  }

  private emitText(block: OpenBlock, text: string) {
    if (!text) return;
    block.streamed = true;
    this.out.push({ type: "text_delta", index: block.index, text });
  }

  private emitThinking(block: OpenBlock, text: string) {
    if (!text) return;
    const sep = block.separate && block.streamed ? "\n\n" : "";
    block.separate = false;
    block.streamed = true;
    this.out.push({ type: "thinking_delta", index: block.index, text: sep + text });
  }

  private emitArgs(block: OpenBlock, json: string) {
    if (!json) return;
    block.streamed = true;
    this.out.push({ type: "tool_args_delta", index: block.index, json: block.custom ? escapeFragment(json) : json });
  }

  private openTool(outputIndex: number, item: Raw): OpenBlock {
    this.sawToolCall = true;
    const custom = item.type === "custom_tool_call";
    const block = this.openBlock("tool_call", outputIndex, 0, { type: "tool_call", id: str(item.call_id), name: str(item.name) }, custom);
    this.emitArgs(block, str(custom ? item.input : item.arguments));
    return block;
  }

  private onEvent(event: Buffer) {
    if (this.done) return;
    const data = eventData(event);
    if (data === undefined || data === "[DONE]") return;
    const fast = this.started ? fastDelta(data) : undefined;
    if (fast) {
      // As the switch below does for these two events.
      if (fast.text) this.emitText(this.text(fast.outputIndex, fast.contentIndex), fast.delta);
      else {
        const block = this.current("tool_call", fast.outputIndex);
        if (block) this.emitArgs(block, fast.delta);
      }
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      this.fail("api_error", "the upstream sent a stream event that is not JSON");
      return;
    }
    if (!isObject(payload)) return;
    const type = typeof payload.type === "string" ? payload.type : sseEventName(event);
    if (type === "error") {
      const error = isObject(payload.error) ? payload.error : payload;
      this.fail(str(error.code) || str(error.type) || "api_error", str(error.message) || "the upstream reported an error");
      return;
    }
    if (type === "response.failed") {
      const response = isObject(payload.response) ? payload.response : {};
      const error = isObject(response.error) ? response.error : {};
      this.fail(str(error.code) || "api_error", str(error.message) || "the upstream response failed");
      return;
    }
    if (type === "response.created" || type === "response.in_progress" || type === "response.queued") {
      this.ensureStart(payload.response);
      return;
    }
    this.ensureStart();
    const outputIndex = num(payload.output_index);
    const contentIndex = num(payload.content_index);
    switch (type) {
      case "response.output_item.added": {
        const item = isObject(payload.item) ? payload.item : {};
        if (item.type === "reasoning") this.thinking(outputIndex);
        else if (item.type === "function_call" || item.type === "custom_tool_call") this.openTool(outputIndex, item);
        return;
      }
      case "response.content_part.added": {
        const part = isObject(payload.part) ? payload.part : {};
        if (part.type === "refusal") this.sawRefusal = true;
        if (part.type === "output_text" || part.type === "refusal") this.emitText(this.text(outputIndex, contentIndex), str(part.type === "refusal" ? part.refusal : part.text));
        return;
      }
      case "response.refusal.delta":
        this.sawRefusal = true;
        this.emitText(this.text(outputIndex, contentIndex), str(payload.delta));
        return;
      case "response.output_text.delta":
        this.emitText(this.text(outputIndex, contentIndex), str(payload.delta));
        return;
      case "response.output_text.done":
      case "response.refusal.done": {
        const block = this.text(outputIndex, contentIndex);
        if (!block.streamed) this.emitText(block, str(type === "response.refusal.done" ? payload.refusal : payload.text));
        return;
      }
      case "response.content_part.done": {
        const block = this.current("text", outputIndex, contentIndex);
        if (!block) return;
        const part = isObject(payload.part) ? payload.part : {};
        if (!block.streamed) this.emitText(block, str(part.type === "refusal" ? part.refusal : part.text));
        this.closeOpen();
        return;
      }
      case "response.reasoning_summary_part.added": {
        const block = this.thinking(outputIndex);
        if (num(payload.summary_index) > 0) block.separate = true;
        return;
      }
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.emitThinking(this.thinking(outputIndex), str(payload.delta));
        return;
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta": {
        const block = this.current("tool_call", outputIndex);
        if (block) this.emitArgs(block, str(payload.delta));
        return;
      }
      case "response.function_call_arguments.done":
      case "response.custom_tool_call_input.done": {
        const block = this.current("tool_call", outputIndex);
        if (block && !block.streamed) this.emitArgs(block, str(type === "response.custom_tool_call_input.done" ? payload.input : payload.arguments));
        return;
      }
      case "response.output_item.done":
        this.itemDone(outputIndex, isObject(payload.item) ? payload.item : {});
        return;
      case "response.completed":
      case "response.incomplete": {
        this.closeOpen();
        const response = isObject(payload.response) ? payload.response : {};
        const status = response.status ?? (type === "response.incomplete" ? "incomplete" : "completed");
        const incomplete = isObject(response.incomplete_details) ? response.incomplete_details.reason : undefined;
        this.out.push({ type: "finish", stopReason: stopReasonOf(status, incomplete, this.sawToolCall, this.sawRefusal), usage: decodeUsage(response.usage) });
        this.done = true;
        return;
      }
      // Anything else (web search progress, annotations, keepalives, newer events) carries nothing to convert.
    }
  }

  private itemDone(outputIndex: number, item: Raw) {
    if (item.type === "reasoning") {
      const block = this.current("thinking", outputIndex) ?? (this.seen.has(outputIndex) ? undefined : this.thinking(outputIndex));
      if (!block) return;
      if (!block.streamed) this.emitThinking(block, reasoningText(item));
      const encrypted = str(item.encrypted_content);
      if (encrypted) this.out.push({ type: "signature_delta", index: block.index, signature: encrypted, origin: "openai-responses" });
      this.closeOpen();
    } else if (item.type === "function_call" || item.type === "custom_tool_call") {
      let block = this.current("tool_call", outputIndex);
      if (!block && !this.seen.has(outputIndex)) block = this.openTool(outputIndex, item);
      else if (block && !block.streamed) this.emitArgs(block, str(item.type === "custom_tool_call" ? item.input : item.arguments));
      if (block) this.closeOpen();
    } else if (item.type === "message") {
      if (this.seen.has(outputIndex)) {
        if (this.open?.outputIndex === outputIndex) this.closeOpen();
        return;
      }
      // A relay that sends whole messages only: one text block per text part.
      const content = Array.isArray(item.content) ? item.content : [];
      content.forEach((part, i) => {
        if (!isObject(part) || (part.type !== "output_text" && part.type !== "refusal")) return;
        if (part.type === "refusal") this.sawRefusal = true;
        this.emitText(this.text(outputIndex, i), str(part.type === "refusal" ? part.refusal : part.text));
        this.closeOpen();
      });
    }
  }
}

export function createResponsesStreamDecoder(): StreamDecoder {
  return new ResponsesStreamDecoder();
}
