/**
 * The targets and settings the dispatcher works from, held in memory (decrypted) so that
 * sending never waits on the database — a "database unreachable" notice must still go out.
 * Reloaded when an admin changes them (a message on the store's pub/sub reaches every
 * instance), and every minute in case a message was missed.
 */
import type { SecretBox } from "../auth/secrets.ts";
import type { Db } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { TARGET_TYPES, type TargetType } from "./channels/types.ts";
import type { EventName } from "./events.ts";
import type { NotificationLanguage } from "./messages.ts";
import { openConfig, type TargetConfig } from "./target-config.ts";

export const CHANGED_CHANNEL = "notifications:changed";
const RELOAD_MS = 60_000;

export interface CachedTarget {
  id: number;
  name: string;
  type: TargetType;
  isEnabled: boolean;
  events: ReadonlySet<string>;
  config: TargetConfig;
}

export interface NotificationSettingsView {
  quotaAlertPercent: number;
  leaderboardTime: string;
  leaderboardTopN: number;
  cooldownMinutes: number;
  maxPerHour: number;
  language: NotificationLanguage;
}

export const DEFAULT_SETTINGS: NotificationSettingsView = {
  quotaAlertPercent: 80,
  leaderboardTime: "09:00",
  leaderboardTopN: 5,
  cooldownMinutes: 10,
  maxPerHour: 30,
  language: "en",
};

export class Directory {
  private list: CachedTarget[] = [];
  private current: NotificationSettingsView = DEFAULT_SETTINGS;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
    private readonly store: Pick<Store, "subscribe" | "publish">,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.unsubscribe = await this.store.subscribe(CHANGED_CHANNEL, () => void this.reload()).catch((error: Error) => {
      this.logger.warn({ err: error.message }, "notifications: cannot listen for target changes; reloading every minute instead");
      return undefined;
    });
    this.timer = setInterval(() => void this.reload(), RELOAD_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  targets(): readonly CachedTarget[] {
    return this.list;
  }

  target(id: number): CachedTarget | undefined {
    return this.list.find((t) => t.id === id);
  }

  settings(): NotificationSettingsView {
    return this.current;
  }

  /** Whether any enabled target wants this event (so watchers need not look for it). */
  wants(event: EventName): boolean {
    return this.list.some((t) => t.isEnabled && t.events.has(event));
  }

  /** Tells every instance (this one included) to reload. */
  async changed(): Promise<void> {
    try {
      await this.store.publish(CHANGED_CHANNEL, "1");
    } catch {
      await this.reload(); // at least this instance; the others reload within a minute
    }
  }

  async reload(): Promise<void> {
    try {
      const [rows, settings] = await Promise.all([this.db.notificationTarget.findMany({ orderBy: { id: "asc" } }), this.db.notificationSettings.findUnique({ where: { id: 1 } })]);
      const list: CachedTarget[] = [];
      for (const row of rows) {
        if (!(TARGET_TYPES as readonly string[]).includes(row.type)) continue;
        try {
          list.push({ id: row.id, name: row.name, type: row.type as TargetType, isEnabled: row.isEnabled, events: new Set(row.events), config: openConfig(row.config, this.secrets) });
        } catch (error) {
          this.logger.error({ target: row.id, err: (error as Error).message }, "notification target cannot be decrypted (ENCRYPTION_KEY changed?); it is skipped");
        }
      }
      this.list = list;
      if (settings) {
        this.current = {
          quotaAlertPercent: settings.quotaAlertPercent,
          leaderboardTime: settings.leaderboardTime,
          leaderboardTopN: settings.leaderboardTopN,
          cooldownMinutes: settings.cooldownMinutes,
          maxPerHour: settings.maxPerHour,
          language: settings.language === "zh-CN" ? "zh-CN" : "en",
        };
      }
    } catch (error) {
      // The database is away: keep sending with what we had.
      this.logger.warn({ err: (error as Error).message }, "notifications: targets could not be reloaded; keeping the ones in memory");
    }
  }
}
