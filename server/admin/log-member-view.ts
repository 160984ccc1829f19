/**
 * What a non-admin may see of their own requests. Providers are the admin's business (their
 * names, types, groups and weights say who the hub buys from), and an upstream's error text can
 * name accounts, organisations or other tenants' groups. A member sees "upstream" and the hub's
 * own classification of what went wrong.
 */

/** The provider name members see in place of the real one. */
export const MEMBER_PROVIDER_NAME = "upstream";

/**
 * Error types whose message the hub wrote itself when it refused the request (limits, auth,
 * bad input); the client already received exactly this text, so the member may read it again.
 */
const HUB_REFUSALS = new Set([
  "invalid_request",
  "authentication",
  "quota_exceeded",
  "permission",
  "not_found",
  "request_too_large",
  "rate_limited",
]);

const CLASSIFIED: Record<string, string> = {
  upstream_http_error: "The upstream answered with an error.",
  bad_gateway: "The upstream could not be reached or broke off the answer.",
  network_error: "The upstream could not be reached.",
  upstream_timeout: "The upstream did not answer in time.",
  no_provider: "No upstream was available for this request.",
  client_closed: "The client closed the connection before the answer was complete.",
  internal: "The hub failed to handle this request.",
};

/** The error message a member sees for a row of their own. */
export function memberErrorMessage(errorType: string | null, statusCode: number, message: string | null): string | null {
  if (message === null && errorType === null) return null;
  if (errorType !== null && HUB_REFUSALS.has(errorType)) return message;
  const text = (errorType !== null ? CLASSIFIED[errorType] : undefined) ?? "The request failed.";
  return `${text} (HTTP ${statusCode})`;
}

interface ChainAttempt {
  reason?: unknown;
  attempt?: unknown;
  startedAt?: unknown;
  durationMs?: unknown;
  statusCode?: unknown;
  errorClass?: unknown;
}

/**
 * The decision chain reduced to what a member may know: how many attempts, when, how long and
 * with what status; no candidates, no filtered providers, no groups, no upstream error text.
 */
export function memberDecisionChain(chain: unknown): unknown {
  if (!chain || typeof chain !== "object") return null;
  const attempts = Array.isArray((chain as { attempts?: unknown }).attempts) ? ((chain as { attempts: ChainAttempt[] }).attempts) : [];
  return {
    candidates: [],
    filtered: [],
    attempts: attempts.map((a) => ({
      providerId: 0,
      providerName: MEMBER_PROVIDER_NAME,
      reason: a.reason,
      attempt: a.attempt,
      startedAt: a.startedAt,
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      errorClass: a.errorClass,
    })),
  };
}
