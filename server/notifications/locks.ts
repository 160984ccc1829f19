/**
 * Claims that make several hub instances act once: "this notification is mine to send", "this
 * target's cooldown for this provider is taken". Claims live in the store (SET NX PX, the same
 * tryLock the scheduled jobs use); they are never released, they expire.
 *
 * When the store cannot be reached — which is itself one of the things we notify about — the
 * claim falls back to a row in PostgreSQL (insert, or take over an expired row). When neither
 * answers, the claim is granted: a duplicate alert beats a silent outage.
 */
import type { Db } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";

export type ClaimResult = { granted: boolean; via: "store" | "database" | "none" };

export class Claims {
  constructor(
    private readonly store: Pick<Store, "tryLock">,
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async claim(name: string, ttlMs: number, now: number): Promise<ClaimResult> {
    const lockName = `notify:${name}`;
    try {
      return { granted: (await this.store.tryLock(lockName, ttlMs, now)) !== null, via: "store" };
    } catch (storeError) {
      try {
        const rows = await this.db.$queryRaw<Array<{ name: string }>>`
          INSERT INTO notification_locks (name, expires_at) VALUES (${lockName}, ${new Date(now + ttlMs)})
          ON CONFLICT (name) DO UPDATE SET expires_at = EXCLUDED.expires_at
            WHERE notification_locks.expires_at <= ${new Date(now)}
          RETURNING name`;
        return { granted: rows.length > 0, via: "database" };
      } catch (dbError) {
        this.logger.warn(
          { claim: lockName, store: (storeError as Error).message, database: (dbError as Error).message },
          "notification claim: neither the store nor the database answers; sending without it",
        );
        return { granted: true, via: "none" };
      }
    }
  }

  /** Forgets expired database claims (they are only written while the store is away). */
  async prune(now: number): Promise<void> {
    await this.db.notificationLock.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
  }
}
