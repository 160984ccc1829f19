/**
 * What the hub tells people about (decision 0022). An event is made where the thing is noticed
 * (a watcher, a job) and handed to the dispatcher in memory; nothing here runs on a request's path.
 *
 * `key` names the happening itself, the same on every instance that notices it (e.g. a breaker's
 * opening is named after the instant it opens until), so the send lock lets exactly one instance
 * send it. `subject` is what the rate limit groups by: the provider that flaps, the scope whose
 * quota fills.
 */

export const EVENT_NAMES = [
  "provider.breaker_opened",
  "provider.breaker_closed",
  "quota.alert",
  "leaderboard.daily",
  "system.database_unreachable",
  "system.log_spool_growing",
  "system.price_sync_failed",
  "system.store_unreachable",
  "system.unpriced_model",
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

/** Values that go into messages and the generic webhook's `data`; all short, none client-supplied. */
export type EventData = Record<string, string | number | boolean | null>;

export interface NotificationEvent {
  name: EventName | "test";
  /** The happening's id, the same on every instance (≤ 200 characters). */
  key: string;
  /** What rate limiting groups by ("" when nothing finer than the event name). */
  subject: string;
  /** When it happened (epoch ms). */
  at: number;
  data: EventData;
  /** How long the send claim lasts (default a day): a quota alert's lasts until its window resets. */
  claimMs?: number;
}

export function isEventName(value: string): value is EventName {
  return (EVENT_NAMES as readonly string[]).includes(value);
}

/** Events that are never rate limited: one a day, or asked for by an admin. */
export function bypassesRateLimit(name: NotificationEvent["name"]): boolean {
  return name === "test" || name === "leaderboard.daily";
}
