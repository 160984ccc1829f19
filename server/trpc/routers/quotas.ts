/**
 * quotas.*: every limit of users, keys and providers with what is used of it right now, read
 * from the same store counters the gateway admits against, and "reset total".
 *
 * The scopes are built exactly as the gateway builds them (buildScope with the key's effective
 * limits, the user's and the provider's own: see server/domain/quota/scopes.ts), so the page
 * shows the numbers that decide the next request. Counters the store does not hold yet (after a
 * restart, a flush, or a change of the window boundaries) are rebuilt from the usage ledger
 * first, as the gateway would before admitting.
 */
import { z } from "zod";
import type { ApiKey, User } from "../../generated/prisma/client.ts";
import { toCachedKey, toLimits } from "../../catalog/mappers.ts";
import type { Limits } from "../../catalog/types.ts";
import type { SqlQuery } from "../../db/database.ts";
import { loadHydration } from "../../domain/quota/hydrate.ts";
import { buildScope, effectiveKeyLimits } from "../../domain/quota/scopes.ts";
import { nanoToUsd } from "../../domain/money.ts";
import type { HydrationData, ScopeSpec, ScopeUsage, WindowKind } from "../../store/admission.ts";
import { audit } from "../audit.ts";
import { iso } from "../schemas.ts";
import { adminProcedure, router, userProcedure, type TrpcContext } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

export const QUOTA_KINDS = ["rpm", "5h", "daily", "weekly", "monthly", "total", "concurrentSessions"] as const;
type QuotaKind = (typeof QUOTA_KINDS)[number];

const quotaLimit = z.object({
  kind: z.enum(QUOTA_KINDS),
  unit: z.enum(["requests", "usd", "sessions"]).describe("requests per minute, USD, or sessions in flight"),
  used: z.number().describe("Settled use: requests in the last 60 s, USD spent in the window, or sessions in flight"),
  reserved: z.number().describe("USD held by requests in flight (money windows only)"),
  limit: z.number().nullable().describe("null: no limit"),
  /** Where a key's limit comes from: its own, its user's, or the system default. */
  source: z.enum(["own", "user", "default"]).nullable(),
  mode: z.enum(["rolling", "fixed"]).nullable().describe("rolling: a sliding window; fixed: a calendar window; null: total and concurrency"),
  resetTime: z.string().nullable().describe("Daily fixed windows: the local time of day (HH:mm) they reset at"),
  windowStart: z.string().nullable().describe("Fixed windows: when the current one began; total: the last reset"),
  resetAt: z.string().nullable().describe("When a fixed window resets; null for rolling windows, total and concurrency"),
  freesUpAt: z
    .string()
    .nullable()
    .describe("When room comes back: a fixed window's reset, or when a rolling window's oldest spend leaves it (to its 5- or 15-minute bucket); null if nothing is spent or never"),
});

const quotaEntity = z.object({
  id: z.number(),
  name: z.string(),
  isEnabled: z.boolean(),
  /** The store scope: "u:<id>", "k:<id>" or "p:<id>". */
  scope: z.string(),
  userId: z.number().nullable(),
  userName: z.string().nullable(),
  providerType: z.string().nullable(),
  totalCostResetAt: z.string().nullable(),
  /** "ledger" while the store is unreachable: settled spend only; in-flight use and RPM unknown (0). */
  measuredFrom: z.enum(["store", "ledger"]),
  limits: z.array(quotaLimit),
});

export type QuotaEntity = z.infer<typeof quotaEntity>;
type QuotaLimit = z.infer<typeof quotaLimit>;

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

type LimitSource = "own" | "user" | "default";

/** A scope to measure: its name, the limits the gateway applies, and (keys) where each came from. */
interface Subject {
  scope: string;
  limits: Limits;
  sources?: Partial<Record<QuotaKind, LimitSource | null>>;
}

/**
 * A stand-in limit for windows that have none. The store only reports windows that are in the
 * spec; giving every window a (never reached) limit lets the page show the spend of unlimited
 * windows too. The signature — the only thing that decides whether counters are trusted — does
 * not depend on limits, so these specs read exactly the counters the gateway writes.
 */
const NO_LIMIT_NANO = Number.MAX_SAFE_INTEGER;

function everyWindow(limits: Limits): Limits {
  return {
    ...limits,
    fiveHourNano: limits.fiveHourNano ?? NO_LIMIT_NANO,
    dailyNano: limits.dailyNano ?? NO_LIMIT_NANO,
    weeklyNano: limits.weeklyNano ?? NO_LIMIT_NANO,
    monthlyNano: limits.monthlyNano ?? NO_LIMIT_NANO,
    totalNano: limits.totalNano ?? NO_LIMIT_NANO,
  };
}

const MONEY_LIMIT: Record<WindowKind, keyof Limits> = {
  "5h": "fiveHourNano",
  daily: "dailyNano",
  weekly: "weeklyNano",
  monthly: "monthlyNano",
  total: "totalNano",
};

/** Prisma as the SqlQuery the hydration queries expect (the tRPC context has no raw pool). */
function sqlOf(ctx: Pick<TrpcContext, "db">): SqlQuery {
  return <T,>(text: string, params: unknown[] = []) => ctx.db.$queryRawUnsafe<T[]>(text, ...params);
}

type Measured = { limits: QuotaLimit[]; from: "store" | "ledger" };
type MeasureContext = Pick<TrpcContext, "db" | "store" | "catalog" | "now" | "logger">;

/** Usage of every scope, hydrating from the ledger those whose counters the store does not trust. */
async function measure(ctx: MeasureContext, subjects: Subject[]): Promise<Map<string, Measured>> {
  const now = ctx.now();
  const timeZone = ctx.catalog.settings().timezone;
  const built = subjects.map((s) => ({ subject: s, ...buildScope(s.scope, everyWindow(s.limits), timeZone, now) }));
  if (!built.length) return new Map();
  const sql = sqlOf(ctx);
  let usage: ScopeUsage[];
  let from: Measured["from"] = "store";
  try {
    usage = await ctx.store.usage(built.map((b) => b.spec), now);
    const cold = built.filter((_, i) => !usage[i]?.hydrated);
    if (cold.length) {
      await Promise.all(cold.map(async ({ spec, layout }) => ctx.store.hydrate(spec, await loadHydration(sql, spec, layout, now), now)));
      usage = await ctx.store.usage(built.map((b) => b.spec), now);
    }
  } catch (error) {
    // The store is unreachable: the ledger still knows every settled cost (not what is in
    // flight, nor requests per minute), which is better than no page at all.
    ctx.logger.warn({ err: (error as Error).message }, "quota counters unavailable; reading spend from the usage ledger");
    usage = await Promise.all(built.map(async ({ spec, layout }) => ledgerUsage(spec, await loadHydration(sql, spec, layout, now))));
    from = "ledger";
  }
  const oldest = await oldestSpend(ctx, subjects.map((s) => s.scope), now);
  return new Map(
    built.map(({ subject, spec }, i) => [subject.scope, { limits: withFreesUp(toQuotaLimits(subject, spec, usage[i]), spec, oldest.get(subject.scope)), from }]),
  );
}

const LEDGER_COLUMN: Record<string, string> = { u: "user_id", k: "key_id", p: "provider_id" };

/**
 * The oldest priced request of each scope within the last 5 hours and 24 hours (the rolling
 * windows), from the ledger in one query per kind of scope: what leaves a rolling window first.
 */
async function oldestSpend(ctx: MeasureContext, scopes: string[], now: number): Promise<Map<string, { fiveHour: number | null; day: number | null }>> {
  const out = new Map<string, { fiveHour: number | null; day: number | null }>();
  const since5h = new Date(now - 5 * 3_600_000);
  const since24h = new Date(now - 24 * 3_600_000);
  for (const [prefix, column] of Object.entries(LEDGER_COLUMN)) {
    const ids = scopes.filter((s) => s.startsWith(`${prefix}:`)).map((s) => Number(s.slice(2)));
    if (!ids.length) continue;
    const rows = await ctx.db.$queryRawUnsafe<Array<{ id: number; m5: Date | null; m24: Date | null }>>(
      `SELECT ${column} AS id,
              min(created_at) FILTER (WHERE created_at >= $1) AS m5,
              min(created_at) AS m24
         FROM usage_ledger
        WHERE created_at >= $2 AND created_at <= $3 AND cost_usd > 0 AND ${column} = ANY($4::int[])
        GROUP BY ${column}`,
      since5h,
      since24h,
      new Date(now),
      ids,
    );
    for (const row of rows) out.set(`${prefix}:${row.id}`, { fiveHour: row.m5?.getTime() ?? null, day: row.m24?.getTime() ?? null });
  }
  return out;
}

/** Rolling windows: room comes back when the bucket of the oldest spend in them slides out. */
function withFreesUp(limits: QuotaLimit[], spec: ScopeSpec, oldest: { fiveHour: number | null; day: number | null } | undefined): QuotaLimit[] {
  return limits.map((limit) => {
    if (limit.mode !== "rolling" || (limit.kind !== "5h" && limit.kind !== "daily")) return limit;
    const window = spec.windows.find((w) => w.kind === limit.kind);
    const first = limit.kind === "5h" ? oldest?.fiveHour : oldest?.day;
    if (!window?.lengthMs || !window.bucketMs || !first) return limit;
    const bucketEnd = Math.floor(first / window.bucketMs) * window.bucketMs + window.bucketMs;
    return { ...limit, freesUpAt: new Date(bucketEnd + window.lengthMs).toISOString() };
  });
}

/** A scope's usage computed from ledger sums alone (rolling windows: the buckets that overlap them). */
function ledgerUsage(spec: ScopeSpec, data: HydrationData): ScopeUsage {
  const sum = (buckets: Record<number, number> | undefined) => Object.values(buckets ?? {}).reduce((a, b) => a + b, 0);
  return {
    scope: spec.scope,
    hydrated: false,
    windows: spec.windows.map((w) => ({
      kind: w.kind,
      spentNano: w.lengthMs !== undefined ? sum(data.buckets[w.kind === "5h" ? "5h" : "daily"]) : (data.fixed[w.kind as "daily" | "weekly" | "monthly" | "total"]?.spentNano ?? 0),
      reservedNano: 0,
      limitNano: w.limitNano,
      resetAt: w.end ?? null,
    })),
    rpm: { used: 0, max: spec.rpm },
    concurrentSessions: { used: 0, max: spec.concurrentSessions },
  };
}

function toQuotaLimits(subject: Subject, spec: ScopeSpec, usage: ScopeUsage | undefined): QuotaLimit[] {
  const { limits } = subject;
  const source = (kind: QuotaKind) => subject.sources?.[kind] ?? null;
  const isoOrNull = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : new Date(ms).toISOString());
  const rows: QuotaLimit[] = [
    {
      kind: "rpm",
      unit: "requests",
      used: usage?.rpm.used ?? 0,
      reserved: 0,
      limit: limits.rpm,
      source: source("rpm"),
      mode: "rolling",
      resetTime: null,
      windowStart: null,
      resetAt: null,
      freesUpAt: null,
    },
  ];
  for (const window of spec.windows) {
    const measured = usage?.windows.find((w) => w.kind === window.kind);
    const limitNano = limits[MONEY_LIMIT[window.kind]] as number | null;
    const rolling = window.lengthMs !== undefined;
    rows.push({
      kind: window.kind,
      unit: "usd",
      used: nanoToUsd(measured?.spentNano ?? 0),
      reserved: nanoToUsd(measured?.reservedNano ?? 0),
      limit: limitNano === null ? null : nanoToUsd(limitNano),
      source: source(window.kind),
      mode: window.kind === "total" ? null : rolling ? "rolling" : "fixed",
      resetTime: window.kind === "daily" && !rolling ? limits.dailyResetTime : null,
      windowStart: window.kind === "total" ? isoOrNull(limits.totalResetAt) : isoOrNull(window.start),
      resetAt: isoOrNull(window.end),
      freesUpAt: rolling ? null : window.kind === "total" ? null : isoOrNull(window.end),
    });
  }
  rows.push({
    kind: "concurrentSessions",
    unit: "sessions",
    used: usage?.concurrentSessions.used ?? 0,
    reserved: 0,
    limit: limits.concurrentSessions,
    source: source("concurrentSessions"),
    mode: null,
    resetTime: null,
    windowStart: null,
    resetAt: null,
    freesUpAt: null,
  });
  return rows;
}

/** Which level each of a key's effective limits comes from (same order as effectiveKeyLimits). */
function keySources(own: Limits, user: Limits, defaults: Limits): Subject["sources"] {
  const from = (field: keyof Limits): LimitSource | null =>
    own[field] !== null ? "own" : user[field] !== null ? "user" : defaults[field] !== null ? "default" : null;
  return {
    rpm: from("rpm"),
    "5h": from("fiveHourNano"),
    daily: from("dailyNano"),
    weekly: from("weeklyNano"),
    monthly: from("monthlyNano"),
    total: from("totalNano"),
    concurrentSessions: from("concurrentSessions"),
  };
}

const view = (m: Measured | undefined) => ({ measuredFrom: m?.from ?? ("store" as const), limits: m?.limits ?? [] });

const displayName = (name: string) => name.replace(/#deleted-\d+$/, "");

function userSubject(row: User): Subject {
  return { scope: `u:${row.id}`, limits: toLimits(row) };
}

function keySubject(ctx: Pick<TrpcContext, "catalog">, row: ApiKey & { user: User }): Subject {
  const cached = toCachedKey(row);
  const defaults = ctx.catalog.settings().defaultLimits;
  return { scope: `k:${row.id}`, limits: effectiveKeyLimits(cached, defaults), sources: keySources(cached.limits, cached.user.limits, defaults) };
}

async function userEntities(ctx: MeasureContext, rows: User[]): Promise<QuotaEntity[]> {
  const subjects = rows.map(userSubject);
  const measured = await measure(ctx, subjects);
  return rows.map((row, i) => ({
    id: row.id,
    name: row.name,
    isEnabled: row.isEnabled,
    scope: subjects[i].scope,
    userId: row.id,
    userName: row.name,
    providerType: null,
    totalCostResetAt: iso(row.totalCostResetAt),
    ...view(measured.get(subjects[i].scope)),
  }));
}

async function keyEntities(ctx: MeasureContext, rows: Array<ApiKey & { user: User }>): Promise<QuotaEntity[]> {
  const subjects = rows.map((row) => keySubject(ctx, row));
  const measured = await measure(ctx, subjects);
  return rows.map((row, i) => ({
    id: row.id,
    name: row.name,
    isEnabled: row.isEnabled && row.user.isEnabled,
    scope: subjects[i].scope,
    userId: row.userId,
    userName: displayName(row.user.name),
    providerType: null,
    // The key's total window starts at the later of its own reset and its user's.
    totalCostResetAt: iso(row.totalCostResetAt),
    ...view(measured.get(subjects[i].scope)),
  }));
}

// ---------------------------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------------------------

const listOutput = z.object({ timezone: z.string(), items: z.array(quotaEntity) });
const search = z.string().trim().max(100).optional().describe("Name contains (case-insensitive)");
const RESET_TARGET = z.enum(["user", "key", "provider"]);

export const quotasRouter = router({
  users: adminProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/users", tags: ["quotas"], summary: "Every user's limits with current use and reset times", protect: true } })
    .input(z.object({ search }).default({}))
    .output(listOutput)
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.user.findMany({
        where: { deletedAt: null, ...(input.search ? { name: { contains: input.search, mode: "insensitive" as const } } : {}) },
        orderBy: { id: "asc" },
      });
      return { timezone: ctx.catalog.settings().timezone, items: await userEntities(ctx, rows) };
    }),

  keys: adminProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/keys", tags: ["quotas"], summary: "Every API key's effective limits (own, user's or default) with current use", protect: true } })
    .input(z.object({ userId: z.number().int().optional(), search }).default({}))
    .output(listOutput)
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.apiKey.findMany({
        where: {
          deletedAt: null,
          user: { deletedAt: null },
          ...(input.userId ? { userId: input.userId } : {}),
          ...(input.search ? { name: { contains: input.search, mode: "insensitive" as const } } : {}),
        },
        include: { user: true },
        orderBy: [{ userId: "asc" }, { id: "asc" }],
      });
      return { timezone: ctx.catalog.settings().timezone, items: await keyEntities(ctx, rows) };
    }),

  providers: adminProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/providers", tags: ["quotas"], summary: "Every provider's own limits with current use", protect: true } })
    .input(z.object({ search }).default({}))
    .output(listOutput)
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.provider.findMany({
        where: { deletedAt: null, ...(input.search ? { name: { contains: input.search, mode: "insensitive" as const } } : {}) },
        orderBy: [{ priority: "asc" }, { id: "asc" }],
      });
      // providerScope() takes the cached provider, whose limits are toLimits(row): the same spec,
      // without decrypting every upstream secret just to read limits.
      const subjects = rows.map((row): Subject => ({ scope: `p:${row.id}`, limits: toLimits(row) }));
      const measured = await measure(ctx, subjects);
      return {
        timezone: ctx.catalog.settings().timezone,
        items: rows.map((row, i) => ({
          id: row.id,
          name: row.name,
          isEnabled: row.isEnabled,
          scope: subjects[i].scope,
          userId: null,
          userName: null,
          providerType: row.providerType,
          totalCostResetAt: iso(row.totalCostResetAt),
          ...view(measured.get(subjects[i].scope)),
        })),
      };
    }),

  mine: userProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/mine", tags: ["quotas"], summary: "The caller's key and user limits with current use", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ timezone: z.string(), key: quotaEntity.nullable(), user: quotaEntity.nullable() }))
    .query(async ({ ctx }) => {
      const timezone = ctx.catalog.settings().timezone;
      // The admin token belongs to no user and has no key: nothing limits it.
      if (ctx.viewer.kind !== "user") return { timezone, key: null, user: null };
      const row = await ctx.db.apiKey.findUnique({ where: { id: ctx.viewer.keyId }, include: { user: true } });
      if (!row) throw hubError("NOT_FOUND", "keyGone");
      const [key] = await keyEntities(ctx, [row]);
      const [user] = await userEntities(ctx, [row.user]);
      return { timezone, key, user };
    }),

  resetTotal: adminProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/resetTotal", tags: ["quotas"], summary: "Reset a total limit: spend before now no longer counts (the ledger is kept)", protect: true } })
    .input(z.object({ target: RESET_TARGET, id: z.number().int() }))
    .output(z.object({ ok: z.literal(true), totalCostResetAt: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const at = new Date(ctx.now());
      const where = { id: input.id, deletedAt: null };
      const notFound = () => hubError("NOT_FOUND", "resetTargetNotFound", { target: input.target, id: input.id });
      let before: Date | null;
      // Only the row's reset instant moves; the usage ledger is append-only and stays as it is.
      switch (input.target) {
        case "user": {
          const row = await ctx.db.user.findFirst({ where });
          if (!row) throw notFound();
          before = row.totalCostResetAt;
          await ctx.db.user.update({ where: { id: input.id }, data: { totalCostResetAt: at } });
          await ctx.catalog.invalidate({ kind: "user", id: input.id });
          break;
        }
        case "key": {
          const row = await ctx.db.apiKey.findFirst({ where });
          if (!row) throw notFound();
          before = row.totalCostResetAt;
          await ctx.db.apiKey.update({ where: { id: input.id }, data: { totalCostResetAt: at } });
          await ctx.catalog.invalidate({ kind: "key", id: input.id });
          break;
        }
        case "provider": {
          const row = await ctx.db.provider.findFirst({ where });
          if (!row) throw notFound();
          before = row.totalCostResetAt;
          await ctx.db.provider.update({ where: { id: input.id }, data: { totalCostResetAt: at } });
          await ctx.catalog.invalidate({ kind: "providers" });
          break;
        }
      }
      // The new reset instant changes the scope's signature, so its counters would be rebuilt
      // anyway; forgetting them now also covers an instance still holding the old limits.
      // (A user's keys clip their total at the user's reset too; their signatures change with it.)
      const scope = `${input.target === "user" ? "u" : input.target === "key" ? "k" : "p"}:${input.id}`;
      await ctx.store.resetScope(scope);
      audit(ctx, "quotas.resetTotal", { type: input.target, id: input.id }, { before: { totalCostResetAt: iso(before) }, after: { totalCostResetAt: at.toISOString() } });
      return { ok: true as const, totalCostResetAt: at.toISOString() };
    }),
});
