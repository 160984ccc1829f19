/**
 * The notification service of one hub instance (decision 0022): the targets in memory, the
 * dispatcher, the watchers that look for events every WATCH_MS, and the daily leaderboard
 * job. Nothing here is called on a request's path except observe(), which only marks scopes
 * in memory.
 */
import { hostname } from "node:os";
import type { SecretBox } from "../auth/secrets.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Db } from "../db/database.ts";
import type { LogRecord } from "../db/log-writer.ts";
import { JobScheduler, type JobName } from "../jobs/scheduler.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { Directory } from "./directory.ts";
import { Dispatcher, type DeliveryResult } from "./dispatcher.ts";
import type { NotificationEvent } from "./events.ts";
import { leaderboardEvent } from "./leaderboard.ts";
import { Claims } from "./locks.ts";
import { Watchers, WATCH_MS } from "./watchers.ts";

/** Delivery-log rows older than this are deleted (hourly). */
const DELIVERY_RETENTION_MS = 30 * 86_400_000;
const DEFAULT_TIMEOUT_MS = 5_000;
/** The leaderboard runs under the job scheduler; its runs are recorded in job_runs under this name. */
export const LEADERBOARD_JOB = "daily-leaderboard";

export interface NotificationsDeps {
  db: Db;
  secrets: SecretBox;
  store: Store;
  catalog: Pick<Catalog, "providers" | "provider" | "settings">;
  logger: Logger;
  now: () => number;
  pingDatabase: () => Promise<void>;
  spoolDir?: string;
  /** Waits between delivery attempts (tests pass one that records and returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /** Each delivery attempt's timeout. */
  timeoutMs?: number;
  instance?: string;
}

export class Notifications {
  readonly directory: Directory;
  readonly dispatcher: Dispatcher;
  readonly watchers: Watchers;
  private readonly claims: Claims;
  private readonly leaderboard: JobScheduler;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private lastPrune = 0;

  constructor(private readonly deps: NotificationsDeps) {
    this.claims = new Claims(deps.store, deps.db, deps.logger);
    this.directory = new Directory(deps.db, deps.secrets, deps.store, deps.logger);
    this.dispatcher = new Dispatcher({
      db: deps.db,
      claims: this.claims,
      directory: this.directory,
      logger: deps.logger,
      now: deps.now,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms).unref())),
      timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    this.watchers = new Watchers({
      catalog: deps.catalog,
      store: deps.store,
      db: deps.db,
      pingDatabase: deps.pingDatabase,
      spoolDir: deps.spoolDir,
      directory: this.directory,
      emit: (e) => this.dispatcher.emit(e),
      now: deps.now,
      logger: deps.logger,
      instance: deps.instance ?? hostname().slice(0, 100),
    });
    this.leaderboard = new JobScheduler({ db: deps.db, store: deps.store, logger: deps.logger, now: deps.now }, [
      {
        // Not one of the hub's built-in jobs (settings.jobs lists those); the scheduler only
        // uses the name for its lock and its job_runs row.
        name: LEADERBOARD_JOB as JobName,
        schedule: () =>
          this.directory.wants("leaderboard.daily") ? { time: this.directory.settings().leaderboardTime, timeZone: deps.catalog.settings().timezone } : null,
        run: async (now) => {
          const event = await leaderboardEvent(deps.db, deps.catalog.settings().timezone, this.directory.settings().leaderboardTopN, now);
          this.dispatcher.emit(event);
          return `leaderboard for ${String(event.data.day)} queued`;
        },
      },
    ]);
  }

  async start(): Promise<void> {
    await this.directory.start();
    this.timer = setInterval(() => void this.tick(), WATCH_MS);
    this.timer.unref();
    this.leaderboard.start();
  }

  /** One look for events (the timer calls it; tests call it with their clock). */
  tick(): Promise<void> {
    this.ticking ??= (async () => {
      await this.watchers.tick();
      await this.prune();
    })().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** The leaderboard job's scheduler (tests drive it with their clock). */
  get leaderboardScheduler(): JobScheduler {
    return this.leaderboard;
  }

  emit(event: NotificationEvent): void {
    this.dispatcher.emit(event);
  }

  /** Settle hook (in memory only). */
  observe(record: LogRecord): void {
    this.watchers.observe(record);
  }

  /** Scheduler hook: a failed price sync is a system problem worth telling. */
  jobFinished(run: { name: string; status: "ok" | "failed"; message: string; startedAt: number }): void {
    if (run.name !== "price-sync" || run.status !== "failed") return;
    this.emit({
      name: "system.price_sync_failed",
      key: `price_sync_failed:${run.startedAt}`,
      subject: "",
      at: this.deps.now(),
      data: { error: run.message.slice(0, 300) },
    });
  }

  /**
   * A model billed at $0 for want of a price (reported at most hourly per name by the watch).
   * The name is a client's: cut, and rate limited as one subject whatever the name, so a flood
   * of made-up models sends one message per cooldown.
   */
  unpricedModel(model: string, at: number): void {
    const name = [...model.slice(0, 100)].map((c) => (c < " " || c === "\u007f" ? "?" : c)).join("");
    this.emit({ name: "system.unpriced_model", key: `unpriced_model:${name}:${Math.floor(at / 3_600_000)}`, subject: "", at, data: { model: name } });
  }

  /** Sends a test message to one target now and says how it went (the "send test" button). */
  async sendTest(targetId: number): Promise<DeliveryResult | undefined> {
    await this.directory.reload();
    const target = this.directory.target(targetId);
    if (!target) return undefined;
    const now = this.deps.now();
    return this.dispatcher.send(target, { name: "test", key: `test:${targetId}:${now}:${Math.random().toString(36).slice(2, 10)}`, subject: "", at: now, data: {} });
  }

  private async prune(): Promise<void> {
    const now = this.deps.now();
    if (now - this.lastPrune < 3_600_000) return;
    this.lastPrune = now;
    try {
      await this.deps.db.notificationDelivery.deleteMany({ where: { createdAt: { lt: new Date(now - DELIVERY_RETENTION_MS) } } });
      await this.claims.prune(now);
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "notification delivery log could not be pruned");
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.directory.stop();
    await this.leaderboard.stop();
    await this.ticking;
    await this.dispatcher.stop();
  }
}
