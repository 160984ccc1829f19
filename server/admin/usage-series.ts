/**
 * A per-day usage series for one user or one key (the roster's user page, /my-usage): requests
 * from the request log (failures included), cost from the usage ledger, by calendar day in the
 * hub's time zone, every day present (zero when idle).
 */
import { Prisma } from "../generated/prisma/client.ts";
import { dailyWindowStart } from "../domain/quota/windows.ts";
import type { Services } from "../trpc/trpc.ts";

export interface UsageDay {
  /** YYYY-MM-DD in the hub's time zone. */
  day: string;
  requests: number;
  errors: number;
  costUsd: number;
}

const DAY_MS = 86_400_000;

/**
 * The labels (YYYY-MM-DD in `timeZone`) of `count` consecutive days from the day that starts at
 * `start`. Each day is read an hour after its nominal start, so a daylight-saving shift cannot
 * land it on the previous date.
 */
export function calendarDays(start: Date, count: number, timeZone: string): string[] {
  const label = new Intl.DateTimeFormat("en-CA", { timeZone });
  return Array.from({ length: count }, (_, i) => label.format(new Date(start.getTime() + i * DAY_MS + 3_600_000)));
}

/** Where a day's request counts and cost come from: one SQL row per day that had any. */
export interface DayRows {
  requests: Array<{ day: string; requests: bigint; errors: bigint }>;
  costs: Array<{ day: string; cost: Prisma.Decimal | null }>;
}

/** Every day of `days`, with zeros for the days the queries returned nothing for. */
export function toUsageDays(days: string[], rows: DayRows): UsageDay[] {
  const requests = new Map(rows.requests.map((r) => [r.day, r]));
  const costs = new Map(rows.costs.map((r) => [r.day, r.cost]));
  return days.map((day) => {
    const r = requests.get(day);
    return { day, requests: Number(r?.requests ?? 0), errors: Number(r?.errors ?? 0), costUsd: Number(costs.get(day)?.toString() ?? 0) };
  });
}

export async function usageSeries(
  deps: Pick<Services, "db" | "catalog" | "now">,
  scope: { userId: number } | { keyId: number },
  days: number,
): Promise<UsageDay[]> {
  const timezone = deps.catalog.settings().timezone;
  const todayStart = dailyWindowStart(deps.now(), timezone);
  const start = new Date(todayStart - (days - 1) * DAY_MS);
  const column = "userId" in scope ? Prisma.sql`user_id` : Prisma.sql`key_id`;
  const id = "userId" in scope ? scope.userId : scope.keyId;
  const dayOf = Prisma.sql`to_char(created_at AT TIME ZONE 'UTC' AT TIME ZONE ${timezone}, 'YYYY-MM-DD')`;
  const [requests, costs] = await Promise.all([
    deps.db.$queryRaw<DayRows["requests"]>`
      SELECT ${dayOf} AS day, count(*) AS requests, count(*) FILTER (WHERE status_code >= 400) AS errors
        FROM request_log WHERE created_at >= ${start} AND ${column} = ${id} GROUP BY 1`,
    deps.db.$queryRaw<DayRows["costs"]>`
      SELECT ${dayOf} AS day, sum(cost_usd) AS cost
        FROM usage_ledger WHERE created_at >= ${start} AND ${column} = ${id} GROUP BY 1`,
  ]);
  return toUsageDays(calendarDays(start, days, timezone), { requests, costs });
}
