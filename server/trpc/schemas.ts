/**
 * Shapes shared by several routers: the limit fields (the same names on users, keys and
 * providers, in the database, the tRPC inputs and the REST API), and the public views of rows.
 */
import { z } from "zod";
import type { ApiKey, Provider, User } from "../generated/prisma/client.ts";
import { maskSecret, type SecretBox } from "../auth/secrets.ts";
import { maskCustomHeaders, maskProxyUrl, openCustomHeaders, openProxyUrl } from "../catalog/provider-secrets.ts";

const usd = z.number().min(0).max(1_000_000_000).nullable().optional();
const count = z.number().int().min(0).max(1_000_000_000).nullable().optional();

export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Limit fields accepted by users/keys/providers create and update. Null or 0 means no limit. */
export const limitInputFields = {
  rpmLimit: count,
  limit5hUsd: usd,
  limitDailyUsd: usd,
  dailyResetMode: z.enum(["fixed", "rolling"]).optional(),
  dailyResetTime: z.string().regex(HH_MM, "use HH:mm").optional(),
  limitWeeklyUsd: usd,
  limitMonthlyUsd: usd,
  limitTotalUsd: usd,
  limitConcurrentSessions: count,
};

export const limitOutputFields = {
  rpmLimit: z.number().nullable(),
  limit5hUsd: z.number().nullable(),
  limitDailyUsd: z.number().nullable(),
  dailyResetMode: z.enum(["fixed", "rolling"]),
  dailyResetTime: z.string(),
  limitWeeklyUsd: z.number().nullable(),
  limitMonthlyUsd: z.number().nullable(),
  limitTotalUsd: z.number().nullable(),
  limitConcurrentSessions: z.number().nullable(),
  totalCostResetAt: z.string().nullable(),
};

type LimitRow = Pick<
  User,
  | "rpmLimit"
  | "limit5hUsd"
  | "limitDailyUsd"
  | "dailyResetMode"
  | "dailyResetTime"
  | "limitWeeklyUsd"
  | "limitMonthlyUsd"
  | "limitTotalUsd"
  | "limitConcurrentSessions"
  | "totalCostResetAt"
>;

const num = (d: { toString(): string } | null) => (d === null ? null : Number(d.toString()));
export const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function limitView(row: LimitRow) {
  return {
    rpmLimit: row.rpmLimit,
    limit5hUsd: num(row.limit5hUsd),
    limitDailyUsd: num(row.limitDailyUsd),
    dailyResetMode: row.dailyResetMode as "fixed" | "rolling",
    dailyResetTime: row.dailyResetTime,
    limitWeeklyUsd: num(row.limitWeeklyUsd),
    limitMonthlyUsd: num(row.limitMonthlyUsd),
    limitTotalUsd: num(row.limitTotalUsd),
    limitConcurrentSessions: row.limitConcurrentSessions,
    totalCostResetAt: iso(row.totalCostResetAt),
  };
}

/** The limit fields of a create or update input, as validated by `limitInputFields`. */
export type LimitInput = Partial<Record<keyof typeof limitInputFields, unknown>>;

/** Input limit fields → Prisma data (undefined fields are left unchanged). */
export function limitData(input: LimitInput) {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(limitInputFields) as Array<keyof typeof limitInputFields>) {
    const value = input[key];
    if (value === undefined) continue;
    data[key] = typeof value === "number" && key !== "rpmLimit" && key !== "limitConcurrentSessions" ? String(value) : value;
  }
  return data;
}

/** One day of a user's or key's usage (users.usage, me.usage). */
export const usageDay = z.object({ day: z.string().describe("YYYY-MM-DD in the hub's time zone"), requests: z.number(), errors: z.number(), costUsd: z.number() });

export const MODEL_MATCH = z.enum(["exact", "prefix", "suffix", "contains", "regex"]);
export const modelRule = z.object({ match: MODEL_MATCH, pattern: z.string().min(1) });

export const userView = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  role: z.enum(["admin", "user"]),
  isEnabled: z.boolean(),
  expiresAt: z.string().nullable(),
  providerGroup: z.string().nullable(),
  tags: z.array(z.string()),
  allowedModels: z.array(modelRule),
  allowedClients: z.array(z.string()),
  blockedClients: z.array(z.string()),
  ...limitOutputFields,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function toUserView(row: User): z.infer<typeof userView> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    role: row.role,
    isEnabled: row.isEnabled,
    expiresAt: iso(row.expiresAt),
    providerGroup: row.providerGroup,
    tags: row.tags,
    allowedModels: Array.isArray(row.allowedModels) ? (row.allowedModels as z.infer<typeof modelRule>[]) : [],
    allowedClients: row.allowedClients,
    blockedClients: row.blockedClients,
    ...limitView(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const keyView = z.object({
  id: z.number(),
  userId: z.number(),
  name: z.string(),
  /** The key is never shown again after keys.create; this is its masked form. */
  keyMasked: z.string(),
  isEnabled: z.boolean(),
  expiresAt: z.string().nullable(),
  canLoginWebUi: z.boolean(),
  providerGroup: z.string().nullable(),
  cacheTtlPreference: z.enum(["inherit", "5m", "1h"]),
  ...limitOutputFields,
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function toKeyView(row: ApiKey): z.infer<typeof keyView> {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    keyMasked: row.keyMasked,
    isEnabled: row.isEnabled,
    expiresAt: iso(row.expiresAt),
    canLoginWebUi: row.canLoginWebUi,
    providerGroup: row.providerGroup,
    cacheTtlPreference: row.cacheTtlPreference as "inherit" | "5m" | "1h",
    ...limitView(row),
    lastUsedAt: iso(row.lastUsedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const PROVIDER_TYPE = z.enum(["claude", "claude-auth", "codex", "openai-compatible", "gemini", "gemini-cli"]);
export const modelRedirectRule = modelRule.extend({ target: z.string().min(1) });

export const providerView = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  url: z.string(),
  /** Masked upstream key (the key itself never leaves the hub). */
  keyMasked: z.string(),
  providerType: PROVIDER_TYPE,
  isEnabled: z.boolean(),
  weight: z.number(),
  priority: z.number(),
  groupPriorities: z.record(z.string(), z.number()),
  costMultiplier: z.number(),
  groupTag: z.string().nullable(),
  activeTimeStart: z.string().nullable(),
  activeTimeEnd: z.string().nullable(),
  allowedModels: z.array(modelRule),
  modelRedirects: z.array(modelRedirectRule),
  allowedClients: z.array(z.string()),
  blockedClients: z.array(z.string()),
  ...limitOutputFields,
  maxRetryAttempts: z.number().nullable(),
  circuitBreakerFailureThreshold: z.number(),
  circuitBreakerOpenDurationMs: z.number(),
  circuitBreakerHalfOpenSuccessThreshold: z.number(),
  circuitBreakerHalfOpenMaxProbes: z.number(),
  firstByteTimeoutStreamingMs: z.number(),
  streamingIdleTimeoutMs: z.number(),
  requestTimeoutNonStreamingMs: z.number(),
  clientAbortPolicy: z.enum(["abort", "drain"]),
  drainTimeoutMs: z.number(),
  sessionTtlSeconds: z.number().nullable(),
  disableSessionReuse: z.boolean(),
  reclaimSessions: z.boolean(),
  /** The proxy URL with its password masked ("****"); send it back unchanged to keep the password. */
  proxyUrl: z.string().nullable(),
  proxyFallbackToDirect: z.boolean(),
  preserveClientIp: z.boolean(),
  /** Header names with every value masked ("****"); a header sent back as "****" keeps its value. */
  customHeaders: z.record(z.string(), z.string()),
  cacheTtlPreference: z.enum(["inherit", "5m", "1h"]),
  mcpPassthroughType: z.enum(["none", "minimax", "glm"]),
  mcpPassthroughUrl: z.string().nullable(),
  websiteUrl: z.string().nullable(),
  codexInstructionsStrategy: z.enum(["auto", "official", "custom"]),
  codexInstructions: z.string().nullable(),
  allowFormatConversion: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The proxy URL and headers as shown: password and header values masked, never decrypted out. */
function maskedNetwork(row: Provider, secrets: SecretBox): { proxyUrl: string | null; customHeaders: Record<string, string> } {
  try {
    return { proxyUrl: maskProxyUrl(openProxyUrl(row.proxyUrl, secrets)), customHeaders: maskCustomHeaders(openCustomHeaders(row.customHeaders, secrets)) };
  } catch {
    return { proxyUrl: row.proxyUrl === null ? null : "(cannot decrypt: check ENCRYPTION_KEY)", customHeaders: {} };
  }
}

function maskedKey(row: Provider, secrets: SecretBox) {
  try {
    return maskSecret(secrets.decrypt(row.keyEncrypted));
  } catch {
    return "(cannot decrypt: check ENCRYPTION_KEY)";
  }
}

function asRecord<T>(value: unknown): Record<string, T> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, T>) : {};
}

export function toProviderView(row: Provider, secrets: SecretBox): z.infer<typeof providerView> {
  const network = maskedNetwork(row, secrets);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    url: row.url,
    keyMasked: maskedKey(row, secrets),
    providerType: row.providerType as z.infer<typeof PROVIDER_TYPE>,
    isEnabled: row.isEnabled,
    weight: row.weight,
    priority: row.priority,
    groupPriorities: asRecord<number>(row.groupPriorities),
    costMultiplier: Number(row.costMultiplier),
    groupTag: row.groupTag,
    activeTimeStart: row.activeTimeStart,
    activeTimeEnd: row.activeTimeEnd,
    allowedModels: Array.isArray(row.allowedModels) ? (row.allowedModels as z.infer<typeof modelRule>[]) : [],
    modelRedirects: Array.isArray(row.modelRedirects) ? (row.modelRedirects as z.infer<typeof modelRedirectRule>[]) : [],
    allowedClients: row.allowedClients,
    blockedClients: row.blockedClients,
    ...limitView(row),
    maxRetryAttempts: row.maxRetryAttempts,
    circuitBreakerFailureThreshold: row.circuitBreakerFailureThreshold,
    circuitBreakerOpenDurationMs: row.circuitBreakerOpenDurationMs,
    circuitBreakerHalfOpenSuccessThreshold: row.circuitBreakerHalfOpenSuccessThreshold,
    circuitBreakerHalfOpenMaxProbes: row.circuitBreakerHalfOpenMaxProbes,
    firstByteTimeoutStreamingMs: row.firstByteTimeoutStreamingMs,
    streamingIdleTimeoutMs: row.streamingIdleTimeoutMs,
    requestTimeoutNonStreamingMs: row.requestTimeoutNonStreamingMs,
    clientAbortPolicy: row.clientAbortPolicy as "abort" | "drain",
    drainTimeoutMs: row.drainTimeoutMs,
    sessionTtlSeconds: row.sessionTtlSeconds,
    disableSessionReuse: row.disableSessionReuse,
    reclaimSessions: row.reclaimSessions,
    proxyUrl: network.proxyUrl,
    proxyFallbackToDirect: row.proxyFallbackToDirect,
    preserveClientIp: row.preserveClientIp,
    customHeaders: network.customHeaders,
    cacheTtlPreference: row.cacheTtlPreference as "inherit" | "5m" | "1h",
    mcpPassthroughType: row.mcpPassthroughType as "none" | "minimax" | "glm",
    mcpPassthroughUrl: row.mcpPassthroughUrl,
    websiteUrl: row.websiteUrl,
    codexInstructionsStrategy: row.codexInstructionsStrategy as "auto" | "official" | "custom",
    codexInstructions: row.codexInstructions,
    allowFormatConversion: row.allowFormatConversion,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
