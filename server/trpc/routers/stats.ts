/** stats.*: aggregates for the dashboard, read from the usage ledger (never from the bulky log). */
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import { dailyWindowStart } from "../../domain/quota/windows.ts";
import { dashboardProcedure, isAdmin, router } from "../trpc.ts";

const totals = z.object({
  requests: z.number(),
  costUsd: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheCreationTokens: z.number(),
});

export const statsRouter = router({
  overview: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/stats/overview", tags: ["stats"], summary: "Today's totals, errors, and the last days' series", protect: true } })
    .input(z.object({ days: z.number().int().min(1).max(90).default(7) }).default({ days: 7 }))
    .output(
      z.object({
        timezone: z.string(),
        today: totals.extend({ errors: z.number() }),
        series: z.array(z.object({ day: z.string(), requests: z.number(), costUsd: z.number() })),
        topUsers: z.array(z.object({ userId: z.number(), userName: z.string(), requests: z.number(), costUsd: z.number() })),
      }),
    )
    .query(async ({ ctx, input }) => {
      const timezone = ctx.catalog.settings().timezone;
      const now = ctx.now();
      const todayStart = new Date(dailyWindowStart(now, timezone));
      const seriesStart = new Date(todayStart.getTime() - (input.days - 1) * 86_400_000);
      const userScope = isAdmin(ctx.viewer) || ctx.viewer.kind !== "user" ? undefined : ctx.viewer.userId;
      const scope = userScope === undefined ? {} : { userId: userScope };
      const scopeSql = userScope === undefined ? Prisma.empty : Prisma.sql`AND user_id = ${userScope}`;

      const [agg, errors, series, top, requestsToday, requestsByUser] = await Promise.all([
        ctx.db.usageLedger.aggregate({
          where: { createdAt: { gte: todayStart }, ...scope },
          _count: { _all: true },
          _sum: { costUsd: true, inputTokens: true, outputTokens: true, cacheReadTokens: true, cacheCreation5mTokens: true, cacheCreation1hTokens: true },
        }),
        ctx.db.requestLog.count({ where: { createdAt: { gte: todayStart }, statusCode: { gte: 400 }, ...scope } }),
        ctx.db.$queryRaw<Array<{ day: string; requests: bigint; cost: Prisma.Decimal | null }>>`
          SELECT to_char(created_at AT TIME ZONE 'UTC' AT TIME ZONE ${timezone}, 'YYYY-MM-DD') AS day,
                 count(*) AS requests, sum(cost_usd) AS cost
          FROM usage_ledger
          WHERE created_at >= ${seriesStart} ${scopeSql}
          GROUP BY 1 ORDER BY 1`,
        ctx.db.usageLedger.groupBy({
          by: ["userId"],
          where: { createdAt: { gte: todayStart }, ...scope },
          _count: { _all: true },
          _sum: { costUsd: true },
          orderBy: { _sum: { costUsd: "desc" } },
        }),
        // "Requests" counts every request, failures included: the ledger only has billed ones.
        ctx.db.requestLog.count({ where: { createdAt: { gte: todayStart }, ...scope } }),
        ctx.db.requestLog.groupBy({ by: ["userId"], where: { createdAt: { gte: todayStart }, ...scope }, _count: { _all: true } }),
      ]);
      // Top users by spend, then by requests; a user whose requests all failed still appears.
      const costByUser = new Map(top.map((t) => [t.userId, Number(t._sum.costUsd?.toString() ?? 0)]));
      const ranked = requestsByUser
        .filter((r): r is typeof r & { userId: number } => r.userId !== null)
        .map((r) => ({ userId: r.userId, requests: r._count._all, costUsd: costByUser.get(r.userId) ?? 0 }))
        .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests)
        .slice(0, 5);
      const users = await ctx.db.user.findMany({ where: { id: { in: ranked.map((t) => t.userId) } }, select: { id: true, name: true } });
      const names = new Map(users.map((u) => [u.id, u.name.replace(/#deleted-\d+$/, "")]));
      const byDay = new Map(series.map((r) => [r.day, r]));
      const days: Array<{ day: string; requests: number; costUsd: number }> = [];
      for (let i = 0; i < input.days; i++) {
        const day = new Intl.DateTimeFormat("en-CA", { timeZone: timezone }).format(new Date(seriesStart.getTime() + i * 86_400_000 + 3_600_000));
        const row = byDay.get(day);
        days.push({ day, requests: Number(row?.requests ?? 0), costUsd: Number(row?.cost?.toString() ?? 0) });
      }
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
        series: days,
        topUsers: ranked.map((t) => ({ userId: t.userId, userName: names.get(t.userId) ?? `#${t.userId}`, requests: t.requests, costUsd: t.costUsd })),
      };
    }),
});
