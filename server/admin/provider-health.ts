/**
 * How the upstreams' circuit breakers stand, for the providers page and the availability page.
 * Breaker state lives in the store, shared by every instance: reading it or resetting it here
 * takes effect for the whole fleet at once.
 */
import type { Db } from "../db/database.ts";
import type { BreakerState, BreakerStatus } from "../store/admission.ts";
import type { Store } from "../store/store.ts";
import { hubError } from "../trpc/hub-errors.ts";

/** A breaker as the dashboard shows it; a provider the store knows nothing of is closed. */
export interface BreakerView {
  state: BreakerState;
  /** Counted failures since the breaker last closed. */
  failures: number;
  openUntil: string | null;
  halfOpenSuccesses: number;
}

export function toBreakerView(status: BreakerStatus | undefined): BreakerView {
  return {
    state: status?.state ?? "closed",
    failures: status?.failures ?? 0,
    openUntil: status?.openUntil ? new Date(status.openUntil).toISOString() : null,
    halfOpenSuccesses: status?.halfOpenSuccesses ?? 0,
  };
}

/** Every provider (not deleted), in priority order, with its breaker settings and state now. */
export async function providerHealth(deps: { db: Db; store: Store }, now: number) {
  const rows = await deps.db.provider.findMany({ where: { deletedAt: null }, orderBy: [{ priority: "asc" }, { id: "asc" }] });
  const statuses = rows.length ? await deps.store.breakerStatus(rows.map((r) => r.id), now) : [];
  const byId = new Map(statuses.map((s) => [s.providerId, s]));
  return rows.map((row) => ({
    providerId: row.id,
    name: row.name,
    isEnabled: row.isEnabled,
    failureThreshold: row.circuitBreakerFailureThreshold,
    openDurationMs: row.circuitBreakerOpenDurationMs,
    halfOpenSuccessThreshold: row.circuitBreakerHalfOpenSuccessThreshold,
    breaker: toBreakerView(byId.get(row.id)),
  }));
}

/** Closes a provider's breaker now; returns the breaker before and after, for the audit log. */
export async function resetBreaker(deps: { db: Db; store: Store }, id: number, now: number): Promise<{ before: BreakerView; after: BreakerView }> {
  const row = await deps.db.provider.findFirst({ where: { id, deletedAt: null }, select: { id: true } });
  if (!row) throw hubError("NOT_FOUND", "providerNotFound", { id });
  const [before] = await deps.store.breakerStatus([id], now);
  await deps.store.resetBreaker(id);
  const [after] = await deps.store.breakerStatus([id], now);
  return { before: toBreakerView(before), after: toBreakerView(after) };
}
