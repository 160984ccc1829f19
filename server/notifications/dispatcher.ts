/**
 * Takes events in memory and sends them, off every request's and job's path: emit() only
 * queues. For each enabled target that wants the event:
 *
 * 1. claim `send:<target>:<event key>` — with several instances noticing the same happening,
 *    exactly one sends it (locks.ts);
 * 2. rate limit (unless a test or the daily leaderboard): one message per event name and subject
 *    per cooldown, and at most `maxPerHour` per target — a flapping provider sends a couple of
 *    messages, not a hundred; what is held back is logged as rate_limited;
 * 3. deliver with bounded retries and a timeout per attempt (deliver.ts), at most
 *    MAX_CONCURRENT deliveries at once, so a slow target holds only its own slot;
 * 4. record the delivery and the target's health (a failing target is marked on the page).
 *    When the database is away the message still goes out; only its log row is lost.
 */
import type { Db } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { CHANNELS } from "./channels/registry.ts";
import { deliver, type DeliveryOutcome } from "./deliver.ts";
import type { CachedTarget, Directory } from "./directory.ts";
import { bypassesRateLimit, type NotificationEvent } from "./events.ts";
import type { Claims } from "./locks.ts";
import { render } from "./messages.ts";

const MAX_QUEUE = 1_000;
const MAX_CONCURRENT = 8;
/** A sent notification's claim outlives any instance noticing the same happening late. */
const SEND_CLAIM_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

export type DeliveryStatus = "sent" | "failed" | "rate_limited";

export interface DeliveryResult {
  status: DeliveryStatus | "claimed_elsewhere";
  attempts: number;
  httpStatus: number | null;
  error: string | null;
}

export interface DispatcherDeps {
  db: Db;
  claims: Claims;
  directory: Directory;
  logger: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Each attempt's timeout. */
  timeoutMs: number;
}

export class Dispatcher {
  private readonly queue: NotificationEvent[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private draining = false;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Per target and hour: the first rate slot not known to be taken (saves claims). */
  private readonly slotHint = new Map<string, number>();
  private stopped = false;
  private droppedSince = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Queues an event; never waits, never throws. */
  emit(event: NotificationEvent): void {
    if (this.stopped) return;
    if (this.queue.length >= MAX_QUEUE) {
      this.queue.shift();
      if (this.droppedSince++ % 100 === 0) this.deps.logger.warn({ dropped: this.droppedSince }, "notification queue full; the oldest events are dropped");
    }
    this.queue.push(event);
    if (!this.draining) {
      this.draining = true;
      this.track(Promise.resolve().then(() => this.drain()));
    }
  }

  /** Resolves when everything queued so far has been sent or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private drain(): void {
    this.draining = false;
    for (const event of this.queue.splice(0)) {
      for (const target of this.deps.directory.targets()) {
        if (target.isEnabled && target.events.has(event.name)) this.track(this.send(target, event));
      }
    }
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((error: Error) => this.deps.logger.error({ err: error.message }, "notification dispatch failed")).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Sends one event to one target (the "send test" button awaits this directly). */
  async send(target: CachedTarget, event: NotificationEvent): Promise<DeliveryResult> {
    const { claims, now } = this.deps;
    const claim = await claims.claim(`send:${target.id}:${event.key}`, event.claimMs ?? SEND_CLAIM_MS, now());
    if (!claim.granted) return { status: "claimed_elsewhere", attempts: 0, httpStatus: null, error: null };
    const message = render(event, this.deps.directory.settings().language);
    if (!bypassesRateLimit(event.name) && !(await this.withinRate(target, event))) {
      const result: DeliveryResult = { status: "rate_limited", attempts: 0, httpStatus: null, error: null };
      await this.record(target, event, message.title, result, false);
      return result;
    }
    const channel = CHANNELS[target.type];
    const outcome: DeliveryOutcome = await this.slot(() =>
      deliver({
        timeoutMs: this.deps.timeoutMs,
        sleep: this.deps.sleep,
        build: () => channel.build(target.config, message, event, now()),
        verdict: channel.verdict,
        secrets: channel.secretFields.map((f) => String(target.config[f] ?? "")).concat(channel.urlFields.map((f) => String(target.config[f] ?? ""))),
      }),
    );
    const result: DeliveryResult = { status: outcome.ok ? "sent" : "failed", attempts: outcome.attempts, httpStatus: outcome.httpStatus, error: outcome.error };
    if (!outcome.ok) this.deps.logger.warn({ target: target.id, event: event.name, attempts: outcome.attempts, err: outcome.error }, "notification not delivered");
    await this.record(target, event, message.title, result, true);
    return result;
  }

  /** One message per event name and subject per cooldown, and at most maxPerHour per target. */
  private async withinRate(target: CachedTarget, event: NotificationEvent): Promise<boolean> {
    const { claims, now } = this.deps;
    const settings = this.deps.directory.settings();
    const t = now();
    // A cooldown of 0 turns it off (a lock of 0 ms is no lock: Redis refuses PX 0).
    if (settings.cooldownMinutes > 0) {
      const cool = await claims.claim(`cool:${target.id}:${event.name}:${event.subject}`, settings.cooldownMinutes * 60_000, t);
      if (!cool.granted) return false;
    }
    const hour = Math.floor(t / HOUR_MS);
    const hintKey = `${target.id}:${hour}`;
    for (let slot = this.slotHint.get(hintKey) ?? 0; slot < settings.maxPerHour; slot++) {
      const taken = await claims.claim(`cap:${target.id}:${hour}:${slot}`, HOUR_MS, t);
      if (taken.granted) {
        if (this.slotHint.size > 1000) this.slotHint.clear();
        this.slotHint.set(hintKey, slot + 1);
        return true;
      }
    }
    this.slotHint.set(hintKey, settings.maxPerHour);
    return false;
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= MAX_CONCURRENT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async record(target: CachedTarget, event: NotificationEvent, title: string, result: DeliveryResult, attempted: boolean): Promise<void> {
    const at = new Date(this.deps.now());
    try {
      await this.deps.db.notificationDelivery.create({
        data: {
          targetId: target.id,
          event: event.name,
          eventKey: event.key.slice(0, 200),
          title: title.slice(0, 300),
          status: result.status,
          attempts: result.attempts,
          httpStatus: result.httpStatus,
          error: result.error,
          createdAt: new Date(event.at),
          finishedAt: at,
        },
      });
      if (attempted) {
        await this.deps.db.notificationTarget.update({
          where: { id: target.id },
          data:
            result.status === "sent"
              ? { lastStatus: "ok", lastError: null, lastAttemptAt: at, consecutiveFailures: 0 }
              : { lastStatus: "failed", lastError: result.error, lastAttemptAt: at, consecutiveFailures: { increment: 1 } },
        });
      }
    } catch (error) {
      // A target deleted meanwhile, or the database away: the message itself was handled.
      this.deps.logger.warn({ target: target.id, err: (error as Error).message }, "notification delivery could not be recorded");
    }
  }
}
