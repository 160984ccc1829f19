/**
 * notifications.*: where the hub's notifications go (targets), which events each receives,
 * the alert threshold, leaderboard time and rate limits, a "send test" button and each target's
 * delivery log (decision 0022). Admin only. Target URLs, tokens and secrets are encrypted at
 * rest and only ever returned masked; an edit that sends a masked value back keeps the secret.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { NotificationTarget } from "../../generated/prisma/client.ts";
import { isTimeOfDay } from "../../jobs/schedule.ts";
import { CHANNELS } from "../../notifications/channels/registry.ts";
import { TARGET_TYPES, type TargetType } from "../../notifications/channels/types.ts";
import { EVENT_NAMES } from "../../notifications/events.ts";
import { NOTIFICATION_LANGUAGES } from "../../notifications/messages.ts";
import { maskConfig, mergeConfig, openConfig, sealConfig, type TargetConfig } from "../../notifications/target-config.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router, type TrpcContext } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";
import { refineProblem } from "../../domain/validation-problems.ts";

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
type TargetView = z.infer<typeof targetView>;

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
// Helpers
// ---------------------------------------------------------------------------------------------

function storedConfig(ctx: Pick<TrpcContext, "secrets" | "logger">, row: NotificationTarget): TargetConfig {
  try {
    return openConfig(row.config, ctx.secrets);
  } catch (error) {
    ctx.logger.warn({ target: row.id, err: (error as Error).message }, "notification target config cannot be decrypted");
    return {};
  }
}

function toView(ctx: Pick<TrpcContext, "secrets" | "logger">, row: NotificationTarget): TargetView {
  const type = row.type as TargetType;
  return {
    id: row.id,
    name: row.name,
    type,
    isEnabled: row.isEnabled,
    events: row.events,
    config: maskConfig(type, storedConfig(ctx, row)),
    lastStatus: row.lastStatus === "ok" || row.lastStatus === "failed" ? row.lastStatus : null,
    lastError: row.lastError,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    consecutiveFailures: row.consecutiveFailures,
    failing: row.lastStatus === "failed",
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The type's config, validated as it will be stored; refused with the field named. */
function validConfig(type: TargetType, config: Record<string, unknown>): TargetConfig {
  const parsed = CHANNELS[type].schema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `config.${issue.path.join(".")}` : "config";
    throw new TRPCError({ code: "BAD_REQUEST", message: `${field}: ${issue?.message ?? "invalid"}`, cause: parsed.error });
  }
  return parsed.data;
}

const notFound = (id: number) => hubError("NOT_FOUND", "notificationTargetNotFound", { id });

async function changed(ctx: Pick<TrpcContext, "notifications">): Promise<void> {
  await ctx.notifications?.directory.changed();
}

// ---------------------------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------------------------

const meta = (path: string, summary: string) => ({ openapi: { method: "POST" as const, path: `/notifications/${path}` as `/${string}`, tags: ["notifications"], summary, protect: true } });

export const notificationsRouter = router({
  list: adminProcedure
    .meta(meta("list", "Notification targets (config masked) with their delivery health"))
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(targetView), events: z.array(z.string()) }))
    .query(async ({ ctx }) => {
      const rows = await ctx.db.notificationTarget.findMany({ orderBy: { id: "asc" }, take: 500 });
      return { items: rows.map((r) => toView(ctx, r)), events: [...EVENT_NAMES] };
    }),

  create: adminProcedure
    .meta(meta("create", "Add a notification target"))
    .input(z.object(targetFields))
    .output(targetView)
    .mutation(async ({ ctx, input }) => {
      const config = validConfig(input.type, input.config);
      const row = await ctx.db.notificationTarget.create({
        data: { name: input.name, type: input.type, isEnabled: input.isEnabled, events: [...new Set(input.events)], config: sealConfig(config, ctx.secrets) },
      });
      const view = toView(ctx, row);
      audit(ctx, "notifications.create", { type: "notification_target", id: row.id }, { after: view });
      await changed(ctx);
      return view;
    }),

  update: adminProcedure
    .meta(meta("update", "Change a notification target (masked or empty secrets are kept)"))
    .input(z.object({ id: z.number().int(), ...targetFields, type: targetFields.type.optional(), name: targetFields.name.optional(), events: targetFields.events.optional(), config: configInput.optional(), isEnabled: z.boolean().optional() }))
    .output(targetView)
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.notificationTarget.findUnique({ where: { id: input.id } });
      if (!before) throw notFound(input.id);
      const type = input.type ?? (before.type as TargetType);
      const stored = storedConfig(ctx, before);
      // A new type starts from its own config; secrets of the old type are not carried over.
      const submitted = input.config ?? (type === before.type ? (stored as Record<string, string>) : {});
      const config = validConfig(type, mergeConfig(type, submitted, type === before.type ? stored : null));
      const row = await ctx.db.notificationTarget.update({
        where: { id: input.id },
        data: {
          name: input.name,
          type,
          isEnabled: input.isEnabled,
          events: input.events ? [...new Set(input.events)] : undefined,
          config: sealConfig(config, ctx.secrets),
        },
      });
      const view = toView(ctx, row);
      audit(ctx, "notifications.update", { type: "notification_target", id: row.id }, { before: toView(ctx, before), after: view });
      await changed(ctx);
      return view;
    }),

  delete: adminProcedure
    .meta(meta("delete", "Remove a notification target and its delivery log"))
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.notificationTarget.findUnique({ where: { id: input.id } });
      if (!before) throw notFound(input.id);
      await ctx.db.notificationTarget.delete({ where: { id: input.id } });
      audit(ctx, "notifications.delete", { type: "notification_target", id: input.id }, { before: toView(ctx, before) });
      await changed(ctx);
      return { ok: true };
    }),

  test: adminProcedure
    .meta(meta("test", "Send a test message to a target now"))
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ status: z.enum(["sent", "failed", "rate_limited", "claimed_elsewhere"]), attempts: z.number(), httpStatus: z.number().nullable(), error: z.string().nullable() }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.notifications) throw hubError("PRECONDITION_FAILED", "notificationsNotRunning");
      const result = await ctx.notifications.sendTest(input.id);
      if (!result) throw notFound(input.id);
      return result;
    }),

  deliveries: adminProcedure
    .meta(meta("deliveries", "A target's delivery log, newest first"))
    .input(z.object({ id: z.number().int(), limit: z.number().int().min(1).max(200).default(50), before: z.string().regex(/^\d{1,19}$/).optional().describe("Rows older than this delivery id") }))
    .output(z.object({ items: z.array(deliveryView) }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.notificationDelivery.findMany({
        where: { targetId: input.id, ...(input.before ? { id: { lt: BigInt(input.before) } } : {}) },
        orderBy: { id: "desc" },
        take: input.limit,
      });
      return {
        items: rows.map((r) => ({
          id: r.id.toString(),
          event: r.event,
          title: r.title,
          status: r.status as "sent" | "failed" | "rate_limited",
          attempts: r.attempts,
          httpStatus: r.httpStatus,
          error: r.error,
          createdAt: r.createdAt.toISOString(),
          finishedAt: r.finishedAt?.toISOString() ?? null,
        })),
      };
    }),

  settings: adminProcedure
    .meta(meta("settings", "Alert threshold, leaderboard time, rate limits, message language"))
    .input(z.object({}).default({}))
    .output(settingsView)
    .query(async ({ ctx }) => {
      const row = await ctx.db.notificationSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
      return settingsView.parse({ ...row, language: row.language === "zh-CN" ? "zh-CN" : "en" });
    }),

  updateSettings: adminProcedure
    .meta(meta("updateSettings", "Change the notification settings (an unparsable time is refused)"))
    .input(z.object(settingsFields).partial())
    .output(settingsView)
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.notificationSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
      const row = await ctx.db.notificationSettings.update({ where: { id: 1 }, data: input });
      const view = (r: typeof row) => settingsView.parse({ ...r, language: r.language === "zh-CN" ? "zh-CN" : "en" });
      audit(ctx, "notifications.updateSettings", { type: "notification_settings", id: 1 }, { before: view(before), after: view(row) });
      await changed(ctx);
      return view(row);
    }),
});
