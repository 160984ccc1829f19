/**
 * The quotas page's work: every limit of users, keys and providers with what is used of it
 * right now, read from the same store counters the gateway admits against, and "reset total".
 *
 * The scopes are built exactly as the gateway builds them (buildScope with the key's effective
 * limits, the user's and the provider's own: see server/domain/quota/scopes.ts), so the page
 * shows the numbers that decide the next request. Counters the store does not hold yet (after a
 * restart, a flush, or a change of the window boundaries) are rebuilt from the usage ledger
 * first, as the gateway would before admitting.
 */
import type { ApiKey, User } from "../generated/prisma/client.ts";
import { toCachedKey, toLimits } from "../catalog/mappers.ts";
import type { Db, SqlQuery } from "../db/database.ts";
import { loadHydration } from "../domain/quota/hydrate.ts";
import { buildScope, effectiveKeyLimits } from "../domain/quota/scopes.ts";
import { everyWindow, keySources, ledgerUsage, toQuotaLimits, withFreesUp, type OldestSpend, type QuotaLimitView, type QuotaSubject } from "../domain/quota/usage-view.ts";
import type { ScopeUsage } from "../store/admission.ts";
import { hubError } from "../trpc/hub-errors.ts";
import { iso } from "../trpc/schemas.ts";
import type { Services } from "../trpc/trpc.ts";

/** What measuring needs: the database (ledger), the store (counters), the settings, the clock. */
export type QuotaDeps = Pick<Services, "db" | "store" | "catalog" | "now" | "logger">;

/** A user, key or provider with its limits and their use, as the quotas page lists it. */
export interface QuotaEntityView {
  id: number;
  name: string;
  isEnabled: boolean;
  /** The store scope: "u:<id>", "k:<id>" or "p:<id>". */
  scope: string;
  userId: number | null;
  userName: string | null;
  providerType: string | null;
  totalCostResetAt: string | null;
  /** "ledger" while the store is unreachable: settled spend only; in-flight use and RPM unknown (0). */
  measuredFrom: "store" | "ledger";
  limits: QuotaLimitView[];
}

export interface QuotaList {
  timezone: string;
  items: QuotaEntityView[];
}

type Measured = { limits: QuotaLimitView[]; from: "store" | "ledger" };

/** Prisma as the SqlQuery the hydration queries expect (the tRPC context has no raw pool). */
function sqlOf(db: Db): SqlQuery {
  return <T,>(text: string, params: unknown[] = []) => db.$queryRawUnsafe<T[]>(text, ...params);
}

/** Usage of every scope, hydrating from the ledger those whose counters the store does not trust. */
async function measure(deps: QuotaDeps, subjects: QuotaSubject[]): Promise<Map<string, Measured>> {
  const now = deps.now();
  const timeZone = deps.catalog.settings().timezone;
  const built = subjects.map((s) => ({ subject: s, ...buildScope(s.scope, everyWindow(s.limits), timeZone, now) }));
  if (!built.length) return new Map();
  const sql = sqlOf(deps.db);
  let usage: ScopeUsage[];
  let from: Measured["from"] = "store";
  try {
    usage = await deps.store.usage(built.map((b) => b.spec), now);
    const cold = built.filter((_, i) => !usage[i]?.hydrated);
    if (cold.length) {
      await Promise.all(cold.map(async ({ spec, layout }) => deps.store.hydrate(spec, await loadHydration(sql, spec, layout, now), now)));
      usage = await deps.store.usage(built.map((b) => b.spec), now);
    }
  } catch (error) {
    // The store is unreachable: the ledger still knows every settled cost (not what is in
    // flight, nor requests per minute), which is better than no page at all.
    deps.logger.warn({ err: (error as Error).message }, "quota counters unavailable; reading spend from the usage ledger");
    usage = await Promise.all(built.map(async ({ spec, layout }) => ledgerUsage(spec, await loadHydration(sql, spec, layout, now))));
    from = "ledger";
  }
  const oldest = await oldestSpend(deps.db, subjects.map((s) => s.scope), now);
  return new Map(
    built.map(({ subject, spec }, i) => [subject.scope, { limits: withFreesUp(toQuotaLimits(subject, spec, usage[i]), spec, oldest.get(subject.scope)), from }]),
  );
}

const LEDGER_COLUMN: Record<string, string> = { u: "user_id", k: "key_id", p: "provider_id" };

/**
 * The oldest priced request of each scope within the last 5 hours and 24 hours (the rolling
 * windows), from the ledger in one query per kind of scope: what leaves a rolling window first.
 */
async function oldestSpend(db: Db, scopes: string[], now: number): Promise<Map<string, OldestSpend>> {
  const out = new Map<string, OldestSpend>();
  const since5h = new Date(now - 5 * 3_600_000);
  const since24h = new Date(now - 24 * 3_600_000);
  for (const [prefix, column] of Object.entries(LEDGER_COLUMN)) {
    const ids = scopes.filter((s) => s.startsWith(`${prefix}:`)).map((s) => Number(s.slice(2)));
    if (!ids.length) continue;
    const rows = await db.$queryRawUnsafe<Array<{ id: number; m5: Date | null; m24: Date | null }>>(
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

/** The entity's fields that come from measuring; a scope measuring did not reach shows no limits. */
const view = (m: Measured | undefined) => ({ measuredFrom: m?.from ?? ("store" as const), limits: m?.limits ?? [] });

const displayName = (name: string) => name.replace(/#deleted-\d+$/, "");

function keySubject(deps: Pick<QuotaDeps, "catalog">, row: ApiKey & { user: User }): QuotaSubject {
  const cached = toCachedKey(row);
  const defaults = deps.catalog.settings().defaultLimits;
  return { scope: `k:${row.id}`, limits: effectiveKeyLimits(cached, defaults), sources: keySources(cached.limits, cached.user.limits, defaults) };
}

async function userEntities(deps: QuotaDeps, rows: User[]): Promise<QuotaEntityView[]> {
  const subjects = rows.map((row): QuotaSubject => ({ scope: `u:${row.id}`, limits: toLimits(row) }));
  const measured = await measure(deps, subjects);
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

async function keyEntities(deps: QuotaDeps, rows: Array<ApiKey & { user: User }>): Promise<QuotaEntityView[]> {
  const subjects = rows.map((row) => keySubject(deps, row));
  const measured = await measure(deps, subjects);
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

const nameContains = (search: string | undefined) => (search ? { name: { contains: search, mode: "insensitive" as const } } : {});

/** Every user (not deleted) whose name contains `search`, by id. */
export async function listUserQuotas(deps: QuotaDeps, filter: { search?: string }): Promise<QuotaList> {
  const rows = await deps.db.user.findMany({ where: { deletedAt: null, ...nameContains(filter.search) }, orderBy: { id: "asc" } });
  return { timezone: deps.catalog.settings().timezone, items: await userEntities(deps, rows) };
}

/** Every key (not deleted, of a user not deleted) with its effective limits, by user then id. */
export async function listKeyQuotas(deps: QuotaDeps, filter: { userId?: number; search?: string }): Promise<QuotaList> {
  const rows = await deps.db.apiKey.findMany({
    where: {
      deletedAt: null,
      user: { deletedAt: null },
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...nameContains(filter.search),
    },
    include: { user: true },
    orderBy: [{ userId: "asc" }, { id: "asc" }],
  });
  return { timezone: deps.catalog.settings().timezone, items: await keyEntities(deps, rows) };
}

/** Every provider (not deleted) with its own limits, in priority order. */
export async function listProviderQuotas(deps: QuotaDeps, filter: { search?: string }): Promise<QuotaList> {
  const rows = await deps.db.provider.findMany({
    where: { deletedAt: null, ...nameContains(filter.search) },
    orderBy: [{ priority: "asc" }, { id: "asc" }],
  });
  // providerScope() takes the cached provider, whose limits are toLimits(row): the same spec,
  // without decrypting every upstream secret just to read limits.
  const subjects = rows.map((row): QuotaSubject => ({ scope: `p:${row.id}`, limits: toLimits(row) }));
  const measured = await measure(deps, subjects);
  return {
    timezone: deps.catalog.settings().timezone,
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
}

/** A key's limits and its user's, for the key's own /my-usage page. */
export async function keyAndUserQuotas(deps: QuotaDeps, keyId: number): Promise<{ key: QuotaEntityView; user: QuotaEntityView }> {
  const row = await deps.db.apiKey.findUnique({ where: { id: keyId }, include: { user: true } });
  if (!row) throw hubError("NOT_FOUND", "keyGone");
  const [key] = await keyEntities(deps, [row]);
  const [user] = await userEntities(deps, [row.user]);
  return { key, user };
}

export type ResetTarget = "user" | "key" | "provider";

/**
 * "Reset total": spend before now no longer counts toward the target's total limit. Only the
 * row's reset instant moves; the usage ledger is append-only and stays as it is. Returns the
 * instants before and after, for the audit log.
 */
export async function resetTotal(
  deps: Pick<Services, "db" | "store" | "catalog" | "now">,
  target: ResetTarget,
  id: number,
): Promise<{ before: Date | null; at: Date }> {
  const at = new Date(deps.now());
  const where = { id, deletedAt: null };
  const notFound = () => hubError("NOT_FOUND", "resetTargetNotFound", { target, id });
  let before: Date | null;
  switch (target) {
    case "user": {
      const row = await deps.db.user.findFirst({ where });
      if (!row) throw notFound();
      before = row.totalCostResetAt;
      await deps.db.user.update({ where: { id }, data: { totalCostResetAt: at } });
      await deps.catalog.invalidate({ kind: "user", id });
      break;
    }
    case "key": {
      const row = await deps.db.apiKey.findFirst({ where });
      if (!row) throw notFound();
      before = row.totalCostResetAt;
      await deps.db.apiKey.update({ where: { id }, data: { totalCostResetAt: at } });
      await deps.catalog.invalidate({ kind: "key", id });
      break;
    }
    case "provider": {
      const row = await deps.db.provider.findFirst({ where });
      if (!row) throw notFound();
      before = row.totalCostResetAt;
      await deps.db.provider.update({ where: { id }, data: { totalCostResetAt: at } });
      await deps.catalog.invalidate({ kind: "providers" });
      break;
    }
  }
  // The new reset instant changes the scope's signature, so its counters would be rebuilt
  // anyway; forgetting them now also covers an instance still holding the old limits.
  // (A user's keys clip their total at the user's reset too; their signatures change with it.)
  const scope = `${target === "user" ? "u" : target === "key" ? "k" : "p"}:${id}`;
  await deps.store.resetScope(scope);
  return { before, at };
}
