/**
 * The contract of a format codec (one folder per wire format under convert/): decode what that
 * format says into the neutral model (neutral.ts), encode the neutral model into that format.
 * A conversion from client format C to upstream format U is C.decodeRequest → U.encodeRequest
 * on the way up, and U.decodeResponse → C.encodeResponse (or U's stream decoder → C's stream
 * encoder) on the way down. Same-format requests never come here (they stay a byte-faithful
 * passthrough).
 */
import type { GatewayRoute } from "../endpoints.ts";
import type { ApiFormat } from "../formats/types.ts";
import type { Request, Response, StreamEvent } from "./neutral.ts";

/** What an encoder left out because the target cannot say it and the answer does not depend on it. */
export interface ConversionNotes {
  /** Short, human-readable: "cache_control: gemini has no cache breakpoints". Bounded by the caller. */
  dropped: string[];
}

/**
 * A request feature the target format cannot express and that would change the answer if
 * dropped (e.g. a document on a target without documents). The client gets a 400 in its own
 * envelope naming the feature and the provider type.
 */
export class UnsupportedFeature extends Error {
  constructor(
    readonly feature: string,
    readonly target: ApiFormat,
  ) {
    super(`${feature} cannot be sent to a ${target} upstream`);
    this.name = "UnsupportedFeature";
  }
}

/** A request body that is not valid for its format (the client gets a 400). */
export class InvalidRequestBody extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidRequestBody";
  }
}

/** The upstream request a codec builds: the path is the upstream's own (e.g. "/v1/chat/completions"). */
export interface EncodedRequest {
  path: string;
  /** Query string with its "?" or "" (Gemini streams: "?alt=sse"). */
  search: string;
  body: Record<string, unknown>;
}

/** What a response encoder needs to know about the client's request. */
export interface EncodeContext {
  /** The model name to show the client (the one it asked for). */
  model: string;
  requestId: string;
  /** OpenAI Chat: the client asked for the usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
  /** Gemini: the client asked for SSE (alt=sse); otherwise a streamed JSON array. */
  sse: boolean;
  /** Seconds since the epoch, for `created` fields (injected for tests). */
  now: number;
}

/** Upstream bytes in, neutral events out; incremental, buffers at most one unfinished event. */
export interface StreamDecoder {
  push(chunk: Buffer): StreamEvent[];
  /** The source ended: events still owed (e.g. closing an open block), or an error event if it was cut short. */
  end(): StreamEvent[];
}

/** Neutral events in, client bytes out (a string per call, possibly empty). */
export interface StreamEncoder {
  encode(events: readonly StreamEvent[]): string;
  /** The stream is over: any closing bytes (e.g. "data: [DONE]\n\n", a JSON array's "]"). */
  end(): string;
}

export interface FormatCodec {
  readonly format: ApiFormat;
  /**
   * Client side: a request body of this format (already parsed JSON) → neutral. Gemini formats
   * read the model and streaming from the route. Throws InvalidRequestBody.
   */
  decodeRequest(body: Record<string, unknown>, route: GatewayRoute, search: string): Request;
  /** Upstream side: neutral → this format. Throws UnsupportedFeature; records drops in notes. */
  encodeRequest(request: Request, notes: ConversionNotes): EncodedRequest;
  /** Upstream side: a complete JSON response of this format → neutral. */
  decodeResponse(body: Record<string, unknown>): Response;
  /** Client side: neutral → a JSON response of this format. */
  encodeResponse(response: Response, ctx: EncodeContext): Record<string, unknown>;
  createStreamDecoder(): StreamDecoder;
  createStreamEncoder(ctx: EncodeContext): StreamEncoder;
}
