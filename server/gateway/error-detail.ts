/**
 * How much of an upstream failure the client is told, by two system settings:
 *
 * - passThroughUpstreamErrorMessage: on, the upstream's own error reaches the client — an error
 *   status is relayed in the upstream's envelope as sent (type and code included, which clients
 *   act on), an error inside a 200 by its message; off, the hub's classified message ("the
 *   upstream provider is rate limiting requests") stands in for it.
 * - verboseProviderError: on, the hub's own messages about upstream failures carry what it
 *   knows — network error codes and addresses, timeouts, which providers were tried and how
 *   each failed; off, none of that: a generic message ending with the request id, which the
 *   admin can look up in the log, where the detail always is.
 *
 * Only failures caused by the upstream are concerned; the hub's own refusals (authentication,
 * limits, no provider) and messages an admin wrote into an error rule are sent as they are.
 */
import type { CachedSettings } from "../catalog/types.ts";
import type { GatewayContext } from "./context.ts";
import { GatewayError, UpstreamHttpError, type GatewayErrorKind } from "./errors.ts";

type Settings = Pick<CachedSettings, "verboseProviderError" | "passThroughUpstreamErrorMessage">;

/** The hub's own words for an upstream failure of each kind. */
const CLASSIFIED: Partial<Record<GatewayErrorKind, string>> = {
  invalid_request: "The upstream provider rejected the request as invalid.",
  authentication: "The upstream provider refused the hub's credentials.",
  permission: "The upstream provider does not allow this request.",
  not_found: "The upstream provider does not know the requested resource or model.",
  request_too_large: "The request is too large for the upstream provider.",
  rate_limited: "The upstream provider is rate limiting requests; try again later.",
  quota_exceeded: "The upstream provider's quota is exhausted.",
  bad_gateway: "The upstream provider failed to answer.",
  upstream_timeout: "The upstream provider did not answer in time.",
};

export function kindForUpstreamStatus(status: number): GatewayErrorKind {
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limited";
  if (status === 402) return "quota_exceeded";
  if (status >= 500) return "bad_gateway";
  return "invalid_request";
}

function classified(kind: GatewayErrorKind): string {
  return CLASSIFIED[kind] ?? "The upstream provider failed.";
}

/** "Tried: a (503), b (timeout)." — the providers of this request's attempts, in order. */
function triedProviders(ctx: GatewayContext): string {
  const tried = ctx.chain.attempts.map((a) => `${a.providerName} (${a.statusCode && a.statusCode >= 300 ? a.statusCode : (a.errorClass ?? a.statusCode ?? "?")})`);
  return tried.length ? ` Tried: ${tried.join(", ")}.` : "";
}

/**
 * What the client is sent for an error thrown by the pipeline: the upstream's error body as it
 * came (relay) or a GatewayError to render in the client's format.
 */
export function presentError(error: unknown, ctx: GatewayContext, settings: Settings): { relay: UpstreamHttpError } | { error: unknown } {
  const verbose = settings.verboseProviderError;
  const passThrough = settings.passThroughUpstreamErrorMessage;
  if (error instanceof UpstreamHttpError) {
    // Its envelope as sent: clients act on its type and code (Codex CLI on context_length_exceeded).
    if (passThrough) return { relay: error };
    const kind = kindForUpstreamStatus(error.status);
    const message = verbose
      ? `${classified(kind)}${ctx.provider ? ` Provider ${ctx.provider.name} answered ${error.status}.` : ""}${triedProviders(ctx)}`
      : `${classified(kind)} Request id: ${ctx.requestId}.`;
    // Retry-After is the client's to honour; the upstream's other headers stay with the hub.
    const retryAfter = error.headers["retry-after"];
    return { error: new GatewayError(kind, message, { status: error.status, headers: typeof retryAfter === "string" ? { "retry-after": retryAfter } : {} }) };
  }
  if (error instanceof GatewayError && error.upstream) {
    const own = passThrough ? error.upstream.message : undefined;
    let message: string;
    if (verbose) message = `${passThrough ? error.message : classified(error.kind)}${triedProviders(ctx)}`;
    else message = own ?? `${classified(error.kind)} Request id: ${ctx.requestId}.`;
    return { error: new GatewayError(error.kind, message, { status: error.status, headers: error.headers, details: error.details, blockedBy: error.blockedBy, cause: error }) };
  }
  return { error };
}

/** The error event that ends a stream the upstream broke off after the client got its first bytes. */
export function streamBreakError(kind: "upstream_timeout" | "bad_gateway", detail: string, requestId: string, settings: Settings): GatewayError {
  return new GatewayError(kind, settings.verboseProviderError ? `The upstream stream broke off: ${detail}` : `The upstream stream broke off. Request id: ${requestId}.`);
}
