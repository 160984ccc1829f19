/**
 * Neutral stream events → a Responses SSE stream in the grammar the openai SDK's accumulator
 * validates and Codex CLI reads (every event has `event:` and `data:` lines and a
 * sequence_number counting from 0; item ids match the output item they name):
 *
 *   start          → response.created, response.in_progress (status in_progress, output [])
 *   text block     → output_item.added (message) → content_part.added → output_text.delta…
 *                    → output_text.done → content_part.done → output_item.done (complete item)
 *   thinking block → output_item.added (reasoning, summary []) → reasoning_summary_part.added →
 *                    reasoning_summary_text.delta… → reasoning_summary_text.done →
 *                    reasoning_summary_part.done → output_item.done (with encrypted_content)
 *   redacted thinking → a reasoning item with no summary whose encrypted_content carries the data
 *   tool_call block → output_item.added (function_call, arguments "") →
 *                    function_call_arguments.delta… → function_call_arguments.done → output_item.done
 *   finish         → response.completed | response.incomplete (max_tokens, content_filter) |
 *                    response.failed (stop reason error), with every output item and the usage
 *   error          → `error` {code, message, param: null} (what the openai SDK throws on), then
 *                    response.failed {response.error {code, message}} (what Codex CLI reads:
 *                    it ignores `error` events), then nothing more.
 *
 * Codex builds its history from output_item.done items, so those carry the whole item. The
 * text of the open block is kept (the `.done` events repeat it) and each finished item is kept
 * as its JSON text for the terminal event: memory is the size of the answer, nothing more.
 * Deltas are written by string concatenation, without building an object per delta.
 */
import type { ApiFormat } from "../../formats/types.ts";
import type { StreamEvent } from "../neutral.ts";
import type { EncodeContext, StreamEncoder } from "../types.ts";
import { itemId, responseId } from "./ids.ts";
import { signatureKind, wrapForeign } from "./reasoning.ts";
import { functionCallItem, messageItem, outcomeOf, reasoningItem, responseShell } from "./response.ts";
import { encodeUsage } from "./usage.ts";

interface Item {
  kind: "text" | "thinking" | "redacted" | "tool_call";
  id: string;
  outputIndex: number;
  /** The text or arguments so far. */
  pieces: string[];
  /** Thinking: the summary part was opened. */
  summaryOpen: boolean;
  callId: string;
  name: string;
  signature: string;
  signatureOrigin: ApiFormat | undefined;
  redacted: string;
}

/** Claude/Gemini error types → the codes Codex CLI acts on (rate limits are retried after the named delay). */
const ERROR_CODES: Record<string, string> = {
  rate_limit_error: "rate_limit_exceeded",
  overloaded_error: "server_is_overloaded",
  RESOURCE_EXHAUSTED: "rate_limit_exceeded",
  UNAVAILABLE: "server_is_overloaded",
};

const q = JSON.stringify;

class ResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private started = false;
  private done = false;
  private id = "";
  private nextOutput = 0;
  private item: Item | undefined;
  /** Finished output items, as JSON. */
  private readonly items: string[] = [];
  private out = "";

  constructor(private readonly ctx: EncodeContext) {}

  encode(events: readonly StreamEvent[]): string {
    this.out = "";
    for (const event of events) {
      if (this.done) break;
      this.one(event);
    }
    return this.out;
  }

  end(): string {
    this.out = "";
    // The neutral stream always ends in finish or error; a source cut short still owes the client a terminal event.
    if (!this.done) this.error("api_error", "the upstream stream ended early");
    return this.out;
  }

  /** Writes one event; `body` is the JSON members after type and sequence_number, with a leading comma (or ""). */
  private write(type: string, body: string) {
    this.out += `event: ${type}\ndata: {"type":${q(type)},"sequence_number":${this.seq++}${body}}\n\n`;
  }

  /** The members that address the open item. */
  private at(item: Item): string {
    return `,"item_id":${q(item.id)},"output_index":${item.outputIndex}`;
  }

  private start(id: string) {
    this.started = true;
    this.id = responseId(id, this.ctx.requestId);
    const response = q(responseShell(this.id, this.ctx, "in_progress"));
    this.write("response.created", `,"response":${response}`);
    this.write("response.in_progress", `,"response":${response}`);
  }

  private one(event: StreamEvent) {
    if (!this.started && event.type !== "error") this.start(event.type === "start" ? event.id : "");
    switch (event.type) {
      case "start":
        return;
      case "block_start":
        return this.blockStart(event.block);
      case "text_delta":
        return this.textDelta(event.text);
      case "thinking_delta":
        return this.thinkingDelta(event.text);
      case "signature_delta":
        if (this.item?.kind === "thinking") {
          this.item.signature += event.signature;
          this.item.signatureOrigin = event.origin;
        }
        return;
      case "tool_args_delta":
        if (this.item?.kind === "tool_call" && event.json) {
          this.item.pieces.push(event.json);
          this.write("response.function_call_arguments.delta", `${this.at(this.item)},"delta":${q(event.json)}`);
        }
        return;
      case "block_stop":
        return this.blockStop();
      case "finish":
        this.blockStop();
        return this.finish(event.stopReason, encodeUsage(event.usage));
      case "error":
        return this.error(event.errorType, event.message);
    }
  }

  private newItem(kind: Item["kind"], prefix: "msg" | "rs" | "fc"): Item {
    const outputIndex = this.nextOutput++;
    const item: Item = { kind, id: itemId(prefix, this.ctx.requestId, outputIndex), outputIndex, pieces: [], summaryOpen: false, callId: "", name: "", signature: "", signatureOrigin: undefined, redacted: "" };
    this.item = item;
    return item;
  }

  private blockStart(block: Extract<StreamEvent, { type: "block_start" }>["block"]) {
    this.blockStop();
    if (block.type === "text") {
      const item = this.newItem("text", "msg");
      this.write("response.output_item.added", `,"output_index":${item.outputIndex},"item":${q({ id: item.id, type: "message", status: "in_progress", content: [], role: "assistant" })}`);
      this.write("response.content_part.added", `${this.at(item)},"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}`);
    } else if (block.type === "thinking" || block.type === "redacted_thinking") {
      const item = this.newItem(block.type === "thinking" ? "thinking" : "redacted", "rs");
      if (block.type === "redacted_thinking") item.redacted = block.data;
      this.write("response.output_item.added", `,"output_index":${item.outputIndex},"item":${q({ id: item.id, type: "reasoning", summary: [] })}`);
    } else {
      const item = this.newItem("tool_call", "fc");
      item.callId = block.id;
      item.name = block.name;
      this.write("response.output_item.added", `,"output_index":${item.outputIndex},"item":${q(functionCallItem(item.id, block.id, block.name, "", "in_progress"))}`);
    }
  }

  private textDelta(text: string) {
    const item = this.item;
    if (item?.kind !== "text" || !text) return;
    item.pieces.push(text);
    this.write("response.output_text.delta", `${this.at(item)},"content_index":0,"delta":${q(text)},"logprobs":[]`);
  }

  private thinkingDelta(text: string) {
    const item = this.item;
    if (item?.kind !== "thinking" || !text) return;
    if (!item.summaryOpen) {
      item.summaryOpen = true;
      this.write("response.reasoning_summary_part.added", `${this.at(item)},"summary_index":0,"part":{"type":"summary_text","text":""}`);
    }
    item.pieces.push(text);
    this.write("response.reasoning_summary_text.delta", `${this.at(item)},"summary_index":0,"delta":${q(text)}`);
  }

  private blockStop() {
    const item = this.item;
    if (!item) return;
    this.item = undefined;
    const text = item.pieces.join("");
    let done: Record<string, unknown>;
    if (item.kind === "text") {
      const part = q({ type: "output_text", annotations: [], logprobs: [], text });
      this.write("response.output_text.done", `${this.at(item)},"content_index":0,"text":${q(text)},"logprobs":[]`);
      this.write("response.content_part.done", `${this.at(item)},"content_index":0,"part":${part}`);
      done = messageItem(item.id, text, "completed");
    } else if (item.kind === "tool_call") {
      // A call without arguments (Claude sends none for a tool without parameters) is an empty object.
      const args = text || "{}";
      this.write("response.function_call_arguments.done", `${this.at(item)},"arguments":${q(args)}`);
      done = functionCallItem(item.id, item.callId, item.name, args, "completed");
    } else {
      if (item.summaryOpen) {
        this.write("response.reasoning_summary_text.done", `${this.at(item)},"summary_index":0,"text":${q(text)}`);
        this.write("response.reasoning_summary_part.done", `${this.at(item)},"summary_index":0,"part":${q({ type: "summary_text", text })}`);
      }
      done = reasoningItem(item.id, item.summaryOpen ? text : undefined, this.encrypted(item));
    }
    const json = q(done);
    this.items.push(json);
    this.write("response.output_item.done", `,"output_index":${item.outputIndex},"item":${json}`);
  }

  /** The reasoning item's encrypted_content: OpenAI's own, or another format's signature in our envelope (reasoning.ts). */
  private encrypted(item: Item): string | undefined {
    if (item.kind === "redacted") return wrapForeign("claude", "redacted", item.redacted);
    if (!item.signature || !item.signatureOrigin) return undefined;
    if (item.signatureOrigin === "openai-responses") return item.signature;
    return wrapForeign(item.signatureOrigin, signatureKind(item.signatureOrigin), item.signature);
  }

  /** The terminal response object with every finished item. */
  private finalResponse(status: string, extra: Record<string, unknown>, usage: unknown): string {
    const { output: _output, usage: _usage, ...shell } = responseShell(this.id, this.ctx, status);
    const head = q({ ...shell, ...extra });
    return `${head.slice(0, -1)},"output":[${this.items.join(",")}],"usage":${q(usage)}}`;
  }

  private finish(stopReason: Parameters<typeof outcomeOf>[0], usage: unknown) {
    const { status, incomplete, error } = outcomeOf(stopReason);
    const type = status === "completed" ? "response.completed" : status === "incomplete" ? "response.incomplete" : "response.failed";
    this.write(type, `,"response":${this.finalResponse(status, { incomplete_details: incomplete, error }, usage)}`);
    this.done = true;
  }

  private error(errorType: string, message: string) {
    const code = ERROR_CODES[errorType] ?? errorType;
    if (!this.started) {
      this.started = true;
      this.id = responseId("", this.ctx.requestId);
    }
    this.item = undefined;
    this.write("error", `,"code":${q(code)},"message":${q(message)},"param":null`);
    this.write("response.failed", `,"response":${this.finalResponse("failed", { error: { code, message } }, null)}`);
    this.done = true;
  }
}

export function createResponsesStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new ResponsesStreamEncoder(ctx);
}
