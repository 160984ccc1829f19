/**
 * The shapes the gateway reads on every request, prepared once when the catalog loads a row:
 * decimals become integer nano-USD, dates become epoch ms, secrets are decrypted.
 */
import type { PriceData } from "../domain/prices.ts";

export type ProviderType = "claude" | "claude-auth" | "codex" | "openai-compatible" | "gemini" | "gemini-cli";
export const PROVIDER_TYPES: readonly ProviderType[] = ["claude", "claude-auth", "codex", "openai-compatible", "gemini", "gemini-cli"];

export type DailyResetMode = "fixed" | "rolling";
export type CacheTtlPreference = "inherit" | "5m" | "1h";

/** Limits in the same shape on keys, users and providers; null means "no limit". */
export interface Limits {
  rpm: number | null;
  fiveHourNano: number | null;
  dailyNano: number | null;
  dailyResetMode: DailyResetMode;
  /** "HH:mm" in the system time zone. */
  dailyResetTime: string;
  weeklyNano: number | null;
  monthlyNano: number | null;
  totalNano: number | null;
  concurrentSessions: number | null;
  /** Spend before this instant (epoch ms) does not count toward the total limit. */
  totalResetAt: number | null;
}

export interface CachedUser {
  id: number;
  name: string;
  role: "admin" | "user";
  isEnabled: boolean;
  expiresAt: number | null;
  /** Provider groups this user may use (never empty: "default" when unset). */
  groups: string[];
  /** Models this user may request (provider-style rules; empty allows every model). */
  allowedModels: ModelRule[];
  allowedClients: string[];
  blockedClients: string[];
  limits: Limits;
}

export interface CachedKey {
  id: number;
  name: string;
  userId: number;
  isEnabled: boolean;
  expiresAt: number | null;
  canLoginWebUi: boolean;
  /** The key's own groups, or null to use the user's. */
  groups: string[] | null;
  cacheTtlPreference: CacheTtlPreference;
  limits: Limits;
  user: CachedUser;
}

export type ModelMatch = "exact" | "prefix" | "suffix" | "contains" | "regex";
export interface ModelRule {
  match: ModelMatch;
  pattern: string;
}
export interface ModelRedirect extends ModelRule {
  target: string;
}

export interface CachedProvider {
  id: number;
  name: string;
  url: string;
  providerType: ProviderType;
  /** The decrypted upstream secret; never logged, never returned by an API. */
  secret: string;
  isEnabled: boolean;
  weight: number;
  priority: number;
  groupPriorities: Record<string, number>;
  costMultiplier: number;
  /** Groups this provider serves (never empty: "default" when untagged). */
  groups: string[];
  activeTimeStart: string | null;
  activeTimeEnd: string | null;
  allowedModels: ModelRule[];
  modelRedirects: ModelRedirect[];
  allowedClients: string[];
  blockedClients: string[];
  limits: Limits;
  maxRetryAttempts: number | null;
  breaker: { failureThreshold: number; openDurationMs: number; halfOpenSuccessThreshold: number; halfOpenMaxProbes: number };
  timeouts: { firstByteStreamingMs: number; streamingIdleMs: number; nonStreamingTotalMs: number };
  clientAbortPolicy: "abort" | "drain";
  drainTimeoutMs: number;
  sessionTtlSeconds: number | null;
  disableSessionReuse: boolean;
  reclaimSessions: boolean;
  proxyUrl: string | null;
  proxyFallbackToDirect: boolean;
  preserveClientIp: boolean;
  customHeaders: Record<string, string>;
  cacheTtlPreference: CacheTtlPreference;
  mcpPassthroughType: "none" | "minimax" | "glm";
  mcpPassthroughUrl: string | null;
  /** `codex` providers: whose `instructions` the upstream gets (gateway/providers/codex/instructions.ts). */
  codexInstructionsStrategy: "auto" | "official" | "custom";
  /** The admin's instructions for the `custom` strategy (at most 64 KiB). */
  codexInstructions: string | null;
  /** Serve requests of other wire formats through conversion (gateway/convert/, decision 0020). */
  allowFormatConversion: boolean;
}

export interface CachedSettings {
  siteTitle: string;
  currencyDisplay: string;
  /** Units of currencyDisplay per US dollar (display only). */
  exchangeRate: number;
  /** ISO time the admin last set exchangeRate, or null. */
  exchangeRateSetAt: string | null;
  billingModelSource: "original" | "redirected";
  timezone: string;
  verboseProviderError: boolean;
  passThroughUpstreamErrorMessage: boolean;
  enableHttp2: boolean;
  enableCircuitBreakerOnNetworkErrors: boolean;
  interceptWarmupRequests: boolean;
  enableClientVersionCheck: boolean;
  /** Client name (as in its User-Agent) → lowest version accepted. */
  minClientVersions: Record<string, string>;
  maxProviderSwitches: number;
  retryAfterCapMs: number;
  defaultLimits: Limits;
  moneyLimitFailMode: "closed" | "open";
  reservationCapNano: number;
  /** What admission holds for a request in flight (server/gateway/limits/estimate.ts). */
  reservationMode: "expected" | "strict";
  priceSyncUrl: string;
  logCleanupEnabled: boolean;
  logRetentionDays: number;
  /** Scheduled jobs (decision 0019): the daily price sync on/off and its time, the log cleanup's time (HH:MM, system time zone). */
  priceSyncScheduled: boolean;
  priceSyncTime: string;
  logCleanupTime: string;
}

export interface CachedPrice {
  modelName: string;
  priceData: PriceData;
  source: string;
}
