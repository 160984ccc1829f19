/**
 * Chat Completions responses: the JSON `chat.completion`, and the stream of `data:` chunks
 * ending in `data: [DONE]`.
 *
 * The stream tap decodes a chunk only while it still needs something from ordinary chunks (the
 * model, the first content) and afterwards only the chunks whose bytes show a usage object or
 * an error; the rest are recognised by bytes (see event-bytes.ts).
 *
 * Completion: `[DONE]`, or a finish reason followed by the usage chunk. The usage chunk is the
 * last event before `[DONE]`, so a relay that leaves out the terminator has still delivered the
 * whole answer; a stream cut between the finish reason and the usage chunk has not (its usage,
 * hence its bill, is missing).
 *
 * Hidden usage: when the hub added `include_usage` (usageInjected), the client receives what it
 * would have received without it: the usage-only chunk (`choices: []`) is dropped and the
 * `"usage":null` member the upstream then adds to every other chunk is removed. That needs the
 * chunks whole, so in this mode the tap forwards complete events only (holding at most the one
 * still arriving).
 */
import { SseSplitter, sseEventData } from "../../streaming/sse-splitter.ts";
import type { ResponseOptions, ResponseSummary, StreamTap } from "../types.ts";
import { openAiEmbeddedError } from "./errors.ts";
import { generatedBytesOf } from "../../streaming/generated-bytes.ts";
import { findWatchedMembers, nullMemberSpan, type MemberHit, type WatchedMember } from "./event-bytes.ts";
import { isUsageObject, openAiChatUsage } from "./usage.ts";
import { bodyNotJson, emptySummary, unexpectedBody } from "../summary.ts";

type Raw = Record<string, unknown>;

const OPEN_OBJECT = 0x7b;
const QUOTE = 0x22;

/** Delta members whose string values are generated text (tool arguments included). */
const GENERATED_MEMBERS = ["content", "reasoning_content", "reasoning", "refusal", "arguments"];

/**
 * Largest event held for rewriting while usage is hidden. The splitter drops events above its
 * cap; 16 MiB matches the largest JSON body the gateway holds (an inline image in a delta fits).
 */
const HIDDEN_USAGE_EVENT_LIMIT = 16 * 1024 * 1024;

function nonEmpty(value: unknown): boolean {
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && typeof value === "object";
}

/** Whether a streamed choice carries something the client will show or act on. */
function choiceHasContent(choice: Raw): boolean {
  if (typeof choice.finish_reason === "string") return true;
  const delta = choice.delta as Raw | undefined;
  if (!delta || typeof delta !== "object") return false;
  // reasoning_content / reasoning: DeepSeek-style reasoning that relays pass through.
  return (
    nonEmpty(delta.content) ||
    nonEmpty(delta.tool_calls) ||
    nonEmpty(delta.function_call) ||
    nonEmpty(delta.refusal) ||
    nonEmpty(delta.reasoning_content) ||
    nonEmpty(delta.reasoning) ||
    nonEmpty(delta.audio)
  );
}

/** Summarises a complete non-streamed body: a `chat.completion`, else a failure ("fake 200"). */
export function summarizeOpenAiChatJson(body: Buffer, _options: ResponseOptions): ResponseSummary {
  const summary = emptySummary();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    summary.error = bodyNotJson();
    return summary;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    summary.error = unexpectedBody();
    return summary;
  }
  const completion = parsed as Raw;
  summary.error = openAiEmbeddedError(completion);
  if (summary.error) return summary;
  if (completion.object !== "chat.completion" && !Array.isArray(completion.choices)) {
    summary.error = { type: "invalid_response", message: "the upstream answered 2xx with a body that is not a chat completion" };
    return summary;
  }
  summary.completed = true;
  summary.sawContent = true;
  if (isUsageObject(completion.usage)) summary.usage = openAiChatUsage(completion.usage);
  if (typeof completion.model === "string") summary.model = completion.model;
  return summary;
}

/** The event's name when it has an `event:` line (chat streams normally have none; relays may send `event: error`). */
function eventName(text: string): string | undefined {
  if (!text.startsWith("event:")) return undefined;
  const lineEnd = text.indexOf("\n");
  return text.slice(6, lineEnd < 0 ? undefined : lineEnd).trim();
}

/** Whether the event is the `[DONE]` terminator (the text search rules out nearly every chunk cheaply). */
function isDone(event: Buffer, text: string): boolean {
  return text.includes("[DONE]") && sseEventData(event)?.trim() === "[DONE]";
}

class OpenAiChatStreamTap implements StreamTap {
  private readonly state = emptySummary();
  private readonly splitter: SseSplitter;
  private sawFinishReason = false;
  private sawUsageChunk = false;
  private sawDone = false;
  private generated = 0;
  /** Pieces of complete events to forward from the current push, when usage is hidden. */
  private pending: Buffer[] = [];

  constructor(private readonly hideUsage: boolean) {
    this.splitter = hideUsage
      ? new SseSplitter((event) => this.onEvent(event), HIDDEN_USAGE_EVENT_LIMIT)
      : new SseSplitter((event) => this.onEvent(event));
  }

  push(chunk: Buffer): Buffer {
    this.splitter.push(chunk);
    return this.hideUsage ? this.takePending() : chunk;
  }

  end(): Buffer | undefined {
    this.splitter.end();
    if (!this.hideUsage) return undefined;
    const rest = this.takePending();
    return rest.length ? rest : undefined;
  }

  summary(): ResponseSummary {
    return this.state;
  }

  generatedBytes(): number {
    return this.generated;
  }

  private takePending(): Buffer {
    const out = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    return out;
  }

  private onEvent(event: Buffer) {
    if (this.sawDone) {
      if (this.hideUsage) this.pending.push(event);
      return;
    }
    this.generated += generatedBytesOf(event, GENERATED_MEMBERS);
    // One latin1 view per event: byte offsets stay valid, and the searches below stay in JavaScript.
    const text = event.toString("latin1");
    const members = findWatchedMembers(text);
    const payload = this.decodeIfNeeded(event, text, members);
    if (payload === "done") {
      this.sawDone = true;
      this.state.completed = true;
    } else if (payload !== undefined) {
      this.read(payload);
    }
    if (this.hideUsage) this.forwardWithoutUsage(event, text, members.usage, payload);
  }

  /**
   * Queues what the client receives for one event: the usage-only chunk is dropped, a chunk
   * that also has choices loses its usage, and every other chunk loses its `"usage":null`.
   */
  private forwardWithoutUsage(event: Buffer, text: string, usage: MemberHit | undefined, payload: Raw | "done" | undefined) {
    if (payload !== undefined && payload !== "done" && isUsageObject(payload.usage)) {
      if (!Array.isArray(payload.choices) || payload.choices.length === 0) return;
      const { usage: _hidden, ...rest } = payload;
      this.pending.push(Buffer.from(`data: ${JSON.stringify(rest)}\n\n`));
      return;
    }
    const cut = usage && nullMemberSpan(text, usage);
    if (cut) this.pending.push(event.subarray(0, cut[0]), event.subarray(cut[1]));
    else this.pending.push(event);
  }

  /**
   * The decoded chunk when it may carry something the summary needs, "done" for the terminator,
   * undefined for a chunk that is skipped undecoded.
   */
  private decodeIfNeeded(event: Buffer, text: string, members: Partial<Record<WatchedMember, MemberHit>>): Raw | "done" | undefined {
    const named = eventName(text);
    const mustDecode =
      named === "error" ||
      // Until the first content every chunk is small and decoded (the role chunk names the model).
      !this.state.sawContent ||
      (members.usage !== undefined && text.charCodeAt(members.usage.valueStart) === OPEN_OBJECT) ||
      members.error !== undefined;
    if (!mustDecode) {
      // A finish reason after the commit point matters only for the completion rule.
      if (!this.sawFinishReason && members.finish_reason && text.charCodeAt(members.finish_reason.valueStart) === QUOTE) {
        this.sawFinishReason = true;
        if (this.sawUsageChunk) this.state.completed = true;
      }
      return isDone(event, text) ? "done" : undefined;
    }
    const data = sseEventData(event);
    if (data === undefined) return undefined;
    if (data.trim() === "[DONE]") return "done";
    try {
      const payload: unknown = JSON.parse(data);
      if (!payload || typeof payload !== "object" || Array.isArray(payload)) return undefined;
      if (named === "error" && !("error" in payload)) return { error: payload };
      return payload as Raw;
    } catch {
      return undefined;
    }
  }

  private read(chunk: Raw) {
    const state = this.state;
    const error = Array.isArray(chunk.choices) ? undefined : openAiEmbeddedError(chunk);
    if (error) {
      state.error = error;
      return;
    }
    if (state.model === undefined && typeof chunk.model === "string" && chunk.model) state.model = chunk.model;
    if (Array.isArray(chunk.choices)) {
      for (const choice of chunk.choices as Raw[]) {
        if (!choice || typeof choice !== "object") continue;
        if (typeof choice.finish_reason === "string") this.sawFinishReason = true;
        if (!state.sawContent && choiceHasContent(choice)) state.sawContent = true;
      }
    }
    if (isUsageObject(chunk.usage)) {
      state.usage = openAiChatUsage(chunk.usage);
      this.sawUsageChunk = true;
    }
    if (this.sawFinishReason && this.sawUsageChunk) state.completed = true;
  }
}

/** A tap over a Chat Completions stream; it hides the usage chunk when the hub injected the request for it. */
export function createOpenAiChatStreamTap(options: ResponseOptions): StreamTap {
  return new OpenAiChatStreamTap(options.usageInjected);
}
