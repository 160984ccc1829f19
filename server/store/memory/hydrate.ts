/** Rebuilds a scope's counters from ledger sums: the twin of scripts/hydrate.lua. */
import type { HydrationData, ScopeSpec } from "../admission.ts";
import { newFixed, newRolling, type QuotaState } from "./quota-lib.ts";

export function hydrate(q: QuotaState, spec: ScopeSpec, data: HydrationData, now: number): void {
  const state = q.state(spec.scope, now);
  if (state.signature === spec.signature) return; // already hydrated (another caller won)
  state.signature = data.signature;
  state.rolling = { "5h": newRolling(), daily: newRolling() };
  for (const kind of ["5h", "daily"] as const) {
    const rolling = state.rolling[kind];
    for (const [idx, nano] of Object.entries(data.buckets[kind] ?? {})) {
      // An empty bucket adds nothing; kept out so both stores walk the same buckets (hydrate.lua).
      if (nano === 0) continue;
      rolling.buckets.set(Number(idx), nano);
      rolling.sum += nano;
    }
    rolling.min = rolling.buckets.size ? Math.min(...rolling.buckets.keys()) : -1;
  }
  for (const kind of ["daily", "weekly", "monthly", "total"] as const) {
    const f = data.fixed[kind];
    state.fixed[kind] = f ? { start: f.start, spent: f.spentNano } : newFixed();
  }
}
