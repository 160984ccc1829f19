/**
 * Google's error envelope: {"error":{"code":<http status>,"message","status":<google.rpc.Code
 * name>,"details":[…]}}. Gemini CLI and @google/genai read `code`/`status` to decide on retries,
 * and Gemini CLI reads the retry delay from a google.rpc.RetryInfo detail, so a Retry-After
 * the hub sends is mirrored there. The request id goes into a google.rpc.RequestInfo detail.
 */
import type { GatewayError, GatewayErrorKind } from "../../errors.ts";
import type { GeminiStreamFraming } from "./response.ts";

const STATUSES: Record<GatewayErrorKind, string> = {
  invalid_request: "INVALID_ARGUMENT",
  authentication: "UNAUTHENTICATED",
  quota_exceeded: "RESOURCE_EXHAUSTED",
  permission: "PERMISSION_DENIED",
  not_found: "NOT_FOUND",
  request_too_large: "INVALID_ARGUMENT",
  rate_limited: "RESOURCE_EXHAUSTED",
  client_closed: "CANCELLED",
  internal: "INTERNAL",
  bad_gateway: "UNAVAILABLE",
  no_provider: "UNAVAILABLE",
  upstream_timeout: "DEADLINE_EXCEEDED",
};

/** The google.rpc.Code name the hub uses for an error kind. */
export function googleStatus(kind: GatewayErrorKind): string {
  return STATUSES[kind];
}

function retryAfterSeconds(headers: Record<string, string>): number | undefined {
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === "retry-after")?.[1];
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The envelope object. GatewayError.details are merged into the error object without overriding the core fields. */
export function geminiErrorEnvelope(error: GatewayError, requestId: string) {
  const details: Array<Record<string, unknown>> = [{ "@type": "type.googleapis.com/google.rpc.RequestInfo", requestId }];
  const retryAfter = retryAfterSeconds(error.headers);
  if (retryAfter !== undefined) details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retryAfter}s` });
  return {
    error: {
      ...error.details,
      code: error.status,
      message: error.message,
      status: STATUSES[error.kind],
      details,
    },
  };
}

/** The JSON error body of a Gemini (or Code Assist) route. */
export function renderGeminiError(error: GatewayError, requestId: string) {
  return { contentType: "application/json; charset=UTF-8", body: JSON.stringify(geminiErrorEnvelope(error, requestId)) };
}

/**
 * An error chunk that ends a committed stream in the stream's own framing: an SSE event with
 * Google's CRLF framing, or — for a JSON-array stream — an error element followed by the
 * closing bracket (Google itself appends `{"error":…}` as the array's last element). The
 * array variant needs to know whether an element was already written (`needsComma`).
 */
export function renderGeminiStreamError(
  error: GatewayError,
  requestId: string,
  framing: GeminiStreamFraming = "sse",
  needsComma = true,
): string {
  const json = JSON.stringify(geminiErrorEnvelope(error, requestId));
  if (framing === "sse") return `data: ${json}\r\n\r\n`;
  return `${needsComma ? ",\r\n" : ""}${json}\r\n]`;
}
