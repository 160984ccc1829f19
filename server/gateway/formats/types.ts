/**
 * The contract of a wire format (one folder per format under formats/): what the gateway
 * needs to know about a request body, a response (JSON or stream) and an error envelope.
 * Request shapes are lenient: unknown fields pass through untouched.
 */
import type { FieldRange } from "../body/json-scan.ts";
import type { GatewayRoute } from "../endpoints.ts";
import type { GatewayError } from "../errors.ts";
import type { Usage } from "../usage/usage.ts";

export type ApiFormat = "claude" | "openai-chat" | "openai-responses" | "gemini" | "gemini-cli";

/** What the gateway reads from a request body (without parsing all of it). */
export interface RequestInfo {
  model: string | undefined;
  stream: boolean;
  maxTokens: number | undefined;
  /** Parsed small top-level fields that carry session hints (metadata, prompt_cache_key…). */
  hints: Record<string, unknown>;
  /** Byte ranges of the fields above, for in-place rewrites (e.g. a model redirect). */
  ranges: Map<string, FieldRange>;
  /**
   * The request asks for prompt-cache writes (Anthropic's `cache_control` breakpoints, which cost
   * more than input), and with which TTL; absent for formats that cache without a write premium.
   */
  promptCacheWrite?: "5m" | "1h";
}

/** An error the upstream reported inside a 200 response (a "fake 200" or an SSE error event). */
export interface EmbeddedError {
  type: string;
  message: string;
}

/** What was learned from a response once it ended (or as far as it got). */
export interface ResponseSummary {
  usage: Usage;
  /** The model the upstream says it used. */
  model: string | undefined;
  /** The terminal event arrived (message_stop, [DONE], response.completed, finishReason). */
  completed: boolean;
  /** A response body or stream event that is an error although the status was 2xx. */
  error: EmbeddedError | undefined;
  /** The first content event arrived (the point after which a stream may be committed). */
  sawContent: boolean;
  /**
   * Streams cut off by the client: UTF-8 bytes of generated text the stream carried (from
   * StreamTap.generatedBytes). What the output of such a stream is billed from.
   */
  generatedBytes?: number;
}

/**
 * Incremental reader of a streamed response; sees every byte once and buffers at most one
 * event. It returns the bytes to forward to the client: the chunk itself unless the format must
 * hide something the hub added (e.g. a usage chunk the client did not ask for).
 */
export interface StreamTap {
  push(chunk: Buffer): Buffer;
  /** Called once at the end; returns bytes still to forward (held back by push), if any. */
  end(): Buffer | undefined;
  summary(): ResponseSummary;
  /**
   * UTF-8 bytes of generated text (content, reasoning, tool-call arguments) seen so far, read
   * from the events' bytes. A stream dropped before its usage report is billed from this
   * (usage/dropped-stream.ts).
   */
  generatedBytes(): number;
  /**
   * An error that ends this stream in its own framing (e.g. inside a JSON-array stream). When
   * absent, the format's renderStreamError is used.
   */
  renderError?(error: GatewayError, requestId: string): string;
}

export interface ResponseOptions {
  /** Cache TTL to attribute an undivided cache-creation count to (Anthropic). */
  defaultCacheTtl: "5m" | "1h";
  /** The hub asked the upstream for stream usage that the client did not ask for: hide it. */
  usageInjected: boolean;
}

/** The request as sent upstream in one attempt (the path is the client-facing path, e.g. /v1/messages). */
export interface UpstreamRequest {
  path: string;
  search: string;
  body: Buffer;
  /** The hub added a usage request to a stream (OpenAI stream_options.include_usage). */
  usageInjected: boolean;
  /** Anthropic beta flags the upstream must also get (merged into anthropic-beta). */
  addBetaFlags?: string[];
  /** The prompt-cache TTL the request now asks for, when the hub set it (Anthropic). */
  cacheTtl?: "5m" | "1h";
}

export interface PrepareInput {
  route: GatewayRoute;
  search: string;
  body: Buffer;
  info: RequestInfo;
  /** The model to send upstream: the requested one, or a redirect rule's target. */
  model: string;
  /** A prompt-cache TTL to apply to every cache breakpoint (key or provider preference). */
  cacheTtl?: "5m" | "1h";
}

export interface WireFormat {
  readonly name: ApiFormat;
  /** Streams may come as a JSON document streamed piece by piece (Gemini without alt=sse), not only SSE. */
  readonly streamsJson?: boolean;
  /**
   * Reads the request fields (model, stream, …) from the body and, for formats that put them
   * there, from the route (Gemini: model and streaming in the path). Throws
   * GatewayError("invalid_request") for a malformed body.
   */
  readRequest(body: Buffer, route: GatewayRoute, search: string): RequestInfo;
  /**
   * The upstream request for one attempt: the original bytes, changed only where needed (the
   * model when redirected; a stream usage request where the format needs one for billing).
   * Pure: it may run once per attempt.
   */
  prepareUpstream(input: PrepareInput): UpstreamRequest;
  /** Summarises a complete non-streamed response body. */
  summarizeJson(body: Buffer, options: ResponseOptions): ResponseSummary;
  createStreamTap(options: ResponseOptions): StreamTap;
  /** The error envelope of this format. */
  renderError(error: GatewayError, requestId: string): { contentType: string; body: string };
  /** A well-formed in-stream error event, to end a stream that broke after the commit point. */
  renderStreamError(error: GatewayError, requestId: string): string;
}
