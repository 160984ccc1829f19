/**
 * The contract of a wire format (one folder per format under formats/): what the gateway
 * needs to know about a request body, a response (JSON or stream) and an error envelope.
 * Request shapes are lenient: unknown fields pass through untouched.
 */
import type { FieldRange } from "../body/json-scan.ts";
import type { GatewayError } from "../errors.ts";
import type { Usage } from "../usage/usage.ts";

export type ApiFormat = "claude" | "openai-chat" | "openai-responses" | "gemini";

/** What the gateway reads from a request body (without parsing all of it). */
export interface RequestInfo {
  model: string | undefined;
  stream: boolean;
  maxTokens: number | undefined;
  /** Parsed small top-level fields that carry session hints (metadata, prompt_cache_key…). */
  hints: Record<string, unknown>;
  /** Byte ranges of the fields above, for in-place rewrites (e.g. a model redirect). */
  ranges: Map<string, FieldRange>;
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
}

/** Incremental reader of a streamed response; sees every byte once and buffers at most one event. */
export interface StreamTap {
  push(chunk: Buffer): void;
  end(): void;
  summary(): ResponseSummary;
}

export interface ResponseOptions {
  /** Cache TTL to attribute an undivided cache-creation count to (Anthropic). */
  defaultCacheTtl: "5m" | "1h";
}

export interface WireFormat {
  readonly name: ApiFormat;
  /** Reads the request fields; throws GatewayError(invalid_request) for a malformed body. */
  readRequest(body: Buffer): RequestInfo;
  /** Summarises a complete non-streamed response body. */
  summarizeJson(body: Buffer, options: ResponseOptions): ResponseSummary;
  createStreamTap(options: ResponseOptions): StreamTap;
  /** The error envelope of this format. */
  renderError(error: GatewayError, requestId: string): { contentType: string; body: string };
  /** A well-formed in-stream error event, to end a stream that broke after the commit point. */
  renderStreamError(error: GatewayError, requestId: string): string;
}
