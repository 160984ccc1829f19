/**
 * Request-log retention: when the system setting enables it, request-log rows older than the
 * retention period are deleted in batches, once an hour. The usage ledger is never touched
 * (it is append-only and quotas, statistics and leaderboards read it), so cleanup changes no
 * number anywhere but the log page. Several instances may run the job: each batch takes a
 * transaction-level advisory lock (statements go through a pool, so a session-level lock could
 * be taken and released on different connections), so batches of two instances never overlap.
 */
import type { SqlQuery } from "../db/database.ts";
import type { Logger } from "../logger.ts";

const LOCK_ID = 72707370;
const BATCH = 10_000;
const INTERVAL_MS = 3_600_000;

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

export function scheduleLogCleanup(sql: SqlQuery, settings: () => CleanupSettings, logger: Logger, now: () => number = Date.now) {
  const run = async () => {
    const s = settings();
    if (!s.logCleanupEnabled) return;
    try {
      const deleted = await cleanupRequestLog(sql, s.logRetentionDays, now());
      if (deleted) logger.info({ deleted, retentionDays: s.logRetentionDays }, "old request-log rows deleted (the usage ledger is kept)");
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "request-log cleanup failed; it runs again in an hour");
    }
  };
  const timer = setInterval(() => void run(), INTERVAL_MS);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
