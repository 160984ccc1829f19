/**
 * OpenAI's error envelope, `{"error":{"message","type","param","code"}}`, shared by Chat
 * Completions and the Responses API (which imports it from here): rendered for the hub's own
 * errors, and read from upstream bodies that carry one under a 2xx status.
 *
 * `type` names the class of error; `code` is the machine-readable reason that clients act on.
 * Where OpenAI has a code that clients key on, it is used: Codex CLI stops retrying on
 * `insufficient_quota`, and on `rate_limit_exceeded` takes its retry delay from the message.
 */
import type { GatewayError, GatewayErrorKind } from "../../errors.ts";
import type { EmbeddedError } from "../types.ts";

/** The `type` and `code` of each gateway error kind. */
const VOCABULARY: Record<GatewayErrorKind, { type: string; code: string | null }> = {
  invalid_request: { type: "invalid_request_error", code: null },
  authentication: { type: "authentication_error", code: "invalid_api_key" },
  quota_exceeded: { type: "insufficient_quota", code: "insufficient_quota" },
  permission: { type: "permission_error", code: "permission_denied" },
  not_found: { type: "invalid_request_error", code: "not_found" },
  request_too_large: { type: "invalid_request_error", code: "request_too_large" },
  rate_limited: { type: "rate_limit_error", code: "rate_limit_exceeded" },
  client_closed: { type: "server_error", code: null },
  internal: { type: "server_error", code: "server_error" },
  bad_gateway: { type: "server_error", code: "bad_gateway" },
  no_provider: { type: "server_error", code: "service_unavailable" },
  upstream_timeout: { type: "server_error", code: "timeout" },
};

/** The `type` and `code` an error of this kind is reported with. */
export function openAiErrorVocabulary(kind: GatewayErrorKind): { type: string; code: string | null } {
  return VOCABULARY[kind];
}

/**
 * The error object of the envelope. The extra fields of the error (limit_type, current, limit…)
 * sit beside the standard ones, as in the other formats' envelopes. The request id travels in
 * the x-request-id header: OpenAI's envelope has no field for it.
 */
export function openAiErrorObject(error: GatewayError): Record<string, unknown> {
  const { type, code } = VOCABULARY[error.kind];
  return { message: error.message, type, param: null, code, ...error.details };
}

/** The JSON error body of an OpenAI endpoint. */
export function renderOpenAiError(error: GatewayError, _requestId: string) {
  return { contentType: "application/json", body: JSON.stringify({ error: openAiErrorObject(error) }) };
}

/**
 * The in-stream error of Chat Completions: one `data:` event with the envelope (the openai SDK
 * throws an APIError on it). No `[DONE]` follows: the terminator would tell a client that reads
 * chunks by hand that the answer ended normally.
 */
export function renderOpenAiChatStreamError(error: GatewayError, _requestId: string): string {
  return `data: ${JSON.stringify({ error: openAiErrorObject(error) })}\n\n`;
}

/** The error an OpenAI-style body carries (`{"error":{…}}`, or `{"error":"text"}` from some relays), if any. */
export function openAiEmbeddedError(body: Record<string, unknown>): EmbeddedError | undefined {
  const error = body.error;
  if (error === undefined || error === null) return undefined;
  if (typeof error !== "object") return { type: "api_error", message: String(error) };
  const e = error as Record<string, unknown>;
  return { type: String(e.type ?? e.code ?? "api_error"), message: String(e.message ?? "upstream error") };
}
