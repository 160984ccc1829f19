/**
 * overview.get: the dashboard's front page — requests, tokens, cost and error rate over today /
 * 7 days / 30 days in steps, split by model or provider; the top users, models and providers;
 * what is in flight now. Figures come from usage_rollup (decision 0021), never from the log.
 *
 * A member sees their own user's series and totals only, and themselves as the only top user:
 * no split (the rollup's model and provider rows are the team's), no other lists, no concurrency.
 */
import { z } from "zod";
import { HOUR_MS, overviewSpan } from "../../db/periods.ts";
import { dailyWindowStart } from "../../domain/quota/windows.ts";
import { loadNames } from "../../db/names.ts";
import { addTotals, EMPTY_TOTALS, rollupByRef, rollupSeries, totalTokens, type Totals } from "../../db/rollups.ts";
import { dashboardProcedure, isAdmin, router } from "../trpc.ts";

/** Members of the split shown by name; the rest are summed as "other". */
const SPLIT_TOP = 6;
const TOP_N = 5;

const point = z.object({ requests: z.number(), tokens: z.number(), costUsd: z.number(), errors: z.number() });
const topEntry = z.object({ id: z.string(), name: z.string(), requests: z.number(), tokens: z.number(), costUsd: z.number() });

const figuresOf = (t: Totals) => ({ requests: t.requests, tokens: totalTokens(t), costUsd: t.costUsd, errors: t.failures + t.refused });

export const overviewRouter = router({
  get: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/overview/get", tags: ["overview"], summary: "Usage over time, split, top lists and live concurrency", protect: true } })
    .input(
      z
        .object({ span: z.enum(["today", "7d", "30d"]).default("today"), split: z.enum(["model", "provider"]).default("model") })
        .default({ span: "today", split: "model" }),
    )
    .output(
      z.object({
        timezone: z.string(),
        span: z.enum(["today", "7d", "30d"]),
        from: z.string(),
        to: z.string(),
        /** "day" steps are local calendar days; else the step length in ms. */
        step: z.union([z.literal("day"), z.number()]),
        restricted: z.boolean(),
        totals: point.extend({ inputTokens: z.number(), outputTokens: z.number(), cacheTokens: z.number(), errorRate: z.number().nullable() }),
        series: z.array(point.extend({ at: z.string() })),
        split: z.object({
          by: z.enum(["model", "provider"]),
          keys: z.array(z.object({ id: z.string(), name: z.string() })),
          series: z.array(z.object({ at: z.string(), values: z.record(z.string(), point) })),
        }),
        top: z.object({ users: z.array(topEntry), models: z.array(topEntry), providers: z.array(topEntry) }),
        live: z.object({ inFlightRequests: z.number(), activeSessions: z.number() }).nullable(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const timezone = ctx.catalog.settings().timezone;
      const now = ctx.now();
      const span = overviewSpan(input.span, now, timezone);
      const admin = isAdmin(ctx.viewer);
      const self = ctx.viewer.kind === "user" ? String(ctx.viewer.userId) : "";
      const dim = admin ? "all" : "user";

      const [whole, split, users, models, providers] = await Promise.all([
        rollupSeries(ctx.db, dim, span.from, span.to, span.step, admin ? undefined : [self]),
        admin ? rollupSeries(ctx.db, input.split, span.from, span.to, span.step) : [],
        // A member's "top users" is their own line.
        rollupByRef(ctx.db, "user", span.from, span.to, admin ? undefined : [self]),
        admin ? rollupByRef(ctx.db, "model", span.from, span.to) : [],
        admin ? rollupByRef(ctx.db, "provider", span.from, span.to) : [],
      ]);
      const mine = whole.filter((p) => admin || p.ref === self);

      // The steps of the span, empty ones included, so the chart's axis is continuous.
      const steps: number[] = [];
      if (span.step.kind === "fixed") for (let at = span.from; at < span.to; at += span.step.ms) steps.push(at);
      // Local days are 23 to 25 hours long: 26 h after a midnight is always within the next day.
  else for (let at = span.from; at < span.to; at = dailyWindowStart(at + 26 * HOUR_MS, timezone)) steps.push(at);
      const byStep = new Map(mine.map((p) => [p.at, p]));
      const totals = mine.reduce<Totals>((sum, p) => addTotals(sum, p), { ...EMPTY_TOTALS });

      const byRef = new Map<string, Totals>();
      for (const p of split) byRef.set(p.ref, addTotals(byRef.get(p.ref) ?? EMPTY_TOTALS, p));
      const shown = [...byRef.entries()].sort((a, b) => b[1].costUsd - a[1].costUsd || b[1].requests - a[1].requests).slice(0, SPLIT_TOP).map(([ref]) => ref);
      const shownSet = new Set(shown);
      const splitSeries = new Map<number, Record<string, ReturnType<typeof figuresOf>>>();
      for (const p of split) {
        const key = shownSet.has(p.ref) ? p.ref : "other";
        const values = splitSeries.get(p.at) ?? {};
        const before = values[key];
        const f = figuresOf(p);
        values[key] = before ? { requests: before.requests + f.requests, tokens: before.tokens + f.tokens, costUsd: before.costUsd + f.costUsd, errors: before.errors + f.errors } : f;
        splitSeries.set(p.at, values);
      }
      const hasOther = split.some((p) => !shownSet.has(p.ref));

      // Ranked by cost, then requests. A member whose requests all failed (cost $0) is still
      // listed: an admin looking for who is stuck needs to see them (issue 11).
      const sortTop = (rows: Array<Totals & { ref: string }>) =>
        rows.filter((r) => r.requests > 0).sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests).slice(0, TOP_N);
      const [topUsers, topModels, topProviders] = [sortTop(users), sortTop(models), sortTop(providers)];
      const names = await loadNames(ctx.db, {
        users: topUsers.map((r) => Number(r.ref)),
        providers: [...topProviders.map((r) => Number(r.ref)), ...(input.split === "provider" ? shown.map(Number) : [])],
      });
      const providerName = (ref: string) => names.providers.get(Number(ref)) ?? `#${ref}`;
      const entry = (name: (ref: string) => string) => (r: Totals & { ref: string }) => ({ id: r.ref, name: name(r.ref), requests: r.requests, tokens: totalTokens(r), costUsd: r.costUsd });

      let live = null;
      if (admin) {
        const ids = ctx.catalog.providers().map((p) => p.id).slice(0, 500);
        const [flights, activeSessions] = await Promise.all([
          Promise.all(ids.map((id) => ctx.store.inFlight(`p:${id}`, now).catch(() => ({ requests: 0 })))),
          ctx.db.sessionRollup.count({ where: { lastAt: { gte: new Date(now - ctx.env.SESSION_TTL * 1000) } } }),
        ]);
        live = { inFlightRequests: flights.reduce((s, f) => s + f.requests, 0), activeSessions };
      }

      const empty = { requests: 0, tokens: 0, costUsd: 0, errors: 0 };
      return {
        timezone,
        span: input.span,
        from: new Date(span.from).toISOString(),
        to: new Date(span.to).toISOString(),
        step: span.step.kind === "day" ? ("day" as const) : span.step.ms,
        restricted: !admin,
        totals: {
          ...figuresOf(totals),
          inputTokens: totals.inputTokens,
          outputTokens: totals.outputTokens,
          cacheTokens: totals.cacheReadTokens + totals.cacheCreationTokens,
          errorRate: totals.requests > 0 ? (totals.failures + totals.refused) / totals.requests : null,
        },
        series: steps.map((at) => {
          const p = byStep.get(at);
          return { at: new Date(at).toISOString(), ...(p ? figuresOf(p) : empty) };
        }),
        split: {
          by: input.split,
          keys: [...shown.map((ref) => ({ id: ref, name: input.split === "provider" ? providerName(ref) : ref })), ...(hasOther ? [{ id: "other", name: "other" }] : [])],
          series: admin ? steps.map((at) => ({ at: new Date(at).toISOString(), values: splitSeries.get(at) ?? {} })) : [],
        },
        top: {
          users: topUsers.map(entry((ref) => names.users.get(Number(ref)) ?? `#${ref}`)),
          models: topModels.map(entry((ref) => ref)),
          providers: topProviders.map(entry(providerName)),
        },
        live,
      };
    }),
});
