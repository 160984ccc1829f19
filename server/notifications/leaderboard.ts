/**
 * The daily leaderboard notification: yesterday's top users by cost (in the system time zone),
 * from the usage ledger (indexed by time; one grouped query a day). Run by the job scheduler at
 * the time the admin set, once across instances (the scheduler's occurrence lock).
 */
import type { Db } from "../db/database.ts";
import { dailyWindowStart, localParts } from "../domain/quota/windows.ts";
import type { NotificationEvent } from "./events.ts";

export async function leaderboardEvent(db: Db, timeZone: string, topN: number, now: number): Promise<NotificationEvent> {
  const todayStart = dailyWindowStart(now, timeZone);
  const dayStart = dailyWindowStart(todayStart - 1, timeZone);
  const p = localParts(dayStart, timeZone);
  const day = `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
  const rows = await db.$queryRaw<Array<{ name: string; cost: string; requests: bigint; tokens: bigint }>>`
    SELECT u.name AS name, SUM(l.cost_usd)::text AS cost, COUNT(*) AS requests,
           SUM(l.input_tokens + l.output_tokens + l.cache_creation_5m_tokens + l.cache_creation_1h_tokens + l.cache_read_tokens) AS tokens
    FROM usage_ledger l JOIN users u ON u.id = l.user_id
    WHERE l.created_at >= ${new Date(dayStart)} AND l.created_at < ${new Date(todayStart)}
    GROUP BY u.id, u.name
    ORDER BY SUM(l.cost_usd) DESC, u.id
    LIMIT ${topN}`;
  const ranking = rows
    .map((r, i) => `${i + 1}. ${r.name.replace(/#deleted-\d+$/, "").slice(0, 60)} — $${Number(r.cost).toFixed(2)}, ${String(r.requests)} requests, ${String(r.tokens)} tokens`)
    .join("\n");
  return { name: "leaderboard.daily", key: `leaderboard:${day}`, subject: "", at: now, data: { day, ranking } };
}
