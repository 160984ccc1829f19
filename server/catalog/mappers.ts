/** Converts database rows into the catalog's hot-path shapes (see types.ts). */
import type { ApiKey, Provider, SystemSettings, User } from "../generated/prisma/client.ts";
import type { SecretBox } from "../auth/secrets.ts";
import { usdToNano } from "../domain/money.ts";
import { openCustomHeaders, openProxyUrl } from "./provider-secrets.ts";
import type {
  CacheTtlPreference,
  CachedKey,
  CachedProvider,
  CachedSettings,
  CachedUser,
  Limits,
  ModelRedirect,
  ModelRule,
  ProviderType,
} from "./types.ts";

export const DEFAULT_GROUP = "default";

/** What providers.codex_instructions_strategy may hold; anything else reads as "auto". */
const CODEX_STRATEGIES = ["auto", "official", "custom"] as const;

/** Splits a group list on commas (ASCII or Chinese) and newlines; empty means "default". */
export function parseGroups(value: string | null | undefined): string[] {
  const groups = (value ?? "")
    .split(/[,，\n\r]+/)
    .map((g) => g.trim())
    .filter(Boolean);
  return groups.length ? [...new Set(groups)] : [DEFAULT_GROUP];
}

type LimitColumns = Pick<
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

const money = (v: { toString(): string } | null) => {
  if (v === null) return null;
  const nano = usdToNano(v);
  return nano > 0 ? nano : null; // 0 means "no limit"
};
const count = (v: number | null) => (v && v > 0 ? v : null);

export function toLimits(row: LimitColumns): Limits {
  return {
    rpm: count(row.rpmLimit),
    fiveHourNano: money(row.limit5hUsd),
    dailyNano: money(row.limitDailyUsd),
    dailyResetMode: row.dailyResetMode === "rolling" ? "rolling" : "fixed",
    dailyResetTime: row.dailyResetTime,
    weeklyNano: money(row.limitWeeklyUsd),
    monthlyNano: money(row.limitMonthlyUsd),
    totalNano: money(row.limitTotalUsd),
    concurrentSessions: count(row.limitConcurrentSessions),
    totalResetAt: row.totalCostResetAt?.getTime() ?? null,
  };
}

export function toCachedUser(row: User): CachedUser {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    isEnabled: row.isEnabled && !row.deletedAt,
    expiresAt: row.expiresAt?.getTime() ?? null,
    groups: parseGroups(row.providerGroup),
    allowedModels: rules(row.allowedModels),
    allowedClients: row.allowedClients,
    blockedClients: row.blockedClients,
    limits: toLimits(row),
  };
}

export function toCachedKey(row: ApiKey & { user: User }): CachedKey {
  return {
    id: row.id,
    name: row.name,
    userId: row.userId,
    isEnabled: row.isEnabled && !row.deletedAt,
    expiresAt: row.expiresAt?.getTime() ?? null,
    canLoginWebUi: row.canLoginWebUi,
    groups: row.providerGroup ? parseGroups(row.providerGroup) : null,
    cacheTtlPreference: row.cacheTtlPreference as CacheTtlPreference,
    limits: toLimits(row),
    user: toCachedUser(row.user),
  };
}

function rules(value: unknown): ModelRule[] {
  if (!Array.isArray(value)) return [];
  return value.filter((r): r is ModelRule => !!r && typeof r.pattern === "string" && typeof r.match === "string");
}

function redirects(value: unknown): ModelRedirect[] {
  // The manual also shows the plain object form { "from": "to" }: treat it as exact rules.
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, target]) => typeof target === "string")
      .map(([pattern, target]) => ({ match: "exact", pattern, target: target as string }));
  }
  return rules(value).filter((r): r is ModelRedirect => typeof (r as ModelRedirect).target === "string");
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

function numberRecord(value: unknown): Record<string, number> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "number")) as Record<string, number>;
}

export function toCachedProvider(row: Provider, secrets: SecretBox): CachedProvider {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    providerType: row.providerType as ProviderType,
    secret: secrets.decrypt(row.keyEncrypted),
    isEnabled: row.isEnabled && !row.deletedAt,
    weight: row.weight,
    priority: row.priority,
    groupPriorities: numberRecord(row.groupPriorities),
    costMultiplier: Number(row.costMultiplier),
    groups: parseGroups(row.groupTag),
    activeTimeStart: row.activeTimeStart,
    activeTimeEnd: row.activeTimeEnd,
    allowedModels: rules(row.allowedModels),
    modelRedirects: redirects(row.modelRedirects),
    allowedClients: row.allowedClients,
    blockedClients: row.blockedClients,
    limits: toLimits(row),
    maxRetryAttempts: row.maxRetryAttempts,
    breaker: {
      failureThreshold: row.circuitBreakerFailureThreshold,
      openDurationMs: row.circuitBreakerOpenDurationMs,
      halfOpenSuccessThreshold: row.circuitBreakerHalfOpenSuccessThreshold,
      halfOpenMaxProbes: row.circuitBreakerHalfOpenMaxProbes,
    },
    timeouts: {
      firstByteStreamingMs: row.firstByteTimeoutStreamingMs,
      streamingIdleMs: row.streamingIdleTimeoutMs,
      nonStreamingTotalMs: row.requestTimeoutNonStreamingMs,
    },
    clientAbortPolicy: row.clientAbortPolicy === "drain" ? "drain" : "abort",
    drainTimeoutMs: row.drainTimeoutMs,
    sessionTtlSeconds: row.sessionTtlSeconds,
    disableSessionReuse: row.disableSessionReuse,
    reclaimSessions: row.reclaimSessions,
    proxyUrl: openProxyUrl(row.proxyUrl, secrets),
    proxyFallbackToDirect: row.proxyFallbackToDirect,
    preserveClientIp: row.preserveClientIp,
    customHeaders: openCustomHeaders(row.customHeaders, secrets),
    cacheTtlPreference: row.cacheTtlPreference as CacheTtlPreference,
    mcpPassthroughType: (row.mcpPassthroughType as CachedProvider["mcpPassthroughType"]) ?? "none",
    mcpPassthroughUrl: row.mcpPassthroughUrl,
    codexInstructionsStrategy: (CODEX_STRATEGIES as readonly string[]).includes(row.codexInstructionsStrategy) ? (row.codexInstructionsStrategy as CachedProvider["codexInstructionsStrategy"]) : "auto",
    codexInstructions: row.codexInstructions,
    allowFormatConversion: row.allowFormatConversion,
  };
}

export function toCachedSettings(row: SystemSettings): CachedSettings {
  return {
    siteTitle: row.siteTitle,
    currencyDisplay: row.currencyDisplay,
    exchangeRate: Number(row.exchangeRate.toString()),
    exchangeRateSetAt: row.exchangeRateSetAt?.toISOString() ?? null,
    billingModelSource: row.billingModelSource === "redirected" ? "redirected" : "original",
    timezone: row.timezone,
    verboseProviderError: row.verboseProviderError,
    passThroughUpstreamErrorMessage: row.passThroughUpstreamErrorMessage,
    enableHttp2: row.enableHttp2,
    enableCircuitBreakerOnNetworkErrors: row.enableCircuitBreakerOnNetworkErrors,
    interceptWarmupRequests: row.interceptWarmupRequests,
    enableClientVersionCheck: row.enableClientVersionCheck,
    minClientVersions: stringRecord(row.minClientVersions),
    maxProviderSwitches: row.maxProviderSwitches,
    retryAfterCapMs: row.retryAfterCapMs,
    defaultLimits: {
      rpm: count(row.defaultRpmLimit),
      fiveHourNano: money(row.defaultLimit5hUsd),
      dailyNano: money(row.defaultLimitDailyUsd),
      dailyResetMode: "fixed",
      dailyResetTime: "00:00",
      weeklyNano: money(row.defaultLimitWeeklyUsd),
      monthlyNano: money(row.defaultLimitMonthlyUsd),
      totalNano: money(row.defaultLimitTotalUsd),
      concurrentSessions: count(row.defaultLimitConcurrentSessions),
      totalResetAt: null,
    },
    moneyLimitFailMode: row.moneyLimitFailMode === "open" ? "open" : "closed",
    reservationCapNano: usdToNano(row.reservationCapUsd),
    reservationMode: row.reservationMode === "strict" ? "strict" : "expected",
    priceSyncUrl: row.priceSyncUrl,
    logCleanupEnabled: row.logCleanupEnabled,
    logRetentionDays: row.logRetentionDays,
    priceSyncScheduled: row.priceSyncScheduled,
    priceSyncTime: row.priceSyncTime,
    logCleanupTime: row.logCleanupTime,
  };
}
