/**
 * Typed gateway errors. A step ends a request by throwing one; the router renders it in the
 * client's own wire format (formats/<format>/errors.ts) with the request id.
 */

/** What went wrong, independent of any wire format. Each format maps it to its own error type. */
export type GatewayErrorKind =
  | "invalid_request" // 400
  | "authentication" // 401
  | "quota_exceeded" // 402 money limits
  | "permission" // 403
  | "not_found" // 404
  | "request_too_large" // 413
  | "rate_limited" // 429 RPM / concurrency
  | "client_closed" // 499 (never sent; recorded in the log)
  | "internal" // 500
  | "bad_gateway" // 502 upstream unreachable or broken
  | "no_provider" // 503
  | "upstream_timeout"; // 524

const STATUS: Record<GatewayErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  quota_exceeded: 402,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limited: 429,
  client_closed: 499,
  internal: 500,
  bad_gateway: 502,
  no_provider: 503,
  upstream_timeout: 524,
};

export interface GatewayErrorOptions {
  /** Overrides the status implied by the kind. */
  status?: number;
  /** Extra response headers (Retry-After, X-RateLimit-*). */
  headers?: Record<string, string>;
  /** Extra fields merged into the error object of the envelope (limit_type, current, limit…). */
  details?: Record<string, unknown>;
  /** What refused the request before any provider was tried (logged as blocked_by). */
  blockedBy?: string;
  cause?: unknown;
  /** The upstream caused this error (see error-detail.ts); `message` is its own words, when it gave any. */
  upstream?: { message?: string };
}

export class GatewayError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly details: Record<string, unknown>;
  readonly blockedBy: string | undefined;
  readonly upstream: { message?: string } | undefined;

  constructor(readonly kind: GatewayErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "GatewayError";
    this.status = options.status ?? STATUS[kind];
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
    this.blockedBy = options.blockedBy;
    this.upstream = options.upstream;
  }
}

/**
 * An upstream answered with an error before anything reached the client. Its body is in the
 * provider's format, which for same-format routing is the client's format, so it can be
 * relayed as it is.
 */
export class UpstreamHttpError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly body: Buffer,
    message: string,
  ) {
    super(message);
    this.name = "UpstreamHttpError";
  }
}
