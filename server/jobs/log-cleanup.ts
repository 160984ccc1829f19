/**
 * Request-log retention: when the system setting enables it, request-log rows older than the
 * retention period are deleted in batches, once a day at the time the admin set (the scheduler,
 * scheduler.ts, runs it on one instance). The usage ledger is never touched
 * (it is append-only and quotas, statistics and leaderboards read it), so cleanup changes no
 * number anywhere but the log page. Several instances may run the job: each batch takes a
 * transaction-level advisory lock (statements go through a pool, so a session-level lock could
 * be taken and released on different connections), so batches of two instances never overlap.
 */
import type { SqlQuery } from "../db/database.ts";

const LOCK_ID = 72707370;
const BATCH = 10_000;

export interface CleanupSettings {
  logCleanupEnabled: boolean;
  logRetentionDays: number;
}

/** Deletes log rows older than the retention; returns how many were deleted. */
export async function cleanupRequestLog(sql: SqlQuery, retentionDays: number, now: number): Promise<number> {
  const cutoff = new Date(now - retentionDays * 86_400_000).toISOString().replace("Z", "");
  let total = 0;
  for (;;) {
    const rows = await sql<{ n: string }>(
      `WITH lock AS (SELECT pg_try_advisory_xact_lock($2) AS ok),
       gone AS (
         DELETE FROM request_log
         WHERE (SELECT ok FROM lock)
           AND id IN (SELECT id FROM request_log WHERE created_at < $1::timestamp LIMIT ${BATCH})
         RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [cutoff, LOCK_ID],
    );
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < BATCH) return total;
  }
}
