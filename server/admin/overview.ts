/**
 * The dashboard front page's work: requests, tokens, cost and error rate over today / 7 days /
 * 30 days in steps, split by model or provider; the top users, models and providers; what is in
 * flight now. Figures come from usage_rollup (decision 0021), never from the log.
 *
 * A member sees their own user's series and totals only, and themselves as the only top user:
 * no split (the rollup's model and provider rows are the team's), no other lists, no concurrency.
 */
import { HOUR_MS, overviewSpan } from "../db/periods.ts";
import { dailyWindowStart } from "../domain/quota/windows.ts";
import { loadNames } from "../db/names.ts";
import { addTotals, EMPTY_TOTALS, rollupByRef, rollupSeries, totalTokens, type SeriesPoint, type Step, type Totals } from "../db/rollups.ts";
import { isAdmin, type Services, type Viewer } from "../trpc/trpc.ts";

/** Members of the split shown by name; the rest are summed as "other". */
const SPLIT_TOP = 6;
const TOP_N = 5;

/** One step's (or a whole span's) figures as the charts show them. */
export interface Figures {
  requests: number;
  tokens: number;
  costUsd: number;
  errors: number;
}

const EMPTY_FIGURES: Figures = { requests: 0, tokens: 0, costUsd: 0, errors: 0 };

export const figuresOf = (t: Totals): Figures => ({ requests: t.requests, tokens: totalTokens(t), costUsd: t.costUsd, errors: t.failures + t.refused });

/** The starts of the span's steps, empty ones included, so the chart's axis is continuous. */
export function spanSteps(from: number, to: number, step: Step, timeZone: string): number[] {
  const steps: number[] = [];
  if (step.kind === "fixed") for (let at = from; at < to; at += step.ms) steps.push(at);
  // Local days are 23 to 25 hours long: 26 h after a midnight is always within the next day.
  else for (let at = from; at < to; at = dailyWindowStart(at + 26 * HOUR_MS, timeZone)) steps.push(at);
  return steps;
}

/**
 * The split chart: the `SPLIT_TOP` members with the highest cost (then requests) over the span
 * by name, every other member summed per step as "other".
 */
export function foldSplit(points: SeriesPoint[]): { shown: string[]; byStep: Map<number, Record<string, Figures>>; hasOther: boolean } {
  const byRef = new Map<string, Totals>();
  for (const p of points) byRef.set(p.ref, addTotals(byRef.get(p.ref) ?? EMPTY_TOTALS, p));
  const shown = [...byRef.entries()].sort((a, b) => b[1].costUsd - a[1].costUsd || b[1].requests - a[1].requests).slice(0, SPLIT_TOP).map(([ref]) => ref);
  const shownSet = new Set(shown);
  const byStep = new Map<number, Record<string, Figures>>();
  for (const p of points) {
    const key = shownSet.has(p.ref) ? p.ref : "other";
    const values = byStep.get(p.at) ?? {};
    const before = values[key];
    const f = figuresOf(p);
    values[key] = before ? { requests: before.requests + f.requests, tokens: before.tokens + f.tokens, costUsd: before.costUsd + f.costUsd, errors: before.errors + f.errors } : f;
    byStep.set(p.at, values);
  }
  return { shown, byStep, hasOther: points.some((p) => !shownSet.has(p.ref)) };
}

/**
 * A top list: ranked by cost, then requests. A member whose requests all failed (cost $0) is
 * still listed: an admin looking for who is stuck needs to see them (issue 11).
 */
export function rankTop<T extends Totals & { ref: string }>(rows: T[]): T[] {
  return rows.filter((r) => r.requests > 0).sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests).slice(0, TOP_N);
}

export interface OverviewQuery {
  span: "today" | "7d" | "30d";
  split: "model" | "provider";
}

export async function overview(deps: Pick<Services, "db" | "store" | "catalog">, viewer: Viewer, query: OverviewQuery, clock: { now: number; sessionTtlSeconds: number }) {
  const timezone = deps.catalog.settings().timezone;
  const { now } = clock;
  const { db } = deps;
  const span = overviewSpan(query.span, now, timezone);
  const admin = isAdmin(viewer);
  const self = viewer.kind === "user" ? String(viewer.userId) : "";
  const dim = admin ? "all" : "user";

  const [whole, split, users, models, providers] = await Promise.all([
    rollupSeries(db, dim, span.from, span.to, span.step, admin ? undefined : [self]),
    admin ? rollupSeries(db, query.split, span.from, span.to, span.step) : [],
    // A member's "top users" is their own line.
    rollupByRef(db, "user", span.from, span.to, admin ? undefined : [self]),
    admin ? rollupByRef(db, "model", span.from, span.to) : [],
    admin ? rollupByRef(db, "provider", span.from, span.to) : [],
  ]);
  const mine = whole.filter((p) => admin || p.ref === self);

  const steps = spanSteps(span.from, span.to, span.step, timezone);
  const byStep = new Map(mine.map((p) => [p.at, p]));
  const totals = mine.reduce<Totals>((sum, p) => addTotals(sum, p), { ...EMPTY_TOTALS });
  const folded = foldSplit(split);

  const [topUsers, topModels, topProviders] = [rankTop(users), rankTop(models), rankTop(providers)];
  const names = await loadNames(db, {
    users: topUsers.map((r) => Number(r.ref)),
    providers: [...topProviders.map((r) => Number(r.ref)), ...(query.split === "provider" ? folded.shown.map(Number) : [])],
  });
  const providerName = (ref: string) => names.providers.get(Number(ref)) ?? `#${ref}`;
  const entry = (name: (ref: string) => string) => (r: Totals & { ref: string }) => ({ id: r.ref, name: name(r.ref), requests: r.requests, tokens: totalTokens(r), costUsd: r.costUsd });

  let live = null;
  if (admin) {
    const ids = deps.catalog.providers().map((p) => p.id).slice(0, 500);
    const [flights, activeSessions] = await Promise.all([
      Promise.all(ids.map((id) => deps.store.inFlight(`p:${id}`, now).catch(() => ({ requests: 0 })))),
      db.sessionRollup.count({ where: { lastAt: { gte: new Date(now - clock.sessionTtlSeconds * 1000) } } }),
    ]);
    live = { inFlightRequests: flights.reduce((s, f) => s + f.requests, 0), activeSessions };
  }

  return {
    timezone,
    span: query.span,
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
      return { at: new Date(at).toISOString(), ...(p ? figuresOf(p) : EMPTY_FIGURES) };
    }),
    split: {
      by: query.split,
      keys: [
        ...folded.shown.map((ref) => ({ id: ref, name: query.split === "provider" ? providerName(ref) : ref })),
        ...(folded.hasOther ? [{ id: "other", name: "other" }] : []),
      ],
      series: admin ? steps.map((at) => ({ at: new Date(at).toISOString(), values: folded.byStep.get(at) ?? {} })) : [],
    },
    top: {
      users: topUsers.map(entry((ref) => names.users.get(Number(ref)) ?? `#${ref}`)),
      models: topModels.map(entry((ref) => ref)),
      providers: topProviders.map(entry(providerName)),
    },
    live,
  };
}
