/**
 * The notifications page's work (decision 0022): where the hub's notifications go (targets),
 * which events each receives, the alert threshold, leaderboard time and rate limits, a test send
 * and each target's delivery log. Target URLs, tokens and secrets are sealed at rest and only ever
 * shown masked; an edit that sends a masked value back keeps the secret. Every change tells the
 * running notification service (on every instance) to reload.
 */
import { TRPCError } from "@trpc/server";
import type { NotificationDelivery, NotificationSettings, NotificationTarget } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import { CHANNELS } from "../notifications/channels/registry.ts";
import type { TargetType } from "../notifications/channels/types.ts";
import type { NotificationSettingsView } from "../notifications/directory.ts";
import type { DeliveryResult } from "../notifications/dispatcher.ts";
import { EVENT_NAMES, type EventName } from "../notifications/events.ts";
import { maskConfig, mergeConfig, openConfig, sealConfig, type TargetConfig } from "../notifications/target-config.ts";
import { hubError } from "../trpc/hub-errors.ts";
import type { Services } from "../trpc/trpc.ts";

/** What opening a stored config needs: the key, and a log for one that does not open. */
type ConfigDeps = Pick<Services, "secrets" | "logger">;
type NotifyDeps = Pick<Services, "db" | "secrets" | "logger" | "notifications">;

export interface TargetView {
  id: number;
  name: string;
  type: TargetType;
  isEnabled: boolean;
  events: string[];
  /** Masked: URLs as scheme and host, secrets as ****. */
  config: Record<string, string>;
  lastStatus: "ok" | "failed" | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  consecutiveFailures: number;
  /** The last delivery failed (shown as a failing target). */
  failing: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TargetInput {
  name: string;
  type: TargetType;
  isEnabled: boolean;
  events: EventName[];
  config: Record<string, string>;
}

/** The settings as the directory keeps them (one definition of their shape). */
export type { NotificationSettingsView };

export interface DeliveryView {
  id: string;
  event: string;
  title: string;
  status: "sent" | "failed" | "rate_limited";
  attempts: number;
  httpStatus: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A config that no longer opens (the key changed) reads as empty, so the target can be re-entered. */
function storedConfig(deps: ConfigDeps, row: NotificationTarget): TargetConfig {
  try {
    return openConfig(row.config, deps.secrets);
  } catch (error) {
    deps.logger.warn({ target: row.id, err: (error as Error).message }, "notification target config cannot be decrypted");
    return {};
  }
}

export function toTargetView(deps: ConfigDeps, row: NotificationTarget): TargetView {
  const type = row.type as TargetType;
  return {
    id: row.id,
    name: row.name,
    type,
    isEnabled: row.isEnabled,
    events: row.events,
    config: maskConfig(type, storedConfig(deps, row)),
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
export function validConfig(type: TargetType, config: Record<string, unknown>): TargetConfig {
  const parsed = CHANNELS[type].schema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `config.${issue.path.join(".")}` : "config";
    throw new TRPCError({ code: "BAD_REQUEST", message: `${field}: ${issue?.message ?? "invalid"}`, cause: parsed.error });
  }
  return parsed.data;
}

/**
 * The config an edit stores: the submitted one with masked or empty secrets taken from the stored
 * one, or the stored one when none is submitted. A new type starts from its own config; secrets
 * of the old type are not carried over.
 */
export function editedConfig(type: TargetType, storedType: string, stored: TargetConfig, submitted: Record<string, string> | undefined): TargetConfig {
  const sameType = type === storedType;
  return validConfig(type, mergeConfig(type, submitted ?? (sameType ? (stored as Record<string, string>) : {}), sameType ? stored : null));
}

export function toSettingsView(row: NotificationSettings): NotificationSettingsView {
  return {
    quotaAlertPercent: row.quotaAlertPercent,
    leaderboardTime: row.leaderboardTime,
    leaderboardTopN: row.leaderboardTopN,
    cooldownMinutes: row.cooldownMinutes,
    maxPerHour: row.maxPerHour,
    language: row.language === "zh-CN" ? "zh-CN" : "en",
  };
}

export function toDeliveryView(row: NotificationDelivery): DeliveryView {
  return {
    id: row.id.toString(),
    event: row.event,
    title: row.title,
    status: row.status as DeliveryView["status"],
    attempts: row.attempts,
    httpStatus: row.httpStatus,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

const notFound = (id: number) => hubError("NOT_FOUND", "notificationTargetNotFound", { id });

async function existingTarget(db: Db, id: number): Promise<NotificationTarget> {
  const row = await db.notificationTarget.findUnique({ where: { id } });
  if (!row) throw notFound(id);
  return row;
}

async function changed(deps: Pick<Services, "notifications">): Promise<void> {
  await deps.notifications?.directory.changed();
}

/** The row always exists once notifications have started; upsert covers a database emptied by hand. */
const loadSettings = (db: Db) => db.notificationSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });

/** Every target (config masked) with its delivery health, and the events a target may receive. */
export async function listTargets(deps: ConfigDeps & Pick<Services, "db">): Promise<{ items: TargetView[]; events: string[] }> {
  const rows = await deps.db.notificationTarget.findMany({ orderBy: { id: "asc" }, take: 500 });
  return { items: rows.map((r) => toTargetView(deps, r)), events: [...EVENT_NAMES] };
}

export async function createTarget(deps: NotifyDeps, input: TargetInput): Promise<TargetView> {
  const config = validConfig(input.type, input.config);
  const row = await deps.db.notificationTarget.create({
    data: { name: input.name, type: input.type, isEnabled: input.isEnabled, events: [...new Set(input.events)], config: sealConfig(config, deps.secrets) },
  });
  await changed(deps);
  return toTargetView(deps, row);
}

/** Omitted fields stay as they are, masked or empty secrets too; the before and after, for the audit log. */
export async function updateTarget(deps: NotifyDeps, id: number, changes: Partial<TargetInput>): Promise<{ before: TargetView; after: TargetView }> {
  const before = await existingTarget(deps.db, id);
  const type = changes.type ?? (before.type as TargetType);
  const config = editedConfig(type, before.type, storedConfig(deps, before), changes.config);
  const row = await deps.db.notificationTarget.update({
    where: { id },
    data: {
      name: changes.name,
      type,
      isEnabled: changes.isEnabled,
      events: changes.events ? [...new Set(changes.events)] : undefined,
      config: sealConfig(config, deps.secrets),
    },
  });
  await changed(deps);
  return { before: toTargetView(deps, before), after: toTargetView(deps, row) };
}

/** Removes the target with its delivery log; the target as it was, for the audit log. */
export async function deleteTarget(deps: NotifyDeps, id: number): Promise<TargetView> {
  const before = await existingTarget(deps.db, id);
  await deps.db.notificationTarget.delete({ where: { id } });
  await changed(deps);
  return toTargetView(deps, before);
}

/** Sends a test message now, through the running notification service. */
export async function sendTestMessage(deps: Pick<Services, "notifications">, id: number): Promise<DeliveryResult> {
  if (!deps.notifications) throw hubError("PRECONDITION_FAILED", "notificationsNotRunning");
  const result = await deps.notifications.sendTest(id);
  if (!result) throw notFound(id);
  return result;
}

/** A target's deliveries, newest first; `before` pages on by delivery id. */
export async function listDeliveries(db: Db, query: { id: number; limit: number; before?: string }): Promise<{ items: DeliveryView[] }> {
  const rows = await db.notificationDelivery.findMany({
    where: { targetId: query.id, ...(query.before ? { id: { lt: BigInt(query.before) } } : {}) },
    orderBy: { id: "desc" },
    take: query.limit,
  });
  return { items: rows.map(toDeliveryView) };
}

export async function readNotificationSettings(db: Db): Promise<NotificationSettingsView> {
  return toSettingsView(await loadSettings(db));
}

/** Omitted fields stay as they are; the before and after, for the audit log. */
export async function updateNotificationSettings(
  deps: Pick<Services, "db" | "notifications">,
  changes: Partial<NotificationSettingsView>,
): Promise<{ before: NotificationSettingsView; after: NotificationSettingsView }> {
  const before = await loadSettings(deps.db);
  const row = await deps.db.notificationSettings.update({ where: { id: 1 }, data: changes });
  await changed(deps);
  return { before: toSettingsView(before), after: toSettingsView(row) };
}
