/**
 * The users' work (the roster, a person's page, create/update/delete). Admins manage everyone; a
 * dashboard user sees only themself, without their provider group (a routing internal).
 */
import type { Prisma, User } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import { dailyWindowStart, monthStart } from "../domain/quota/windows.ts";
import { hubError } from "../trpc/hub-errors.ts";
import { limitData, type LimitInput, toUserView } from "../trpc/schemas.ts";
import { isAdmin, type Services, type Viewer } from "../trpc/trpc.ts";
import { conflictOnDuplicateName } from "./unique-name.ts";
import { usageSeries, type UsageDay } from "./usage-series.ts";

/** A create or update input as the router validated it (limits, policies and the rest pass through). */
export type UserInput = { id?: number; name?: string; expiresAt?: string | null } & LimitInput & Record<string, unknown>;

/** Input → Prisma data: limits in their columns, the expiry as a date. */
export function userData(input: UserInput): Record<string, unknown> {
  const { id: _id, expiresAt, ...rest } = input;
  const data: Record<string, unknown> = { ...rest, ...limitData(rest) };
  if (expiresAt !== undefined) data.expiresAt = expiresAt === null ? null : new Date(expiresAt);
  return data;
}

/** What the roster shows beside each user: spend today and this month (hub time zone), requests today, last request. */
export interface UserActivity {
  todayCostUsd: number;
  monthCostUsd: number;
  /** Every request today, failures included. */
  todayRequests: number;
  lastActiveAt: string | null;
}

export const NO_ACTIVITY: UserActivity = { todayCostUsd: 0, monthCostUsd: 0, todayRequests: 0, lastActiveAt: null };

/** The three grouped queries' rows that `activityOf` merges. */
export interface ActivityRows {
  spend: Array<{ user_id: number; today: Prisma.Decimal | null; month: Prisma.Decimal | null }>;
  requests: Array<{ userId: number | null; _count: { _all: number } }>;
  last: Array<{ userId: number | null; _max: { createdAt: Date | null } }>;
}

/** One activity per user that appears in any of the rows; users absent from all have none. */
export function mergeActivity(rows: ActivityRows): Map<number, UserActivity> {
  const out = new Map<number, UserActivity>();
  const entry = (id: number) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { ...NO_ACTIVITY }));
    return e;
  };
  for (const row of rows.spend) {
    const e = entry(row.user_id);
    e.todayCostUsd = Number(row.today?.toString() ?? 0);
    e.monthCostUsd = Number(row.month?.toString() ?? 0);
  }
  for (const row of rows.requests) if (row.userId !== null) entry(row.userId).todayRequests = row._count._all;
  for (const row of rows.last) if (row.userId !== null && row._max.createdAt) entry(row.userId).lastActiveAt = row._max.createdAt.toISOString();
  return out;
}

/** Spend from the usage ledger, requests and last activity from the request log (which also has the failures), in three grouped queries. */
async function activityOf(deps: Pick<Services, "db" | "catalog" | "now">, ids: number[]): Promise<Map<number, UserActivity>> {
  if (!ids.length) return new Map();
  const timeZone = deps.catalog.settings().timezone;
  const now = deps.now();
  const today = new Date(dailyWindowStart(now, timeZone));
  const month = new Date(monthStart(now, timeZone));
  const since = today < month ? today : month;
  const [spend, requests, last] = await Promise.all([
    deps.db.$queryRaw<ActivityRows["spend"]>`
      SELECT user_id,
             sum(cost_usd) FILTER (WHERE created_at >= ${today}) AS today,
             sum(cost_usd) FILTER (WHERE created_at >= ${month}) AS month
        FROM usage_ledger
       WHERE created_at >= ${since} AND user_id = ANY(${ids}::int[])
       GROUP BY user_id`,
    deps.db.requestLog.groupBy({ by: ["userId"], where: { userId: { in: ids }, createdAt: { gte: today } }, _count: { _all: true } }),
    deps.db.requestLog.groupBy({ by: ["userId"], where: { userId: { in: ids } }, _max: { createdAt: true } }),
  ]);
  return mergeActivity({ spend, requests, last });
}

/** A roster row; a member (`admin` false) does not see their provider group. */
export function toRosterItem(row: User & { _count: { keys: number } }, activity: UserActivity | undefined, admin: boolean) {
  return {
    ...toUserView(row),
    ...(admin ? {} : { providerGroup: null }),
    keyCount: row._count.keys,
    activity: activity ?? NO_ACTIVITY,
  };
}

/** The users (not deleted) the viewer may see, by id, with their key counts and activity. */
export async function listUsers(
  deps: Pick<Services, "db" | "catalog" | "now">,
  viewer: Viewer,
  filter: { search?: string; includeDisabled: boolean },
) {
  const where: Prisma.UserWhereInput = { deletedAt: null };
  if (!isAdmin(viewer) && viewer.kind === "user") where.id = viewer.userId;
  if (filter.search) where.name = { contains: filter.search, mode: "insensitive" };
  if (!filter.includeDisabled) where.isEnabled = true;
  const rows = await deps.db.user.findMany({
    where,
    orderBy: { id: "asc" },
    include: { _count: { select: { keys: { where: { deletedAt: null } } } } },
  });
  const activity = await activityOf(deps, rows.map((r) => r.id));
  const admin = isAdmin(viewer);
  return { items: rows.map((row) => toRosterItem(row, activity.get(row.id), admin)) };
}

const userNotFound = (id: number) => hubError("NOT_FOUND", "userNotFound", { id });

/** A user's requests, errors and cost per day. A member may only look at themself: another id is "not found", not "forbidden". */
export async function userUsage(
  deps: Pick<Services, "db" | "catalog" | "now">,
  viewer: Viewer,
  query: { userId: number; days: number },
): Promise<{ timezone: string; days: UsageDay[] }> {
  const self = viewer.kind === "user" && viewer.userId === query.userId;
  if (!isAdmin(viewer) && !self) throw userNotFound(query.userId);
  const exists = await deps.db.user.findFirst({ where: { id: query.userId, deletedAt: null }, select: { id: true } });
  if (!exists) throw userNotFound(query.userId);
  return { timezone: deps.catalog.settings().timezone, days: await usageSeries(deps, { userId: query.userId }, query.days) };
}

const duplicateName = conflictOnDuplicateName("userExists");

export async function createUser(db: Db, input: UserInput & { name: string }): Promise<User> {
  return db.user.create({ data: userData(input) as Prisma.UserCreateInput }).catch(duplicateName);
}

/** Updates a user (not deleted); the rows before and after, for the audit log. */
export async function updateUser(deps: Pick<Services, "db" | "catalog">, input: UserInput & { id: number }): Promise<{ before: User; after: User }> {
  const before = await deps.db.user.findFirst({ where: { id: input.id, deletedAt: null } });
  if (!before) throw userNotFound(input.id);
  const after = await deps.db.user.update({ where: { id: input.id }, data: userData(input) }).catch(duplicateName);
  await deps.catalog.invalidate({ kind: "user", id: after.id });
  return { before, after };
}

/**
 * Soft-deletes a user and their keys (the request log and the ledger keep pointing at a real
 * user; the name is freed for reuse). The row before, for the audit log.
 */
export async function deleteUser(deps: Pick<Services, "db" | "catalog" | "now">, id: number): Promise<User> {
  const existing = await deps.db.user.findFirst({ where: { id, deletedAt: null } });
  if (!existing) throw userNotFound(id);
  const deletedAt = new Date(deps.now());
  await deps.db.$transaction([
    deps.db.user.update({ where: { id }, data: { deletedAt, isEnabled: false, name: `${existing.name}#deleted-${existing.id}` } }),
    deps.db.apiKey.updateMany({ where: { userId: id, deletedAt: null }, data: { deletedAt, isEnabled: false } }),
  ]);
  await deps.catalog.invalidate({ kind: "user", id });
  return existing;
}
