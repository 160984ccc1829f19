/**
 * The hub's scheduled jobs, as the scheduler runs them: the price sync (same never-wipe rules
 * as the button: syncPrices) and the request-log cleanup, each at its time of day.
 */
import type { Catalog } from "../catalog/catalog.ts";
import type { Db, SqlQuery } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { pruneSessionRollup } from "../db/rollups.ts";
import { cleanupRequestLog } from "./log-cleanup.ts";
import { syncPrices } from "./price-sync.ts";
import type { JobName, ScheduledJob } from "./scheduler.ts";

type Settings = ReturnType<Catalog["settings"]>;

/** When each job runs under these settings (null: switched off). */
export function jobSchedules(s: Settings): Record<JobName, { time: string; timeZone: string } | null> {
  return {
    "price-sync": s.priceSyncScheduled ? { time: s.priceSyncTime, timeZone: s.timezone } : null,
    "log-cleanup": s.logCleanupEnabled ? { time: s.logCleanupTime, timeZone: s.timezone } : null,
  };
}

export function hubJobs(deps: { db: Db; sql: SqlQuery; catalog: Pick<Catalog, "settings" | "invalidate">; logger: Logger }): ScheduledJob[] {
  const { catalog } = deps;
  return [
    {
      name: "price-sync",
      schedule: () => jobSchedules(catalog.settings())["price-sync"],
      async run() {
        const counts = await syncPrices(deps, catalog.settings().priceSyncUrl);
        await catalog.invalidate({ kind: "prices" });
        return `${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.skippedManual} manual kept`;
      },
    },
    {
      name: "log-cleanup",
      schedule: () => jobSchedules(catalog.settings())["log-cleanup"],
      async run(now) {
        const days = catalog.settings().logRetentionDays;
        const deleted = await cleanupRequestLog(deps.sql, days, now);
        const sessions = await pruneSessionRollup(deps.sql, days, now);
        return `${deleted} request-log rows older than ${days} days deleted (the usage ledger is kept), ${sessions} sessions forgotten`;
      },
    },
  ];
}
