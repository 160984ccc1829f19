/**
 * A billable request whose model has no price is served at $0. Rather than let that go
 * unnoticed, the first such request for a model logs a warning and asks for a price sync
 * (decision 0019). Both are bounded, because the model name is whatever a client sent:
 * - per model: one warning per hour (a bounded map; names are cut to 200 characters);
 * - sync attempts: at most one per SYNC_INTERVAL_MS across all instances (a store lock that
 *   is left to expire), however many different unpriced names arrive, and only while the
 *   admin has the scheduled price sync on.
 */
import type { LogRecord } from "../db/log-writer.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";

export const WARN_INTERVAL_MS = 3_600_000;
export const SYNC_INTERVAL_MS = 10 * 60_000;
const MAX_TRACKED = 1_000;
const NAME_LIMIT = 200;

export interface UnpricedModelWatchDeps {
  logger: Logger;
  store: Pick<Store, "tryLock">;
  now: () => number;
  /** Whether automatic syncs are allowed (the scheduled price sync is on). */
  syncAllowed: () => boolean;
  /** Starts a price sync (recorded as a run of the price-sync job). */
  sync: () => Promise<void>;
  /** Told of each report (notifications: a model served at $0 is worth telling the admin). */
  onReport?: (model: string, now: number) => void;
}

export class UnpricedModelWatch {
  /** Model name → when it was last reported. */
  private readonly seen = new Map<string, number>();
  private lastSyncAsk = -Infinity;

  constructor(private readonly deps: UnpricedModelWatchDeps) {}

  /** Looks at one settled request (cheap unless its model is unpriced). Never throws. */
  observe(record: LogRecord): void {
    const row = record.requestLog;
    if (!row.priceMissing || !row.model) return;
    const now = this.deps.now();
    const model = row.model.slice(0, NAME_LIMIT);
    const last = this.seen.get(model);
    if (last !== undefined && now - last < WARN_INTERVAL_MS) return;
    if (!this.remember(model, now)) return;
    this.deps.logger.warn(
      { model, requestId: row.requestId },
      "a model without a price was billed at $0; add its price (Prices page) or let the price sync find it",
    );
    this.deps.onReport?.(model, now);
    void this.askForSync(now);
  }

  /** Records a report; false when too many names are being tracked already (flood of made-up names). */
  private remember(model: string, now: number): boolean {
    if (this.seen.size >= MAX_TRACKED) {
      for (const [name, at] of this.seen) if (now - at >= WARN_INTERVAL_MS) this.seen.delete(name);
      if (this.seen.size >= MAX_TRACKED) return false;
    }
    this.seen.set(model, now);
    return true;
  }

  private async askForSync(now: number): Promise<void> {
    if (now - this.lastSyncAsk < SYNC_INTERVAL_MS) return;
    this.lastSyncAsk = now;
    try {
      if (!this.deps.syncAllowed()) return;
      // Left to expire, not released: it is the cluster-wide "one sync per interval" bound.
      const token = await this.deps.store.tryLock("job:price-sync:unpriced", SYNC_INTERVAL_MS, now);
      if (!token) return;
      await this.deps.sync();
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "price sync for an unpriced model could not be started");
    }
  }
}
