/**
 * The system settings page saves one section at a time; each section's form validates only its
 * own fields (settings.update leaves the others as they are).
 */
import { z } from "zod";
import { checkbox, linesField, msg, nullableNumber, requiredDuration, requiredNumber, requiredText, textLines, type LinesResult } from "./form-data.ts";

export const CURRENCIES = ["USD", "CNY", "EUR"] as const;

const USD = { min: 0, max: 1_000_000_000 };
const COUNT = { min: 0, max: 1_000_000_000, integer: true };

/** A time zone this runtime knows (the hub validates it too). */
const timeZone = requiredText(64).refine((zone) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, msg("form.timeZone"));

const httpUrl = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : v),
  z.url({ protocol: /^https?$/, error: msg("form.httpUrl") }).max(2000, msg("form.tooLong", { max: 2000 })),
);

/** "client: version" per line, e.g. "claude-cli: 1.0.80" → { "claude-cli": "1.0.80" }. */
export function parseClientVersions(text: string): LinesResult<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const line of textLines(text)) {
    const match = /^([^:=\s][^:=]*?)\s*[:=]\s*(\d+(?:\.\d+){0,3})$/.exec(line.text);
    if (!match) return { ok: false, line: line.number };
    versions[match[1].trim()] = match[2];
  }
  return { ok: true, value: versions };
}

export function formatClientVersions(versions: Record<string, string> | undefined): string {
  return Object.entries(versions ?? {})
    .map(([client, version]) => `${client}: ${version}`)
    .join("\n");
}

const clientVersions = linesField(parseClientVersions, "form.versionLine");

export const generalSettingsSchema = z.object({
  siteTitle: requiredText(100),
  currencyDisplay: z.enum(CURRENCIES, { error: msg("form.required") }),
  timezone: timeZone,
  billingModelSource: z.enum(["original", "redirected"], { error: msg("form.required") }),
  priceSyncUrl: httpUrl,
  exchangeRate: requiredNumber({ min: 0.000001, max: 1_000_000 }),
});

export const limitSettingsSchema = z.object({
  defaultRpmLimit: nullableNumber(COUNT),
  defaultLimit5hUsd: nullableNumber(USD),
  defaultLimitDailyUsd: nullableNumber(USD),
  defaultLimitWeeklyUsd: nullableNumber(USD),
  defaultLimitMonthlyUsd: nullableNumber(USD),
  defaultLimitTotalUsd: nullableNumber(USD),
  defaultLimitConcurrentSessions: nullableNumber(COUNT),
  moneyLimitFailMode: z.enum(["closed", "open"], { error: msg("form.required") }),
  reservationCapUsd: requiredNumber({ min: 0, max: 1_000_000 }),
  reservationMode: z.enum(["expected", "strict"], { error: msg("form.required") }),
});

export const resilienceSettingsSchema = z.object({
  verboseProviderError: checkbox(),
  passThroughUpstreamErrorMessage: checkbox(),
  enableHttp2: checkbox(),
  enableCircuitBreakerOnNetworkErrors: checkbox(),
  interceptWarmupRequests: checkbox(),
  maxProviderSwitches: requiredNumber({ min: 1, max: 100, integer: true }),
  // Typed in seconds; the hub keeps milliseconds.
  retryAfterCapMs: requiredDuration({ unit: "s", minMs: 0, maxMs: 600_000 }),
  enableClientVersionCheck: checkbox(),
  minClientVersions: clientVersions,
});

export const logSettingsSchema = z.object({
  logCleanupEnabled: checkbox(),
  logRetentionDays: requiredNumber({ min: 1, max: 3650, integer: true }),
});

/** A daily job's time: HH:MM on a 24-hour clock (the hub refuses anything else too). */
const timeOfDay = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : v),
  z.string({ error: msg("form.timeOfDay") }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg("form.timeOfDay")),
);

export const jobSettingsSchema = z.object({
  priceSyncScheduled: checkbox(),
  priceSyncTime: timeOfDay,
  logCleanupTime: timeOfDay,
});

/** Section intent → its schema. */
export const SETTINGS_SECTIONS = {
  "settings-general": generalSettingsSchema,
  "settings-limits": limitSettingsSchema,
  "settings-resilience": resilienceSettingsSchema,
  "settings-logs": logSettingsSchema,
  "settings-jobs": jobSettingsSchema,
} as const;

export type SettingsSection = keyof typeof SETTINGS_SECTIONS;

export function isSettingsSection(intent: string): intent is SettingsSection {
  return Object.prototype.hasOwnProperty.call(SETTINGS_SECTIONS, intent);
}
