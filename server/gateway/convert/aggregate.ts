/**
 * A converted request whose client asked for one JSON answer but whose upstream only streams
 * (ChatGPT's Codex backend refuses `stream: false`): the hub asks for the stream, decodes it with
 * the upstream's codec, and builds the neutral Response from its events; when the stream has
 * ended well, the client gets one JSON answer in its own format.
 *
 * The tap forwards nothing while the stream runs and never reports content, so the dispatcher
 * keeps the attempt uncommitted until the end: an upstream error event, a stream cut short or
 * broken tool-call arguments are a failed attempt (retried, failed over, or the client's error
 * in its own envelope) exactly like an upstream error status on a JSON request. Only an answer
 * larger than the dispatcher's hold limit is committed before its end; if such a stream then
 * fails, the body is the client format's error envelope after the 200 head (end() returns it).
 *
 * Usage is the upstream's own report from the finish event (cache reads and writes in their
 * buckets), so billing is what a streamed passthrough of that upstream would bill. Holding the
 * answer is inherent to a JSON answer (it is bounded by MAX_AGGREGATED_BYTES of generated text).
 */
import { GatewayError } from "../errors.ts";
import type { EmbeddedError, ResponseSummary, StreamTap } from "../formats/types.ts";
import { emptyUsage, type Usage } from "../usage/usage.ts";
import { usageOf } from "./converting-tap.ts";
import type { Part, Response, StreamEvent } from "./neutral.ts";
import type { StreamDecoder } from "./types.ts";

/** Generated text (content, reasoning, arguments) an aggregated answer may hold. */
export const MAX_AGGREGATED_BYTES = 16 * 1024 * 1024;

/** Builds a neutral Response from a decoded stream's events. */
export class ResponseAggregator {
  private id = "";
  private model = "";
  private readonly parts: Part[] = [];
  /** Neutral block index → the part being built and, for a tool call, its arguments so far. */
  private open: { index: number; part: Part; args?: string } | undefined;
  private finish: Extract<StreamEvent, { type: "finish" }> | undefined;
  private startUsage: Usage | undefined;
  error: EmbeddedError | undefined;
  generated = 0;

  /** Feeds events; those after an error are ignored. */
  add(events: readonly StreamEvent[]): void {
    for (const event of events) {
      if (this.error) return;
      this.one(event);
    }
  }

  get completed(): boolean {
    return this.finish !== undefined && !this.error;
  }

  usage(): Usage {
    return this.finish ? usageOf(this.finish.usage) : (this.startUsage ?? emptyUsage());
  }

  modelName(): string | undefined {
    return this.model || undefined;
  }

  /** The complete answer (only when `completed`). */
  response(): Response {
    const finish = this.finish!;
    return { id: this.id, model: this.model, parts: this.parts, stopReason: finish.stopReason, stopSequence: finish.stopSequence, usage: finish.usage };
  }

  private fail(errorType: string, message: string) {
    this.error = { type: errorType, message };
  }

  private one(event: StreamEvent) {
    switch (event.type) {
      case "start":
        this.id = event.id || this.id;
        this.model = event.model || this.model;
        if (event.usage) this.startUsage = usageOf(event.usage);
        return;
      case "block_start": {
        const block = event.block;
        const part: Part =
          block.type === "text"
            ? { type: "text", text: "" }
            : block.type === "thinking"
              ? { type: "thinking", text: "" }
              : block.type === "redacted_thinking"
                ? { type: "thinking", text: "", redacted: block.data }
                : { type: "tool_call", id: block.id, name: block.name, input: {} };
        this.parts.push(part);
        this.open = { index: event.index, part, args: block.type === "tool_call" ? "" : undefined };
        return;
      }
      case "text_delta":
      case "thinking_delta": {
        this.count(Buffer.byteLength(event.text));
        const part = this.open?.index === event.index ? this.open.part : undefined;
        if (part && (part.type === "text" || part.type === "thinking")) part.text += event.text;
        return;
      }
      case "signature_delta": {
        const part = this.open?.index === event.index ? this.open.part : undefined;
        if (part?.type !== "thinking") return;
        // Anthropic thinking signatures and OpenAI / Gemini encrypted reasoning, kept for their own format.
        if (event.origin === "claude") part.signature = (part.signature ?? "") + event.signature;
        else part.encrypted = (part.encrypted ?? "") + event.signature;
        part.origin = event.origin;
        return;
      }
      case "tool_args_delta":
        this.count(Buffer.byteLength(event.json));
        if (this.open?.index === event.index && this.open.args !== undefined) this.open.args += event.json;
        return;
      case "block_stop": {
        const open = this.open?.index === event.index ? this.open : undefined;
        this.open = undefined;
        if (open?.part.type !== "tool_call" || open.args === undefined) return;
        const input = parseArguments(open.args);
        if (!input) {
          this.fail("invalid_response", `the upstream sent arguments for tool call ${open.part.name.slice(0, 64)} that are not a JSON object`);
          return;
        }
        open.part.input = input;
        return;
      }
      case "finish":
        this.finish = event;
        return;
      case "error":
        this.fail(event.errorType, event.message);
        return;
      default:
        return;
    }
  }

  private count(bytes: number) {
    this.generated += bytes;
    if (this.generated > MAX_AGGREGATED_BYTES) this.fail("invalid_response", `the upstream's streamed answer exceeds ${MAX_AGGREGATED_BYTES} bytes and cannot be answered as JSON`);
  }
}

/** Empty arguments mean "no arguments"; anything else must be a JSON object. */
function parseArguments(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * The StreamTap of an aggregated attempt: upstream stream bytes in, nothing out until the end,
 * then the client's JSON answer (`encode`) when the stream finished well.
 */
export class AggregatingTap implements StreamTap {
  private readonly aggregator = new ResponseAggregator();
  private ended = false;

  constructor(
    private readonly decoder: StreamDecoder,
    private readonly encode: (response: Response) => Buffer,
    private readonly renderJsonError: (error: GatewayError, requestId: string) => string,
  ) {}

  push(chunk: Buffer): Buffer {
    if (!this.aggregator.error) this.aggregator.add(this.decoder.push(chunk));
    return EMPTY;
  }

  end(): Buffer | undefined {
    this.ended = true;
    if (!this.aggregator.error) this.aggregator.add(this.decoder.end());
    const error = this.aggregator.error;
    if (error) {
      // Uncommitted (the usual case) the dispatcher drops this and fails the attempt; committed
      // (a very long answer) it is the only word the client gets: its own error envelope.
      const type = error.type.replace(/[^\w.-]/g, "").slice(0, 64);
      return Buffer.from(this.renderJsonError(new GatewayError("bad_gateway", `the upstream's stream failed before the answer was complete (${type})`), ""));
    }
    if (!this.aggregator.completed) return undefined;
    return this.encode(this.aggregator.response());
  }

  summary(): ResponseSummary {
    const a = this.aggregator;
    // Never "content": the attempt stays uncommitted (retryable) until the whole answer is known.
    return { usage: a.usage(), model: a.modelName(), completed: this.ended && a.completed, error: a.error, sawContent: false };
  }

  generatedBytes(): number {
    return this.aggregator.generated;
  }

  /** Only reached when a very long answer was committed before it failed: the error as the client's JSON body. */
  renderError(error: GatewayError, requestId: string): string {
    return this.renderJsonError(error, requestId);
  }
}
