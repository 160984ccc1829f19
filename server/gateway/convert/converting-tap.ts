/**
 * The StreamTap of a converted stream: upstream bytes in (the upstream's format), client bytes
 * out (the client's format), event by event — the upstream's StreamDecoder feeds the client's
 * StreamEncoder on every chunk, so nothing is held beyond one unfinished upstream event and the
 * dispatcher's backpressure works as for a passthrough stream.
 *
 * The summary (usage, model, completion, errors) is read from the decoded neutral events, so
 * the stream is parsed once: usage comes from the upstream's own report (the finish event, or
 * what the start event knew if the stream was cut short) with cache reads and writes in their
 * buckets, exactly as a passthrough of that upstream would bill it.
 *
 * Tool-call arguments arrive as JSON fragments that no decoder can judge until the call ends;
 * the tap keeps each open call's text and, when a call ends with arguments that are not a JSON
 * object, ends the stream there with the client's error event instead of the block's end (a
 * client SDK would otherwise fail on its own parse, or run a tool with broken input).
 */
import type { GatewayError } from "../errors.ts";
import type { EmbeddedError, ResponseSummary, StreamTap } from "../formats/types.ts";
import { emptyUsage, type Usage } from "../usage/usage.ts";
import type { NeutralUsage, StreamEvent } from "./neutral.ts";
import type { StreamDecoder, StreamEncoder } from "./types.ts";

export function usageOf(n: Partial<NeutralUsage>): Usage {
  return {
    inputTokens: n.inputTokens ?? 0,
    outputTokens: n.outputTokens ?? 0,
    cacheCreation5mTokens: n.cacheWrite5mTokens ?? 0,
    cacheCreation1hTokens: n.cacheWrite1hTokens ?? 0,
    cacheReadTokens: n.cacheReadTokens ?? 0,
  };
}

/** The neutral error type for a hub error that ends a converted stream (each encoder maps it to its own vocabulary). */
function errorTypeOf(error: GatewayError): string {
  return error.kind === "upstream_timeout" ? "timeout_error" : "api_error";
}

export class ConvertingTap implements StreamTap {
  private usage: Usage = emptyUsage();
  private model: string | undefined;
  private completed = false;
  private error: EmbeddedError | undefined;
  private sawContent = false;
  private generated = 0;
  /** The client encoder has written its closing bytes. */
  private closed = false;
  /** The open tool call: its neutral index, name and arguments so far. */
  private call: { index: number; name: string; args: string } | undefined;

  constructor(
    private readonly decoder: StreamDecoder,
    private readonly encoder: StreamEncoder,
  ) {}

  push(chunk: Buffer): Buffer {
    return this.convert(this.decoder.push(chunk));
  }

  end(): Buffer | undefined {
    const out = this.convert(this.decoder.end());
    return out.length ? out : undefined;
  }

  summary(): ResponseSummary {
    return { usage: { ...this.usage }, model: this.model, completed: this.completed, error: this.error, sawContent: this.sawContent };
  }

  generatedBytes(): number {
    return this.generated;
  }

  renderError(error: GatewayError, _requestId: string): string {
    if (this.closed) return "";
    const text = this.encoder.encode([{ type: "error", errorType: errorTypeOf(error), message: error.message }]);
    this.closed = true;
    return text + this.encoder.end();
  }

  private convert(decoded: StreamEvent[]): Buffer {
    if (!decoded.length || this.closed) return EMPTY;
    let events = decoded;
    for (let i = 0; i < events.length; i++) {
      const broken = this.observe(events[i]);
      if (broken) {
        events = [...events.slice(0, i), broken];
        this.observe(broken);
        break;
      }
    }
    let text = this.encoder.encode(events);
    // A finished or failed stream is closed at once (e.g. Chat's [DONE]); a cut one is left open
    // for the dispatcher's error event (renderError).
    if (this.completed || this.error) {
      text += this.encoder.end();
      this.closed = true;
    }
    return text ? Buffer.from(text) : EMPTY;
  }

  /** Learns from one event; returns an error event to end the stream with instead of it, if any. */
  private observe(event: StreamEvent): StreamEvent | undefined {
    switch (event.type) {
      case "start":
        this.model = event.model || this.model;
        if (event.usage) this.usage = usageOf(event.usage);
        return;
      case "block_start":
        this.sawContent = true;
        this.call = event.block.type === "tool_call" ? { index: event.index, name: event.block.name, args: "" } : undefined;
        return;
      case "text_delta":
      case "thinking_delta":
        this.generated += Buffer.byteLength(event.text);
        return;
      case "tool_args_delta":
        this.generated += Buffer.byteLength(event.json);
        if (this.call?.index === event.index) this.call.args += event.json;
        return;
      case "block_stop": {
        const call = this.call;
        this.call = undefined;
        if (call?.index === event.index && !isJsonObject(call.args)) {
          return { type: "error", errorType: "invalid_response", message: `the upstream sent arguments for tool call ${call.name.slice(0, 64)} that are not a JSON object` };
        }
        return;
      }
      case "finish":
        this.usage = usageOf(event.usage);
        this.completed = true;
        return;
      case "error":
        this.error = { type: event.errorType, message: event.message };
        return;
      default:
        return;
    }
  }
}

const EMPTY = Buffer.alloc(0);

/** Empty arguments mean "no arguments"; anything else must be a JSON object. */
function isJsonObject(text: string): boolean {
  if (!text.trim()) return true;
  try {
    const value = JSON.parse(text) as unknown;
    return !!value && typeof value === "object" && !Array.isArray(value);
  } catch {
    return false;
  }
}
