/**
 * Where events come from, looked for every WATCH_MS by each instance, never on a request's path:
 *
 * - breakers: the store's breaker states, compared with the last look. An opening is named
 *   after the instant it is open until, a closing after the opening it ends, so every instance
 *   that sees the same change makes the same event (one sends it).
 * - quotas: only scopes that settled a billed request since the last look (the settle hook
 *   marks them in memory); their money windows are read from the store, and a window at or
 *   above the alert percentage makes one event per window period.
 * - system: the database and the store are pinged; two failed looks in a row make an event
 *   (named after the half hour, so instances agree); a request-log spool that grows past 1 MB
 *   makes one too.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Catalog } from "../catalog/catalog.ts";
import { toCachedKey, toLimits } from "../catalog/mappers.ts";
import type { Limits } from "../catalog/types.ts";
import type { Db } from "../db/database.ts";
import type { LogRecord } from "../db/log-writer.ts";
import { buildScope, effectiveKeyLimits } from "../domain/quota/scopes.ts";
import { nanoToUsd } from "../domain/money.ts";
import type { Logger } from "../logger.ts";
import type { BreakerState } from "../store/admission.ts";
import type { Store } from "../store/store.ts";
import type { Directory } from "./directory.ts";
import type { NotificationEvent } from "./events.ts";

export const WATCH_MS = 15_000;
const MAX_DIRTY = 10_000;
const OUTAGE_BUCKET_MS = 30 * 60_000;
const SPOOL_ALERT_BYTES = 1_000_000;
const ERROR_LIMIT = 300;

export interface WatcherDeps {
  catalog: Pick<Catalog, "providers" | "provider" | "settings">;
  store: Pick<Store, "breakerStatus" | "usage" | "ping">;
  db: Db;
  pingDatabase: () => Promise<void>;
  /** The log writer's spool directory (absent in tests that have no writer). */
  spoolDir?: string;
  directory: Directory;
  emit: (event: NotificationEvent) => void;
  now: () => number;
  logger: Logger;
  /** This instance's name in messages (host name). */
  instance: string;
}

interface BreakerSeen {
  state: BreakerState;
  /** The open-until instant of the last opening seen. */
  openUntil: number | null;
}

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

export class Watchers {
  private readonly breakers = new Map<number, BreakerSeen>();
  private readonly dirty = new Set<string>();
  private readonly alerted = new Set<string>();
  private dbFailures = 0;
  private dbDownSince: number | null = null;
  private storeFailures = 0;
  private storeDownSince: number | null = null;
  private lastSpoolBytes = 0;

  constructor(private readonly deps: WatcherDeps) {}

  /** Settle hook: remembers which scopes spent money (in memory only; cheap). */
  observe(record: LogRecord): void {
    const row = record.requestLog;
    if (!record.ledger || !row.costUsd || Number(row.costUsd) === 0 || this.dirty.size >= MAX_DIRTY) return;
    if (row.userId !== null) this.dirty.add(`u:${row.userId}`);
    if (row.keyId !== null) this.dirty.add(`k:${row.keyId}`);
    if (row.providerId !== null) this.dirty.add(`p:${row.providerId}`);
  }

  /** One look at everything; each part failing alone. */
  async tick(): Promise<void> {
    const now = this.deps.now();
    await this.part("system", () => this.checkSystem(now));
    await this.part("breakers", () => this.checkBreakers(now));
    await this.part("quotas", () => this.checkQuotas(now));
  }

  private async part(name: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.deps.logger.warn({ watcher: name, err: (error as Error).message }, "notification watcher could not look");
    }
  }

  async checkBreakers(now: number): Promise<void> {
    const { directory } = this.deps;
    if (!directory.wants("provider.breaker_opened") && !directory.wants("provider.breaker_closed")) {
      this.breakers.clear(); // a target added later starts from what it sees then
      return;
    }
    const providers = this.deps.catalog.providers();
    const statuses = await this.deps.store.breakerStatus(providers.map((p) => p.id), now);
    for (const s of statuses) {
      const seen = this.breakers.get(s.providerId);
      const openUntil = s.state === "open" ? s.openUntil : (seen?.openUntil ?? null);
      this.breakers.set(s.providerId, { state: s.state, openUntil });
      if (!seen) continue; // first look: what is, not what changed
      const provider = this.deps.catalog.provider(s.providerId)?.name ?? `#${s.providerId}`;
      if (s.state === "open" && s.openUntil !== null && s.openUntil !== seen.openUntil) {
        this.deps.emit({
          name: "provider.breaker_opened",
          key: `breaker_opened:${s.providerId}:${s.openUntil}`,
          subject: `provider:${s.providerId}`,
          at: now,
          data: { providerId: s.providerId, provider, failures: s.failures, openUntil: iso(s.openUntil) },
        });
      } else if (s.state === "closed" && seen.state !== "closed") {
        this.deps.emit({
          name: "provider.breaker_closed",
          key: `breaker_closed:${s.providerId}:${seen.openUntil ?? `m${Math.floor(now / 60_000)}`}`,
          subject: `provider:${s.providerId}`,
          at: now,
          data: { providerId: s.providerId, provider },
        });
      }
    }
  }

  async checkQuotas(now: number): Promise<void> {
    const { directory, db, catalog } = this.deps;
    const scopes = [...this.dirty];
    this.dirty.clear();
    if (!scopes.length || !directory.wants("quota.alert")) return;
    const ids = (prefix: string) => scopes.filter((s) => s.startsWith(prefix)).map((s) => Number(s.slice(2)));
    const settings = catalog.settings();
    const subjects: Array<{ scope: string; type: "user" | "key" | "provider"; name: string; limits: Limits }> = [];
    const userIds = ids("u:");
    const keyIds = ids("k:");
    for (const row of userIds.length ? await db.user.findMany({ where: { id: { in: userIds }, deletedAt: null } }) : []) {
      subjects.push({ scope: `u:${row.id}`, type: "user", name: row.name, limits: toLimits(row) });
    }
    for (const row of keyIds.length ? await db.apiKey.findMany({ where: { id: { in: keyIds }, deletedAt: null }, include: { user: true } }) : []) {
      subjects.push({ scope: `k:${row.id}`, type: "key", name: `${row.user.name}/${row.name}`, limits: effectiveKeyLimits(toCachedKey(row), settings.defaultLimits) });
    }
    for (const id of ids("p:")) {
      const provider = catalog.provider(id);
      if (provider) subjects.push({ scope: `p:${id}`, type: "provider", name: provider.name, limits: provider.limits });
    }
    const built = subjects.map((s) => ({ subject: s, ...buildScope(s.scope, s.limits, settings.timezone, now) })).filter((b) => b.spec.windows.length > 0);
    if (!built.length) return;
    const usage = await this.deps.store.usage(built.map((b) => b.spec), now);
    const percent = directory.settings().quotaAlertPercent;
    built.forEach(({ subject, spec }, i) => {
      const measured = usage[i];
      if (!measured?.hydrated) return; // counters not rebuilt yet: the next request's settle marks it again
      for (const w of measured.windows) {
        if (w.limitNano <= 0 || w.spentNano * 100 < w.limitNano * percent) continue;
        const length = spec.windows.find((x) => x.kind === w.kind)?.lengthMs;
        const period = w.resetAt ?? `r${Math.floor(now / (length ?? 86_400_000))}`;
        const key = `quota:${subject.scope}:${w.kind}:${percent}:${period}`;
        if (this.alerted.has(key)) continue;
        if (this.alerted.size > MAX_DIRTY) this.alerted.clear();
        this.alerted.add(key);
        this.deps.emit({
          name: "quota.alert",
          key,
          subject: `${subject.scope}:${w.kind}`,
          at: now,
          claimMs: Math.max(60_000, (w.resetAt ?? now + (length ?? 86_400_000)) - now),
          data: {
            scopeType: subject.type,
            name: subject.name.slice(0, 100),
            window: w.kind,
            percent: Math.floor((w.spentNano * 100) / w.limitNano),
            spentUsd: nanoToUsd(w.spentNano).toFixed(2),
            limitUsd: nanoToUsd(w.limitNano).toFixed(2),
            resetAt: iso(w.resetAt),
          },
        });
      }
    });
  }

  async checkSystem(now: number): Promise<void> {
    const { directory, instance } = this.deps;
    const bucket = Math.floor(now / OUTAGE_BUCKET_MS);
    try {
      await this.deps.pingDatabase();
      this.dbFailures = 0;
      this.dbDownSince = null;
    } catch (error) {
      this.dbDownSince ??= now;
      if (++this.dbFailures >= 2 && directory.wants("system.database_unreachable")) {
        this.deps.emit({
          name: "system.database_unreachable",
          key: `database_unreachable:${bucket}`,
          subject: "",
          at: now,
          data: { since: iso(this.dbDownSince), instance, error: (error as Error).message.slice(0, ERROR_LIMIT) },
        });
      }
    }
    try {
      await this.deps.store.ping();
      this.storeFailures = 0;
      this.storeDownSince = null;
    } catch (error) {
      this.storeDownSince ??= now;
      if (++this.storeFailures >= 2 && directory.wants("system.store_unreachable")) {
        this.deps.emit({
          name: "system.store_unreachable",
          key: `store_unreachable:${bucket}`,
          subject: "",
          at: now,
          data: { since: iso(this.storeDownSince), instance, error: (error as Error).message.slice(0, ERROR_LIMIT) },
        });
      }
    }
    if (this.deps.spoolDir) {
      const bytes = await directoryBytes(this.deps.spoolDir);
      if (bytes > this.lastSpoolBytes && bytes >= SPOOL_ALERT_BYTES && directory.wants("system.log_spool_growing")) {
        this.deps.emit({
          name: "system.log_spool_growing",
          key: `log_spool_growing:${instance}:${Math.floor(now / 3_600_000)}`,
          subject: instance,
          at: now,
          data: { instance, spoolBytes: bytes },
        });
      }
      this.lastSpoolBytes = bytes;
    }
  }
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    total += await stat(path.join(dir, name)).then((s) => (s.isFile() ? s.size : 0), () => 0);
  }
  return total;
}
