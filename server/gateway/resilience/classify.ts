/**
 * What a failed attempt means for the request and for the provider. The rule of thumb: only
 * provider faults count toward a provider's breaker (once per provider, after its retries) —
 * 5xx, timeouts, fake 200s, broken streams, auth and rate-limit refusals, and network errors
 * when the setting says so. Client mistakes (matched by error rules) are returned at once, and
 * 404s move on to another provider without counting.
 */
import type { AttemptFailure } from "../steps/dispatch.ts";
import { matchErrorRule, type ErrorRule } from "../../domain/error-rules.ts";

export interface Classification {
  /** Return this failure to the client now (no retry, no failover). */
  final: boolean;
  /** Worth another attempt on the same provider (while it has attempts left). */
  retrySame: boolean;
  /** Counts once toward the provider's breaker when the provider is given up. */
  countsTowardBreaker: boolean;
  /** For the decision chain and the log. */
  errorClass: string;
  /** Wait before retrying the same provider (Retry-After), ms. */
  retryAfterMs?: number;
  rule?: ErrorRule;
}

function retryAfterMs(headers: AttemptFailure["headers"]): number | undefined {
  const value = headers?.["retry-after"];
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

export function classifyFailure(failure: AttemptFailure, rules: readonly ErrorRule[], countNetworkErrors: boolean): Classification {
  switch (failure.class) {
    case "client_abort":
      return { final: true, retrySame: false, countsTowardBreaker: false, errorClass: "client_abort" };
    case "network_error":
      return { final: false, retrySame: true, countsTowardBreaker: countNetworkErrors, errorClass: "network_error" };
    case "timeout":
      return { final: false, retrySame: true, countsTowardBreaker: true, errorClass: "timeout" };
    case "fake_200":
    case "empty_stream":
      return { final: false, retrySame: true, countsTowardBreaker: true, errorClass: failure.class };
    case "http_error": {
      const status = failure.status ?? 0;
      const rule = matchErrorRule(rules, failure.body?.toString("utf8") ?? "");
      if (rule) {
        return rule.retryable
          ? { final: false, retrySame: status >= 500 || status === 429, countsTowardBreaker: rule.countsTowardBreaker, errorClass: rule.category, rule }
          : { final: true, retrySame: false, countsTowardBreaker: false, errorClass: rule.category, rule };
      }
      if (status === 404) return { final: false, retrySame: false, countsTowardBreaker: false, errorClass: "not_found" };
      if (status === 400 || status === 413 || status === 422) {
        // Unmatched request errors: another provider may accept it, but it is not this provider's fault.
        return { final: false, retrySame: false, countsTowardBreaker: false, errorClass: "request_rejected" };
      }
      if (status === 429) return { final: false, retrySame: true, countsTowardBreaker: true, errorClass: "rate_limited", retryAfterMs: retryAfterMs(failure.headers) };
      if (status === 401 || status === 403 || status === 402) return { final: false, retrySame: false, countsTowardBreaker: true, errorClass: "provider_auth" };
      return { final: false, retrySame: true, countsTowardBreaker: true, errorClass: "provider_error", retryAfterMs: retryAfterMs(failure.headers) };
    }
  }
}
