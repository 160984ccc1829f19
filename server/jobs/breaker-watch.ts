/**
 * Records providers' breaker changes in breaker_events, for the availability page's history.
 *
 * Breakers change state inside the store's admission and settlement scripts, on the request
 * path. Rather than add a write (or a return value to carry) there, this watch reads every
 * breaker's state off the path, every few seconds, and writes a row when it differs from the last
 * one recorded (decision 0021). The cost: a change is timestamped when it is seen (up to one
 * interval late), and a breaker that opens and closes again between two looks is not recorded.
 *
 * With several instances, one look per interval happens: each look takes a store lock named after
 * its interval (SET NX PX), as the scheduled jobs do. Time comes from `now`; tests call tick().
 */
import type { Db } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { BreakerState } from "../store/admission.ts";
import type { Store } from "../store/store.ts";

export const BREAKER_WATCH_INTERVAL_MS = 10_000;

export interface BreakerWatchDeps {
  db: Db;
  store: Pick<Store, "breakerStatus" | "tryLock">;
  logger: Logger;
  now: () => number;
  /** The providers to watch (the catalog's). */
  providerIds: () => number[];
  intervalMs?: number;
}

export class BreakerWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly intervalMs: number;

  constructor(private readonly deps: BreakerWatchDeps) {
    this.intervalMs = deps.intervalMs ?? BREAKER_WATCH_INTERVAL_MS;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .catch((error: Error) => this.deps.logger.warn({ err: error.message }, "breaker watch: a look failed; the next one retries"))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One look: returns the changes written (0 when another instance has this interval). */
  async tick(): Promise<number> {
    const now = this.deps.now();
    const ids = this.deps.providerIds();
    if (ids.length === 0) return 0;
    const slot = Math.floor(now / this.intervalMs);
    const token = await this.deps.store.tryLock(`breaker-watch:${slot}`, this.intervalMs, now);
    if (!token) return 0;
    const [status, last] = await Promise.all([
      this.deps.store.breakerStatus(ids, now),
      this.deps.db.$queryRaw<Array<{ id: number; to_state: string }>>`
        SELECT p.id, e.to_state FROM unnest(${ids}::int[]) AS p(id)
        CROSS JOIN LATERAL (SELECT to_state FROM breaker_events WHERE provider_id = p.id ORDER BY at DESC, id DESC LIMIT 1) e`,
    ]);
    // A provider never recorded is taken as closed: its first row is its first opening.
    const recorded = new Map<number, string>(last.map((r) => [r.id, r.to_state]));
    const changes = status
      .filter((s) => s.state !== ((recorded.get(s.providerId) ?? "closed") as BreakerState))
      .map((s) => ({ providerId: s.providerId, at: new Date(now), fromState: recorded.get(s.providerId) ?? "closed", toState: s.state, failures: s.failures }));
    if (changes.length) {
      await this.deps.db.breakerEvent.createMany({ data: changes });
      for (const c of changes) this.deps.logger.info({ providerId: c.providerId, from: c.fromState, to: c.toState }, "breaker changed state");
    }
    return changes.length;
  }
}
