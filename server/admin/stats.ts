/**
 * The dashboard's aggregates (stats.overview): today's totals, the last days' series and the top
 * users, read from the usage ledger and counted from the request log (never its bulky columns).
 * Members see only their own user's figures.
 */
import { Prisma } from "../generated/prisma/client.ts";
import { loadNames } from "../db/names.ts";
import { dailyWindowStart } from "../domain/quota/windows.ts";
import { isAdmin, type Services, type Viewer } from "../trpc/trpc.ts";
import { calendarDays } from "./usage-series.ts";

const TOP_USERS = 5;

export interface RankedUser {
  userId: number;
  requests: number;
  costUsd: number;
}

/**
 * Top users by spend, then by requests. Every request counts (the request log), so a user whose
 * requests all failed still appears; spend comes from the ledger.
 */
export function rankTopUsers(
  spend: Array<{ userId: number | null; _sum: { costUsd: Prisma.Decimal | null } }>,
  requests: Array<{ userId: number | null; _count: { _all: number } }>,
): RankedUser[] {
  const costByUser = new Map(spend.map((t) => [t.userId, Number(t._sum.costUsd?.toString() ?? 0)]));
  return requests
    .filter((r): r is typeof r & { userId: number } => r.userId !== null)
    .map((r) => ({ userId: r.userId, requests: r._count._all, costUsd: costByUser.get(r.userId) ?? 0 }))
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests)
    .slice(0, TOP_USERS);
}

/** Requests and cost for each of `days`, zero for a day the ledger has no row for. */
export function dailySeries(days: string[], rows: Array<{ day: string; requests: bigint; cost: Prisma.Decimal | null }>) {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const row = byDay.get(day);
    return { day, requests: Number(row?.requests ?? 0), costUsd: Number(row?.cost?.toString() ?? 0) };
  });
}

/** Members see their own user's figures; admins (and the admin token) the whole hub's. */
function userScopeOf(viewer: Viewer): number | undefined {
  return isAdmin(viewer) || viewer.kind !== "user" ? undefined : viewer.userId;
}

export async function statsOverview(deps: Pick<Services, "db" | "catalog" | "now">, viewer: Viewer, days: number) {
  const timezone = deps.catalog.settings().timezone;
  const todayStart = new Date(dailyWindowStart(deps.now(), timezone));
  const seriesStart = new Date(todayStart.getTime() - (days - 1) * 86_400_000);
  const userScope = userScopeOf(viewer);
  const scope = userScope === undefined ? {} : { userId: userScope };
  const scopeSql = userScope === undefined ? Prisma.empty : Prisma.sql`AND user_id = ${userScope}`;
  const today = { createdAt: { gte: todayStart }, ...scope };

  const [agg, errors, series, spendByUser, requestsToday, requestsByUser] = await Promise.all([
    deps.db.usageLedger.aggregate({
      where: today,
      _count: { _all: true },
      _sum: { costUsd: true, inputTokens: true, outputTokens: true, cacheReadTokens: true, cacheCreation5mTokens: true, cacheCreation1hTokens: true },
    }),
    deps.db.requestLog.count({ where: { ...today, statusCode: { gte: 400 } } }),
    deps.db.$queryRaw<Array<{ day: string; requests: bigint; cost: Prisma.Decimal | null }>>`
      SELECT to_char(created_at AT TIME ZONE 'UTC' AT TIME ZONE ${timezone}, 'YYYY-MM-DD') AS day,
             count(*) AS requests, sum(cost_usd) AS cost
      FROM usage_ledger
      WHERE created_at >= ${seriesStart} ${scopeSql}
      GROUP BY 1 ORDER BY 1`,
    deps.db.usageLedger.groupBy({
      by: ["userId"],
      where: today,
      _count: { _all: true },
      _sum: { costUsd: true },
      orderBy: { _sum: { costUsd: "desc" } },
    }),
    // "Requests" counts every request, failures included: the ledger only has billed ones.
    deps.db.requestLog.count({ where: today }),
    deps.db.requestLog.groupBy({ by: ["userId"], where: today, _count: { _all: true } }),
  ]);
  const ranked = rankTopUsers(spendByUser, requestsByUser);
  const names = await loadNames(deps.db, { users: ranked.map((t) => t.userId) });
  return {
    timezone,
    today: {
      requests: requestsToday,
      costUsd: Number(agg._sum.costUsd?.toString() ?? 0),
      inputTokens: agg._sum.inputTokens ?? 0,
      outputTokens: agg._sum.outputTokens ?? 0,
      cacheReadTokens: agg._sum.cacheReadTokens ?? 0,
      cacheCreationTokens: (agg._sum.cacheCreation5mTokens ?? 0) + (agg._sum.cacheCreation1hTokens ?? 0),
      errors,
    },
    series: dailySeries(calendarDays(seriesStart, days, timezone), series),
    topUsers: ranked.map((t) => ({ userId: t.userId, userName: names.users.get(t.userId) ?? `#${t.userId}`, requests: t.requests, costUsd: t.costUsd })),
  };
}
