/**
 * A per-day usage series for one user or one key (the roster's user page, /my-usage): requests
 * from the request log (failures included), cost from the usage ledger, by calendar day in the
 * hub's time zone, every day present (zero when idle).
 */
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import { dailyWindowStart } from "../../domain/quota/windows.ts";
import type { TrpcContext } from "../trpc.ts";

export const usageDay = z.object({ day: z.string().describe("YYYY-MM-DD in the hub's time zone"), requests: z.number(), errors: z.number(), costUsd: z.number() });
export type UsageDay = z.infer<typeof usageDay>;

export async function usageSeries(ctx: Pick<TrpcContext, "db" | "catalog" | "now">, scope: { userId: number } | { keyId: number }, days: number): Promise<UsageDay[]> {
  const timezone = ctx.catalog.settings().timezone;
  const todayStart = dailyWindowStart(ctx.now(), timezone);
  const start = new Date(todayStart - (days - 1) * 86_400_000);
  const column = "userId" in scope ? Prisma.sql`user_id` : Prisma.sql`key_id`;
  const id = "userId" in scope ? scope.userId : scope.keyId;
  const dayOf = Prisma.sql`to_char(created_at AT TIME ZONE 'UTC' AT TIME ZONE ${timezone}, 'YYYY-MM-DD')`;
  const [requests, costs] = await Promise.all([
    ctx.db.$queryRaw<Array<{ day: string; requests: bigint; errors: bigint }>>`
      SELECT ${dayOf} AS day, count(*) AS requests, count(*) FILTER (WHERE status_code >= 400) AS errors
        FROM request_log WHERE created_at >= ${start} AND ${column} = ${id} GROUP BY 1`,
    ctx.db.$queryRaw<Array<{ day: string; cost: Prisma.Decimal | null }>>`
      SELECT ${dayOf} AS day, sum(cost_usd) AS cost
        FROM usage_ledger WHERE created_at >= ${start} AND ${column} = ${id} GROUP BY 1`,
  ]);
  const req = new Map(requests.map((r) => [r.day, r]));
  const cost = new Map(costs.map((r) => [r.day, r.cost]));
  const out: UsageDay[] = [];
  const label = new Intl.DateTimeFormat("en-CA", { timeZone: timezone });
  for (let i = 0; i < days; i++) {
    // An hour into each day, so a daylight-saving shift cannot land on the previous date.
    const day = label.format(new Date(start.getTime() + i * 86_400_000 + 3_600_000));
    const r = req.get(day);
    out.push({ day, requests: Number(r?.requests ?? 0), errors: Number(r?.errors ?? 0), costUsd: Number(cost.get(day)?.toString() ?? 0) });
  }
  return out;
}
