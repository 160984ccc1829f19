/**
 * Rebuilds a scope's counters from the usage ledger (the source of truth): after the store
 * restarted or was flushed, after a process restart with the in-process store, or when the
 * scope's window boundaries changed. One query per scope; concurrent requests for the same
 * scope share it. Only the first request of a scope after such an event waits for it.
 */
import type { SqlQuery } from "../../db/database.ts";
import { ROLLING_WINDOWS, type HydrationData, type ScopeSpec } from "../../store/admission.ts";
import type { Store } from "../../store/store.ts";
import type { ScopeLayout } from "./scopes.ts";

const COLUMN: Record<string, string> = { k: "key_id", u: "user_id", p: "provider_id" };

const [FIVE_HOUR, ROLLING_DAY] = ROLLING_WINDOWS;

const SUMS = (column: string) => `
  SELECT
    coalesce(sum(cost_usd) FILTER (WHERE created_at >= $2::timestamp), 0) * 1000000000 AS daily,
    coalesce(sum(cost_usd) FILTER (WHERE created_at >= $3::timestamp), 0) * 1000000000 AS weekly,
    coalesce(sum(cost_usd) FILTER (WHERE created_at >= $4::timestamp), 0) * 1000000000 AS monthly,
    coalesce(sum(cost_usd) FILTER (WHERE created_at >= $5::timestamp), 0) * 1000000000 AS total
  FROM usage_ledger WHERE ${column} = $1`;

const BUCKETS = (column: string) => `
  SELECT floor(extract(epoch FROM created_at) * 1000 / $3)::bigint AS bucket, sum(cost_usd) * 1000000000 AS nano
  FROM usage_ledger WHERE ${column} = $1 AND created_at >= $2::timestamp
  GROUP BY 1`;

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "");

export async function loadHydration(sql: SqlQuery, spec: ScopeSpec, layout: ScopeLayout, now: number): Promise<HydrationData> {
  const [kind, idText] = spec.scope.split(":");
  const column = COLUMN[kind];
  const id = Number(idText);
  if (!column || !Number.isInteger(id)) throw new Error(`unknown scope ${spec.scope}`);
  const { starts } = layout;
  const rollingQuery = (lengthMs: number, bucketMs: number) => {
    // Whole buckets: the oldest bucket that still overlaps the window.
    const from = (Math.floor(now / bucketMs) - Math.ceil(lengthMs / bucketMs) + 1) * bucketMs;
    return sql<{ bucket: string; nano: string }>(BUCKETS(column), [id, iso(from), bucketMs]);
  };
  const [sums, fiveHour, day] = await Promise.all([
    sql<{ daily: string; weekly: string; monthly: string; total: string }>(SUMS(column), [id, iso(starts.daily), iso(starts.weekly), iso(starts.monthly), iso(starts.total)]),
    rollingQuery(FIVE_HOUR.lengthMs, FIVE_HOUR.bucketMs),
    rollingQuery(ROLLING_DAY.lengthMs, ROLLING_DAY.bucketMs),
  ]);
  const nano = (v: string | number | null | undefined) => Math.round(Number(v ?? 0));
  const buckets = (rows: Array<{ bucket: string; nano: string }>) => Object.fromEntries(rows.map((r) => [Number(r.bucket), nano(r.nano)]));
  const s = sums[0];
  return {
    signature: spec.signature,
    buckets: { "5h": buckets(fiveHour), daily: buckets(day) },
    fixed: {
      daily: { start: starts.daily, spentNano: nano(s?.daily) },
      weekly: { start: starts.weekly, spentNano: nano(s?.weekly) },
      monthly: { start: starts.monthly, spentNano: nano(s?.monthly) },
      total: { start: starts.total, spentNano: nano(s?.total) },
    },
  };
}

/** Hydrates scopes once at a time per scope, whoever asks. */
export class Hydrator {
  private running = new Map<string, Promise<void>>();

  constructor(
    private readonly sql: SqlQuery,
    private readonly store: Store,
  ) {}

  hydrate(scopes: Array<{ spec: ScopeSpec; layout: ScopeLayout }>, now: number): Promise<void> {
    return Promise.all(
      scopes.map(({ spec, layout }) => {
        const id = `${spec.scope}|${spec.signature}`;
        let job = this.running.get(id);
        if (!job) {
          job = (async () => {
            const data = await loadHydration(this.sql, spec, layout, now);
            await this.store.hydrate(spec, data, now);
          })().finally(() => this.running.delete(id));
          this.running.set(id, job);
        }
        return job;
      }),
    ).then(() => undefined);
  }
}
