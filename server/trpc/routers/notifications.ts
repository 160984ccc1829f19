/**
 * notifications.*: where the hub's notifications go (targets), which events each receives,
 * the alert threshold, leaderboard time and rate limits, a "send test" button and each target's
 * delivery log (decision 0022). Admin only. Target URLs, tokens and secrets are encrypted at
 * rest and only ever returned masked; an edit that sends a masked value back keeps the secret.
 * The queries, the sealing and the views live in server/admin/notifications.ts.
 */
import { z } from "zod";
import {
  createTarget,
  deleteTarget,
  listDeliveries,
  listTargets,
  readNotificationSettings,
  sendTestMessage,
  updateNotificationSettings,
  updateTarget,
} from "../../admin/notifications.ts";
import { refineProblem } from "../../domain/validation-problems.ts";
import { isTimeOfDay } from "../../jobs/schedule.ts";
import { TARGET_TYPES } from "../../notifications/channels/types.ts";
import { EVENT_NAMES } from "../../notifications/events.ts";
import { NOTIFICATION_LANGUAGES } from "../../notifications/messages.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

/** Config values as submitted: short strings (URLs, tokens, a chat id); checked per type below. */
const configInput = z
  .record(z.string().max(50), z.string().max(2000))
  .refine((c) => Object.keys(c).length <= 10, refineProblem("notifyConfigTooManyFields"))
  .describe("wecom/feishu/dingtalk: url (+ secret for feishu/dingtalk signing); telegram: botToken, chatId, apiUrl; webhook: url, secret (≥ 16 characters)");

const targetFields = {
  name: z.string().trim().min(1).max(100),
  type: z.enum(TARGET_TYPES),
  isEnabled: z.boolean().default(true),
  events: z.array(z.enum(EVENT_NAMES)).max(EVENT_NAMES.length).describe(`Any of: ${EVENT_NAMES.join(", ")}`),
  config: configInput,
};

const targetView = z.object({
  id: z.number(),
  name: z.string(),
  type: z.enum(TARGET_TYPES),
  isEnabled: z.boolean(),
  events: z.array(z.string()),
  config: z.record(z.string(), z.string()).describe("Masked: URLs as scheme and host, secrets as ****"),
  lastStatus: z.enum(["ok", "failed"]).nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  consecutiveFailures: z.number(),
  /** The last delivery failed (shown as a failing target). */
  failing: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const settingsFields = {
  quotaAlertPercent: z.number().int().min(1).max(100).describe("Alert at this percentage of a money limit"),
  leaderboardTime: z.string().refine(isTimeOfDay, refineProblem("notifyLeaderboardTime")).describe("Daily leaderboard time, HH:MM in the system time zone"),
  leaderboardTopN: z.number().int().min(1).max(50),
  cooldownMinutes: z.number().int().min(0).max(1440).describe("At most one message per event and subject per target in this many minutes"),
  maxPerHour: z.number().int().min(1).max(1000).describe("At most this many messages per target per hour"),
  language: z.enum(NOTIFICATION_LANGUAGES as unknown as ["en", "zh-CN"]),
};
const settingsView = z.object(settingsFields);

const deliveryView = z.object({
  id: z.string(),
  event: z.string(),
  title: z.string(),
  status: z.enum(["sent", "failed", "rate_limited"]),
  attempts: z.number(),
  httpStatus: z.number().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------------------------

const meta = (path: string, summary: string) => ({ openapi: { method: "POST" as const, path: `/notifications/${path}` as `/${string}`, tags: ["notifications"], summary, protect: true } });

export const notificationsRouter = router({
  list: adminProcedure
    .meta(meta("list", "Notification targets (config masked) with their delivery health"))
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(targetView), events: z.array(z.string()) }))
    .query(({ ctx }) => listTargets(ctx)),

  create: adminProcedure
    .meta(meta("create", "Add a notification target"))
    .input(z.object(targetFields))
    .output(targetView)
    .mutation(async ({ ctx, input }) => {
      const view = await createTarget(ctx, input);
      audit(ctx, "notifications.create", { type: "notification_target", id: view.id }, { after: view });
      return view;
    }),

  update: adminProcedure
    .meta(meta("update", "Change a notification target (masked or empty secrets are kept)"))
    .input(z.object({ id: z.number().int(), ...targetFields, type: targetFields.type.optional(), name: targetFields.name.optional(), events: targetFields.events.optional(), config: configInput.optional(), isEnabled: z.boolean().optional() }))
    .output(targetView)
    .mutation(async ({ ctx, input }) => {
      const { id, ...changes } = input;
      const { before, after } = await updateTarget(ctx, id, changes);
      audit(ctx, "notifications.update", { type: "notification_target", id }, { before, after });
      return after;
    }),

  delete: adminProcedure
    .meta(meta("delete", "Remove a notification target and its delivery log"))
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const before = await deleteTarget(ctx, input.id);
      audit(ctx, "notifications.delete", { type: "notification_target", id: input.id }, { before });
      return { ok: true };
    }),

  test: adminProcedure
    .meta(meta("test", "Send a test message to a target now"))
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ status: z.enum(["sent", "failed", "rate_limited", "claimed_elsewhere"]), attempts: z.number(), httpStatus: z.number().nullable(), error: z.string().nullable() }))
    .mutation(({ ctx, input }) => sendTestMessage(ctx, input.id)),

  deliveries: adminProcedure
    .meta(meta("deliveries", "A target's delivery log, newest first"))
    .input(z.object({ id: z.number().int(), limit: z.number().int().min(1).max(200).default(50), before: z.string().regex(/^\d{1,19}$/).optional().describe("Rows older than this delivery id") }))
    .output(z.object({ items: z.array(deliveryView) }))
    .query(({ ctx, input }) => listDeliveries(ctx.db, input)),

  settings: adminProcedure
    .meta(meta("settings", "Alert threshold, leaderboard time, rate limits, message language"))
    .input(z.object({}).default({}))
    .output(settingsView)
    .query(({ ctx }) => readNotificationSettings(ctx.db)),

  updateSettings: adminProcedure
    .meta(meta("updateSettings", "Change the notification settings (an unparsable time is refused)"))
    .input(z.object(settingsFields).partial())
    .output(settingsView)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await updateNotificationSettings(ctx, input);
      audit(ctx, "notifications.updateSettings", { type: "notification_settings", id: 1 }, { before, after });
      return after;
    }),
});
