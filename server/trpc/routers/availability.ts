/**
 * availability.*: how providers and models are doing (manual §7.5): success rate, TTFB and
 * duration p50/p95/p99, failures by error class, over the last hour (from the log, 5-minute
 * steps), 24 hours or 7 days (from the rollups), and each provider's breaker: its state now
 * (the store) and its open/close history (breaker_events, recorded by the breaker watch).
 * Admins only: members never see providers.
 */
import { z } from "zod";
import { availabilitySpan } from "../../db/periods.ts";
import { loadNames } from "../../db/names.ts";
import { logAvailability, percentile, ROLLUP_BUCKET_MS, rollupAvailability, type Availability, type LatencyTotals } from "../../db/rollups.ts";
import { adminProcedure, router } from "../trpc.ts";

const latencyStats = z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() });

const figures = z.object({
  requests: z.number(),
  served: z.number(),
  failures: z.number(),
  /** Served requests that succeeded, 0..1 (null when none was served). */
  successRate: z.number().nullable(),
  ttfbMs: latencyStats,
  durationMs: latencyStats,
});

function toFigures(t: LatencyTotals): z.infer<typeof figures> {
  const stats = (h: number[]) => ({ p50: percentile(h, 0.5), p95: percentile(h, 0.95), p99: percentile(h, 0.99) });
  return {
    requests: t.requests,
    served: t.served,
    failures: t.failures,
    successRate: t.served > 0 ? (t.served - t.failures) / t.served : null,
    ttfbMs: stats(t.ttfbHist),
    durationMs: stats(t.durationHist),
  };
}

const BREAKER_STATES = ["closed", "open", "half_open"] as const;
/** Breaker history shown per provider. */
const HISTORY_LIMIT = 20;

export const availabilityRouter = router({
  get: adminProcedure
    .meta({ openapi: { method: "POST", path: "/availability/get", tags: ["availability"], summary: "Success, latency and errors per provider or model", protect: true } })
    .input(
      z
        .object({ dimension: z.enum(["provider", "model"]).default("provider"), span: z.enum(["1h", "24h", "7d"]).default("24h") })
        .default({ dimension: "provider", span: "24h" }),
    )
    .output(
      z.object({
        from: z.string(),
        to: z.string(),
        stepMs: z.number(),
        /** Every step's start, empty ones included, so charts keep a continuous axis. */
        steps: z.array(z.string()),
        items: z.array(
          figures.extend({
            ref: z.string(),
            name: z.string(),
            errors: z.array(z.object({ errorClass: z.string(), count: z.number() })),
            series: z.array(z.object({ at: z.string(), requests: z.number(), failures: z.number(), successRate: z.number().nullable(), p95DurationMs: z.number().nullable(), p95TtfbMs: z.number().nullable() })),
          }),
        ),
      }),
    )
    .query(async ({ ctx, input }) => {
      const span = availabilitySpan(input.span, ctx.now());
      const data: Availability =
        input.span === "1h"
          ? await logAvailability(ctx.db, input.dimension, span.from, span.to, span.stepMs)
          : await rollupAvailability(ctx.db, input.dimension, span.from, span.to, { kind: "fixed", ms: span.stepMs });
      const names = input.dimension === "provider" ? await loadNames(ctx.db, { providers: data.members.map((m) => Number(m.ref)) }) : null;
      const items = data.members
        // Requests refused before any provider say nothing about a provider's or a model's health.
        .filter((m) => m.served > 0)
        .map((m) => ({
          ref: m.ref,
          name: names ? (names.providers.get(Number(m.ref)) ?? `#${m.ref}`) : m.ref,
          ...toFigures(m),
          errors: data.errors.filter((e) => e.ref === m.ref).slice(0, 20).map((e) => ({ errorClass: e.err, count: e.count })),
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
        .slice(0, 100);
      // The steps as the queries cut them: from `from` in the log, from its 15-minute bucket in the rollups.
      const origin = input.span === "1h" ? span.from : Math.floor(span.from / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
      const steps: string[] = [];
      for (let at = origin; at < span.to; at += span.stepMs) steps.push(new Date(at).toISOString());
      return { from: new Date(span.from).toISOString(), to: new Date(span.to).toISOString(), stepMs: span.stepMs, steps, items };
    }),

  breakers: adminProcedure
    .meta({ openapi: { method: "POST", path: "/availability/breakers", tags: ["availability"], summary: "Each provider's breaker now and its recent changes", protect: true } })
    .input(z.object({}).default({}))
    .output(
      z.object({
        items: z.array(
          z.object({
            providerId: z.number(),
            name: z.string(),
            state: z.enum(BREAKER_STATES),
            failures: z.number(),
            openUntil: z.string().nullable(),
            history: z.array(z.object({ at: z.string(), from: z.string(), to: z.string(), failures: z.number() })),
          }),
        ),
      }),
    )
    .query(async ({ ctx }) => {
      const now = ctx.now();
      const providers = await ctx.db.provider.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { id: "asc" }, take: 500 });
      const ids = providers.map((p) => p.id);
      const [status, events] = await Promise.all([
        ctx.store.breakerStatus(ids, now),
        // The newest changes per provider: one index range of (provider_id, at) each.
        ctx.db.$queryRaw<Array<{ provider_id: number; at: Date; from_state: string; to_state: string; failures: number }>>`
          SELECT e.provider_id, e.at, e.from_state, e.to_state, e.failures
          FROM unnest(${ids}::int[]) AS p(id)
          CROSS JOIN LATERAL (SELECT * FROM breaker_events WHERE provider_id = p.id ORDER BY at DESC LIMIT ${HISTORY_LIMIT}) e`,
      ]);
      const byId = new Map(status.map((s) => [s.providerId, s]));
      return {
        items: providers.map((p) => {
          const s = byId.get(p.id);
          return {
            providerId: p.id,
            name: p.name,
            state: s?.state ?? "closed",
            failures: s?.failures ?? 0,
            openUntil: s?.openUntil ? new Date(s.openUntil).toISOString() : null,
            history: events
              .filter((e) => e.provider_id === p.id)
              .map((e) => ({ at: e.at.toISOString(), from: e.from_state, to: e.to_state, failures: e.failures })),
          };
        }),
      };
    }),
});
