/**
 * The availability page's work (manual §7.5): success rate, TTFB and duration p50/p95/p99 and
 * failures by error class per provider or model, over the last hour (from the log, 5-minute
 * steps), 24 hours or 7 days (from the rollups); and each provider's breaker: its state now (the
 * store) and its open/close history (breaker_events, recorded by the breaker watch).
 */
import type { Db } from "../db/database.ts";
import { availabilitySpan } from "../db/periods.ts";
import { loadNames, type Names } from "../db/names.ts";
import { logAvailability, percentile, ROLLUP_BUCKET_MS, rollupAvailability, type Availability, type LatencyTotals } from "../db/rollups.ts";
import type { Store } from "../store/store.ts";
import { toBreakerView } from "./provider-health.ts";

/** Breaker history shown per provider. */
const HISTORY_LIMIT = 20;
/** Members listed, most requests first. */
const MEMBERS_LIMIT = 100;
/** Error classes listed per member. */
const ERRORS_LIMIT = 20;

export type AvailabilityDimension = "provider" | "model";
export type AvailabilitySpan = "1h" | "24h" | "7d";

/** Requests, success and latency percentiles of a member over a period. */
export function toFigures(t: LatencyTotals) {
  const stats = (h: number[]) => ({ p50: percentile(h, 0.5), p95: percentile(h, 0.95), p99: percentile(h, 0.99) });
  return {
    requests: t.requests,
    served: t.served,
    failures: t.failures,
    /** Served requests that succeeded, 0..1 (null when none was served). */
    successRate: t.served > 0 ? (t.served - t.failures) / t.served : null,
    ttfbMs: stats(t.ttfbHist),
    durationMs: stats(t.durationHist),
  };
}

/**
 * Every member that served requests, with its error classes and its series, most requests
 * first (then by name). `names` names providers; models are their own names.
 */
export function availabilityItems(data: Availability, names: Names | null) {
  return (
    data.members
      // Requests refused before any provider say nothing about a provider's or a model's health.
      .filter((m) => m.served > 0)
      .map((m) => ({
        ref: m.ref,
        name: names ? (names.providers.get(Number(m.ref)) ?? `#${m.ref}`) : m.ref,
        ...toFigures(m),
        errors: data.errors
          .filter((e) => e.ref === m.ref)
          .slice(0, ERRORS_LIMIT)
          .map((e) => ({ errorClass: e.err, count: e.count })),
        series: data.series
          .filter((p) => p.ref === m.ref)
          .sort((a, b) => a.at - b.at)
          .map((p) => ({
            at: new Date(p.at).toISOString(),
            requests: p.requests,
            failures: p.failures,
            successRate: p.served > 0 ? (p.served - p.failures) / p.served : null,
            p95DurationMs: percentile(p.durationHist, 0.95),
            p95TtfbMs: percentile(p.ttfbHist, 0.95),
          })),
      }))
      .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name))
      .slice(0, MEMBERS_LIMIT)
  );
}

/**
 * Every step's start, empty ones included, as the queries cut them: from `from` in the log (the
 * last hour), from its 15-minute bucket in the rollups.
 */
export function availabilitySteps(span: AvailabilitySpan, from: number, to: number, stepMs: number): string[] {
  const origin = span === "1h" ? from : Math.floor(from / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  const steps: string[] = [];
  for (let at = origin; at < to; at += stepMs) steps.push(new Date(at).toISOString());
  return steps;
}

export async function availability(db: Db, query: { dimension: AvailabilityDimension; span: AvailabilitySpan }, now: number) {
  const span = availabilitySpan(query.span, now);
  const data: Availability =
    query.span === "1h"
      ? await logAvailability(db, query.dimension, span.from, span.to, span.stepMs)
      : await rollupAvailability(db, query.dimension, span.from, span.to, { kind: "fixed", ms: span.stepMs });
  const names = query.dimension === "provider" ? await loadNames(db, { providers: data.members.map((m) => Number(m.ref)) }) : null;
  return {
    from: new Date(span.from).toISOString(),
    to: new Date(span.to).toISOString(),
    stepMs: span.stepMs,
    steps: availabilitySteps(query.span, span.from, span.to, span.stepMs),
    items: availabilityItems(data, names),
  };
}

/** Each provider's breaker now and its newest changes. */
export async function breakers(deps: { db: Db; store: Store }, now: number) {
  const providers = await deps.db.provider.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { id: "asc" }, take: 500 });
  const ids = providers.map((p) => p.id);
  const [status, events] = await Promise.all([
    deps.store.breakerStatus(ids, now),
    // The newest changes per provider: one index range of (provider_id, at) each.
    deps.db.$queryRaw<Array<{ provider_id: number; at: Date; from_state: string; to_state: string; failures: number }>>`
      SELECT e.provider_id, e.at, e.from_state, e.to_state, e.failures
      FROM unnest(${ids}::int[]) AS p(id)
      CROSS JOIN LATERAL (SELECT * FROM breaker_events WHERE provider_id = p.id ORDER BY at DESC LIMIT ${HISTORY_LIMIT}) e`,
  ]);
  const byId = new Map(status.map((s) => [s.providerId, s]));
  return providers.map((p) => {
    const { state, failures, openUntil } = toBreakerView(byId.get(p.id));
    return {
      providerId: p.id,
      name: p.name,
      state,
      failures,
      openUntil,
      history: events.filter((e) => e.provider_id === p.id).map((e) => ({ at: e.at.toISOString(), from: e.from_state, to: e.to_state, failures: e.failures })),
    };
  });
}
