/** Anthropic's error envelope: {"type":"error","error":{"type","message"},"request_id"}. */
import type { GatewayError, GatewayErrorKind } from "../../errors.ts";

const TYPES: Record<GatewayErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  quota_exceeded: "billing_error",
  permission: "permission_error",
  not_found: "not_found_error",
  request_too_large: "request_too_large",
  rate_limited: "rate_limit_error",
  client_closed: "api_error",
  internal: "api_error",
  bad_gateway: "api_error",
  no_provider: "overloaded_error",
  upstream_timeout: "timeout_error",
};

function envelope(error: GatewayError, requestId: string) {
  return {
    type: "error",
    error: { type: TYPES[error.kind], message: error.message, ...error.details },
    request_id: requestId,
  };
}

export function renderClaudeError(error: GatewayError, requestId: string) {
  return { contentType: "application/json", body: JSON.stringify(envelope(error, requestId)) };
}

export function renderClaudeStreamError(error: GatewayError, requestId: string) {
  return `event: error\ndata: ${JSON.stringify(envelope(error, requestId))}\n\n`;
}
