/**
 * The notification target form (notifications.create / update input) and the settings form.
 * Event names and target types mirror the server's (notification-form.test.ts keeps them equal);
 * whether a URL, token or secret is acceptable for the type is decided by the server, which
 * answers with the reason on the field.
 */
import { z } from "zod";
import { checkbox, msg, optionalText, requiredNumber, requiredText } from "./form-data.ts";

export const TARGET_TYPES = ["wecom", "feishu", "dingtalk", "telegram", "webhook"] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

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

/** Config fields each type uses, in form order. */
export const CONFIG_FIELDS: Record<TargetType, ReadonlyArray<"url" | "secret" | "botToken" | "chatId" | "apiUrl">> = {
  wecom: ["url"],
  feishu: ["url", "secret"],
  dingtalk: ["url", "secret"],
  telegram: ["botToken", "chatId", "apiUrl"],
  webhook: ["url", "secret"],
};

/** The checkbox of an event in the form. */
export const eventField = (name: EventName) => `event:${name}`;

export const targetFormSchema = z
  .object({
    name: requiredText(100),
    type: z.enum(TARGET_TYPES, { error: msg("form.required") }),
    isEnabled: checkbox(),
    url: optionalText(2000),
    secret: optionalText(500),
    botToken: optionalText(200),
    chatId: optionalText(100),
    apiUrl: optionalText(2000),
    ...Object.fromEntries(EVENT_NAMES.map((e) => [eventField(e), checkbox()])),
  })
  .transform((form) => {
    const values = form as unknown as Record<string, string | boolean>;
    const config: Record<string, string> = {};
    for (const field of CONFIG_FIELDS[form.type]) {
      const value = values[field];
      if (typeof value === "string" && value !== "") config[field] = value;
    }
    return { name: form.name, type: form.type, isEnabled: form.isEnabled, events: EVENT_NAMES.filter((e) => values[eventField(e)] === true), config };
  });

export const targetToggleSchema = z.object({ isEnabled: checkbox() });

export const notificationSettingsSchema = z.object({
  quotaAlertPercent: requiredNumber({ min: 1, max: 100, integer: true }),
  leaderboardTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg("form.timeOfDay")),
  leaderboardTopN: requiredNumber({ min: 1, max: 50, integer: true }),
  cooldownMinutes: requiredNumber({ min: 0, max: 1440, integer: true }),
  maxPerHour: requiredNumber({ min: 1, max: 1000, integer: true }),
  language: z.enum(["en", "zh-CN"]),
});
