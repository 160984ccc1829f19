/** The breakers of some providers: the twin of scripts/breaker-status.lua. */
import type { BreakerStatus } from "../admission.ts";
import type { QuotaState } from "./quota-lib.ts";

export function breakerStatus(q: QuotaState, providerIds: number[], now: number): BreakerStatus[] {
  return providerIds.map((providerId) => {
    const b = q.breaker(providerId, now);
    return { providerId, state: b.state, failures: b.failures, openUntil: b.state === "open" ? b.openUntil : null, halfOpenSuccesses: b.halfOpenSuccesses };
  });
}
