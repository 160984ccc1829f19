/** Usage against every limit of some scopes, and what is in flight: the twin of scripts/usage.lua. */
import type { ScopeSpec, ScopeUsage } from "../admission.ts";
import { RPM_WINDOW_MS, type QuotaState } from "./quota-lib.ts";

export function usage(q: QuotaState, specs: ScopeSpec[], now: number): ScopeUsage[] {
  return specs.map((spec) => {
    const state = q.scopes.get(spec.scope);
    if (state) q.sweep(spec.scope, state, now);
    const rpmUsed = state ? state.rpm.filter((t) => t > now - RPM_WINDOW_MS).length : 0;
    // Counters kept under another signature (or reset) are not trusted: they report nothing
    // until the ledger rebuilds them, as usage.lua does.
    const hydrated = !!state && state.signature === spec.signature;
    return {
      scope: spec.scope,
      hydrated,
      windows: spec.windows.map((w) => ({
        kind: w.kind,
        spentNano: hydrated ? q.spent(state, w, now) : 0,
        reservedNano: state?.reserved ?? 0,
        limitNano: w.limitNano,
        resetAt: w.end ?? null,
      })),
      rpm: { used: rpmUsed, max: spec.rpm },
      concurrentSessions: { used: state?.sessions.size ?? 0, max: spec.concurrentSessions },
    };
  });
}

export function inFlight(q: QuotaState, scope: string, now: number) {
  const state = q.scopes.get(scope);
  if (!state) return { requests: 0, sessions: 0, reservedNano: 0 };
  q.sweep(scope, state, now);
  return { requests: state.inflight.size, sessions: state.sessions.size, reservedNano: state.reserved };
}
