/**
 * Chat Completions stream (upstream bytes) → neutral stream events.
 *
 * Chunks are `data: {chunk}` events ending in `data: [DONE]`. A delta may carry
 * reasoning_content (DeepSeek style; `reasoning` from some relays), content, refusal and
 * tool_calls keyed by `index`; the finish_reason comes on its own chunk and, with
 * include_usage (which the encoder always asks for), the usage chunk (`choices: []`) after it.
 *
 * Blocks: the neutral stream has one open block at a time, while parallel tool calls may
 * interleave their argument fragments by index. The first call is opened at once and its
 * fragments pass straight through; a call that starts while another is open waits in a queue
 * with its fragments buffered, and takes over when the open call's arguments form a complete
 * JSON value (a small scanner follows them) or at the finish. Sequential calls, what OpenAI
 * sends, therefore stream through with no buffering beyond one fragment.
 *
 * The finish event carries usage, so it is held until the usage chunk, `[DONE]` or the end of
 * the bytes. A stream that stops before a finish reason (or, with a finish reason but without
 * its usage chunk and `[DONE]`) was cut short: end() closes the open block and reports an error.
 */
import { findMember } from "../../formats/openai-chat/event-bytes.ts";
import { SseSplitter } from "../../streaming/sse-splitter.ts";
import type { NeutralUsage, StreamEvent } from "../neutral.ts";
import { readJsonString } from "../json-string.ts";
import { eventData } from "../sse-data.ts";
import type { StreamDecoder } from "../types.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { decodeChatUsage, zeroUsage } from "./usage.ts";

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows a JSON text fragment by fragment and says when its top-level value has closed. */
class JsonCompletion {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private opened = false;
  complete = false;

  feed(text: string) {
    if (this.complete) return;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) {
        this.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
        this.opened = true;
      } else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.opened && this.depth === 0) {
          this.complete = true;
          return;
        }
      }
    }
  }
}

const CONTENT_CHOICE = '"choices":[{"index":0,"delta":{"content":';
/** What may close the one choice after its delta (OpenAI's order, then the shorter forms). */
const CHOICE_ENDS = [',"logprobs":null,"finish_reason":null}]', ',"finish_reason":null}]', ',"finish_reason":null,"logprobs":null}]'];

/**
 * The text of a chunk that carries only that — one choice whose delta is `{"content":"…"}`, no
 * finish reason, no usage object, no error — read without JSON.parse, as OpenAI and most
 * compatible servers write it; undefined for any other chunk, which is parsed in full. Most
 * chunks of a stream are these. A bare `"choices":[{…` sequence can only be structure (quotes
 * inside strings are escaped), and members are found as the passthrough tap finds them
 * (formats/openai-chat/event-bytes.ts). Unlike JSON.parse, the rest of such a chunk (id, model,
 * fingerprint) is not checked for syntax: it holds nothing the conversion uses.
 */
function fastContent(text: string): string | undefined {
  const at = text.indexOf(CONTENT_CHOICE);
  if (at < 0 || text.indexOf(CONTENT_CHOICE, at + 1) >= 0) return undefined;
  const string = readJsonString(text, at + CONTENT_CHOICE.length);
  if (!string || text.charCodeAt(string.end) !== 0x7d /* } */) return undefined;
  const end = CHOICE_ENDS.find((candidate) => text.startsWith(candidate, string.end + 1));
  if (end === undefined) return undefined;
  const usage = findMember(text, "usage");
  if (usage && !text.startsWith("null", usage.valueStart)) return undefined;
  if (findMember(text, "error") || findMember(text, "choices", string.end)) return undefined;
  return string.value;
}

interface ToolCall {
  id: string;
  /** The upstream gave an id (else one was made up and a later fragment may still bring it). */
  hasId: boolean;
  name: string;
  state: "queued" | "open" | "closed";
  /** Argument fragments received while queued. */
  buffer: string[];
  args: JsonCompletion;
}

type OpenBlock = { kind: "text" | "thinking"; index: number } | { kind: "tool"; index: number; call: ToolCall };

const EARLY_END = "the upstream stream ended early";

export class ChatStreamDecoder implements StreamDecoder {
  private readonly splitter = new SseSplitter((event) => this.onEvent(event));
  private out: StreamEvent[] = [];
  private started = false;
  /** An error or the finish was emitted: nothing more may follow. */
  private done = false;
  private nextBlock = 0;
  private open: OpenBlock | undefined;
  /** The call currently receiving fragments for each Chat tool-call index. */
  private readonly calls = new Map<number, ToolCall>();
  private readonly queue: ToolCall[] = [];
  private madeUpIds = 0;
  private sawToolCalls = false;
  private sawRefusal = false;
  private finishReason: string | undefined;
  private usage: NeutralUsage | undefined;

  push(chunk: Buffer): StreamEvent[] {
    if (!this.done) this.splitter.push(chunk);
    return this.take();
  }

  end(): StreamEvent[] {
    if (!this.done) this.splitter.end();
    if (!this.done) {
      // A relay may leave out [DONE]: after the finish reason and the usage chunk the answer is whole.
      if (this.finishReason !== undefined && this.usage !== undefined) this.emitFinish();
      else {
        this.closeOpen();
        this.emitError("api_error", EARLY_END);
      }
    }
    return this.take();
  }

  private take(): StreamEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  private onEvent(event: Buffer) {
    if (this.done) return;
    const data = eventData(event);
    if (data === undefined) return;
    const text = data.trim();
    if (text === "") return;
    if (text === "[DONE]") {
      if (this.started) this.emitFinish();
      else this.emitError("api_error", "the upstream stream ended without a completion");
      return;
    }
    if (this.started && this.finishReason === undefined) {
      const content = fastContent(text);
      if (content !== undefined) {
        // As onDelta for a delta of content only.
        if (content !== "") this.out.push({ type: "text_delta", index: this.ensure("text"), text: content });
        return;
      }
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(text);
    } catch {
      // After the finish reason and the usage the answer is whole: a torn [DONE] changes nothing.
      if (this.finishReason !== undefined && this.usage !== undefined) this.emitFinish();
      else this.emitError("api_error", "the upstream sent a stream event that is not valid JSON");
      return;
    }
    if (!isObject(chunk)) {
      this.emitError("api_error", "the upstream sent a stream event that is not a JSON object");
      return;
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      const error = isObject(chunk.error) ? chunk.error : { message: String(chunk.error) };
      this.emitError(String(error.type ?? error.code ?? "api_error"), String(error.message ?? "upstream error"));
      return;
    }
    this.onChunk(chunk);
  }

  private onChunk(chunk: Raw) {
    if (!this.started) {
      this.started = true;
      this.out.push({ type: "start", id: typeof chunk.id === "string" ? chunk.id : "", model: typeof chunk.model === "string" ? chunk.model : "" });
    }
    const hasUsage = isObject(chunk.usage);
    if (hasUsage) this.usage = decodeChatUsage(chunk.usage);
    if (this.finishReason !== undefined) {
      // After the finish reason only the usage chunk matters; it completes the answer.
      if (hasUsage) this.emitFinish();
      return;
    }
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      // Only choice 0: the encoder never asks for n > 1.
      if (!isObject(choice) || (choice.index !== undefined && choice.index !== 0)) continue;
      const delta = isObject(choice.delta) ? choice.delta : undefined;
      if (delta) this.onDelta(delta);
      if (typeof choice.finish_reason === "string" && choice.finish_reason !== "") {
        this.finishReason = choice.finish_reason;
        this.closeAll();
      }
    }
  }

  private onDelta(delta: Raw) {
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === "string" && reasoning !== "") {
      this.out.push({ type: "thinking_delta", index: this.ensure("thinking"), text: reasoning });
    }
    if (typeof delta.content === "string" && delta.content !== "") {
      this.out.push({ type: "text_delta", index: this.ensure("text"), text: delta.content });
    }
    if (typeof delta.refusal === "string" && delta.refusal !== "") {
      this.sawRefusal = true;
      this.out.push({ type: "text_delta", index: this.ensure("text"), text: delta.refusal });
    }
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.forEach((call, position) => {
        if (isObject(call)) this.onToolCall(call, position);
      });
    }
  }

  /** The index of an open text or thinking block, opening one (and closing another) as needed. */
  private ensure(kind: "text" | "thinking"): number {
    if (this.open?.kind === kind) return this.open.index;
    this.closeOpen();
    const index = this.nextBlock++;
    this.open = { kind, index };
    this.out.push({ type: "block_start", index, block: { type: kind } });
    return index;
  }

  private onToolCall(raw: Raw, position: number) {
    const key = typeof raw.index === "number" ? raw.index : position;
    const fn = isObject(raw.function) ? raw.function : {};
    const id = typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined;
    const name = typeof fn.name === "string" && fn.name !== "" ? fn.name : undefined;
    let call = this.calls.get(key);
    // Some compatible servers number every call 0 and tell them apart by id only.
    if (!call || (id !== undefined && call.hasId && id !== call.id)) {
      call = { id: id ?? `call_${this.madeUpIds++}`, hasId: id !== undefined, name: name ?? "", state: "queued", buffer: [], args: new JsonCompletion() };
      this.calls.set(key, call);
      this.queue.push(call);
      this.sawToolCalls = true;
    } else if (call.state === "queued") {
      if (id !== undefined && !call.hasId) {
        call.id = id;
        call.hasId = true;
      }
      if (name !== undefined && call.name === "") call.name = name;
    }
    const args = typeof fn.arguments === "string" ? fn.arguments : "";
    if (args !== "") {
      if (call.state === "open") {
        this.out.push({ type: "tool_args_delta", index: this.open!.index, json: args });
        call.args.feed(args);
      } else if (call.state === "queued") {
        call.buffer.push(args);
        call.args.feed(args);
      }
      // A closed call's arguments were complete: whatever follows is trailing junk.
    }
    this.advance();
  }

  /** Hands the block slot to the next queued call when the open block is done with it. */
  private advance() {
    while (this.queue.length) {
      if (this.open?.kind === "tool" && !this.open.call.args.complete) return;
      this.closeOpen();
      this.openCall(this.queue.shift()!);
    }
  }

  private openCall(call: ToolCall) {
    const index = this.nextBlock++;
    call.state = "open";
    this.open = { kind: "tool", index, call };
    this.out.push({ type: "block_start", index, block: { type: "tool_call", id: call.id, name: call.name } });
    if (call.buffer.length) {
      this.out.push({ type: "tool_args_delta", index, json: call.buffer.length === 1 ? call.buffer[0] : call.buffer.join("") });
      call.buffer = [];
    }
  }

  private closeOpen() {
    if (!this.open) return;
    if (this.open.kind === "tool") this.open.call.state = "closed";
    this.out.push({ type: "block_stop", index: this.open.index });
    this.open = undefined;
  }

  /** Closes the open block and plays every queued call in order. */
  private closeAll() {
    this.closeOpen();
    while (this.queue.length) {
      this.openCall(this.queue.shift()!);
      this.closeOpen();
    }
  }

  private emitFinish() {
    this.closeAll();
    let stopReason = decodeFinishReason(this.finishReason, this.sawToolCalls);
    if (this.sawRefusal && stopReason === "end_turn") stopReason = "refusal";
    this.out.push({ type: "finish", stopReason, usage: this.usage ?? zeroUsage() });
    this.done = true;
  }

  private emitError(errorType: string, message: string) {
    this.out.push({ type: "error", errorType, message });
    this.done = true;
  }
}

export function createChatStreamDecoder(): StreamDecoder {
  return new ChatStreamDecoder();
}
