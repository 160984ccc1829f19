/**
 * Neutral stream events → Chat Completions chunks, as OpenAI sends them:
 *
 *   data: {"id","object":"chat.completion.chunk","created","model","choices":[{"index":0,
 *          "delta":{…},"logprobs":null,"finish_reason":null}]}      (+ "usage":null with include_usage)
 *
 * The first chunk has delta {"role":"assistant","content":""}; text → delta.content, thinking →
 * delta.reasoning_content (DeepSeek style); a tool call → a first delta with its index among the
 * tool calls (0, 1, … — not the block index), id, type and name with empty arguments, then
 * argument fragments under the same index; the finish → a chunk with an empty delta and the
 * finish_reason; then, only if the client asked for include_usage, a chunk with `choices: []`
 * and the usage; then `data: [DONE]`. An error → `data: {"error":{…}}` and nothing after it
 * (no [DONE], which would tell a client that reads chunks by hand that the answer is whole).
 *
 * Chunks are built as strings around a prefix fixed at the start: only the delta's strings are
 * JSON-escaped per event.
 */
import type { StreamEvent } from "../neutral.ts";
import type { EncodeContext, StreamEncoder } from "../types.ts";
import { chatCompletionId, encodeFinishReason } from "./finish-reason.ts";
import { encodeChatUsage } from "./usage.ts";

export class ChatStreamEncoder implements StreamEncoder {
  /** `data: {"id":…,"model":…,` — everything before "choices". */
  private head = "";
  /** What closes a chunk whose finish_reason is null. */
  private readonly tail: string;
  private started = false;
  private over = false;
  private finished = false;
  /** Block index → index among the tool calls. */
  private readonly toolIndexes = new Map<number, number>();
  private toolCount = 0;
  /** Text already went out: a later text block starts after a blank line, as the JSON encoder joins them. */
  private sentText = false;
  private separate = false;

  constructor(private readonly ctx: EncodeContext) {
    this.tail = `,"logprobs":null,"finish_reason":null}]${ctx.includeUsage ? ',"usage":null' : ""}}\n\n`;
  }

  encode(events: readonly StreamEvent[]): string {
    let out = "";
    for (const event of events) {
      if (this.over) break;
      out += this.one(event);
    }
    return out;
  }

  end(): string {
    if (this.over || !this.finished) return "";
    this.over = true;
    return "data: [DONE]\n\n";
  }

  private chunk(delta: string): string {
    return `${this.head}"choices":[{"index":0,"delta":${delta}${this.tail}`;
  }

  private start(id: string): string {
    this.started = true;
    this.head = `data: {"id":${JSON.stringify(chatCompletionId(id, this.ctx.requestId))},"object":"chat.completion.chunk","created":${this.ctx.now},"model":${JSON.stringify(this.ctx.model)},`;
    return this.chunk('{"role":"assistant","content":""}');
  }

  private one(event: StreamEvent): string {
    if (event.type === "error") {
      this.over = true;
      return `data: ${JSON.stringify({ error: { message: event.message, type: event.errorType, code: null } })}\n\n`;
    }
    if (event.type === "start") return this.started ? "" : this.start(event.id);
    // Decoders always start with `start`; should one not, the chunks still get an id.
    const opening = this.started ? "" : this.start("");
    return opening + this.content(event);
  }

  private content(event: Exclude<StreamEvent, { type: "start" | "error" }>): string {
    switch (event.type) {
      case "block_start":
        if (event.block.type === "text") {
          this.separate = this.sentText;
        } else if (event.block.type === "tool_call") {
          const index = this.toolCount++;
          this.toolIndexes.set(event.index, index);
          const { id, name } = event.block;
          return this.chunk(`{"tool_calls":[{"index":${index},"id":${JSON.stringify(id)},"type":"function","function":{"name":${JSON.stringify(name)},"arguments":""}}]}`);
        }
        return "";
      case "text_delta": {
        if (event.text === "") return "";
        const text = this.separate ? `\n\n${event.text}` : event.text;
        this.separate = false;
        this.sentText = true;
        return this.chunk(`{"content":${JSON.stringify(text)}}`);
      }
      case "thinking_delta":
        return event.text === "" ? "" : this.chunk(`{"reasoning_content":${JSON.stringify(event.text)}}`);
      case "tool_args_delta": {
        const index = this.toolIndexes.get(event.index);
        if (index === undefined || event.json === "") return "";
        return this.chunk(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(event.json)}}}]}`);
      }
      case "finish": {
        this.finished = true;
        const usageNull = this.ctx.includeUsage ? ',"usage":null' : "";
        let out = `${this.head}"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"${encodeFinishReason(event.stopReason)}"}]${usageNull}}\n\n`;
        if (this.ctx.includeUsage) out += `${this.head}"choices":[],"usage":${JSON.stringify(encodeChatUsage(event.usage))}}\n\n`;
        return out;
      }
      // Signatures and redacted reasoning have no place in Chat; block ends need no chunk.
      case "signature_delta":
      case "block_stop":
        return "";
    }
  }
}

export function createChatStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new ChatStreamEncoder(ctx);
}
