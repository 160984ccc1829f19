/**
 * The settings page's work: the one row of system settings, how the dashboard shows money, and
 * the scheduled jobs' runs. Dashboard users may read the site title and the currency (the shell
 * shows them); everything else is for admins.
 */
import type { Prisma, SystemSettings } from "../generated/prisma/client.ts";
import type { CachedSettings } from "../catalog/types.ts";
import { jobSchedules } from "../jobs/hub-jobs.ts";
import { listJobRuns } from "../jobs/scheduler.ts";
import { isAdmin, type Services, type Viewer } from "../trpc/trpc.ts";

export const CURRENCIES = ["USD", "CNY", "EUR"] as const;
export type Currency = (typeof CURRENCIES)[number];

/** The settings as the admin API shows them, with the same names as the SystemSettings columns. */
export interface SettingsView {
  siteTitle: string;
  currencyDisplay: Currency;
  billingModelSource: "original" | "redirected";
  timezone: string;
  verboseProviderError: boolean;
  passThroughUpstreamErrorMessage: boolean;
  enableHttp2: boolean;
  enableClientVersionCheck: boolean;
  minClientVersions: Record<string, string>;
  enableCircuitBreakerOnNetworkErrors: boolean;
  interceptWarmupRequests: boolean;
  maxProviderSwitches: number;
  retryAfterCapMs: number;
  defaultRpmLimit: number | null;
  defaultLimit5hUsd: number | null;
  defaultLimitDailyUsd: number | null;
  defaultLimitWeeklyUsd: number | null;
  defaultLimitMonthlyUsd: number | null;
  defaultLimitTotalUsd: number | null;
  defaultLimitConcurrentSessions: number | null;
  moneyLimitFailMode: "closed" | "open";
  reservationCapUsd: number;
  reservationMode: "expected" | "strict";
  priceSyncUrl: string;
  logCleanupEnabled: boolean;
  logRetentionDays: number;
  exchangeRate: number;
  exchangeRateSetAt: string | null;
  priceSyncScheduled: boolean;
  priceSyncTime: string;
  logCleanupTime: string;
  updatedAt: string;
}

/** What an admin may change: every field of the view but the bookkeeping. */
export type SettingsChanges = Partial<Omit<SettingsView, "exchangeRateSetAt" | "updatedAt">>;

const DECIMAL_FIELDS = [
  "defaultLimit5hUsd",
  "defaultLimitDailyUsd",
  "defaultLimitWeeklyUsd",
  "defaultLimitMonthlyUsd",
  "defaultLimitTotalUsd",
  "reservationCapUsd",
  "exchangeRate",
] as const;

const decimal = (d: { toString(): string } | null) => (d === null ? null : Number(d.toString()));

const asCurrency = (value: string): Currency => ((CURRENCIES as readonly string[]).includes(value) ? (value as Currency) : "USD");

export function toSettingsView(row: SystemSettings): SettingsView {
  const versions = row.minClientVersions && typeof row.minClientVersions === "object" && !Array.isArray(row.minClientVersions) ? row.minClientVersions : {};
  return {
    siteTitle: row.siteTitle,
    currencyDisplay: asCurrency(row.currencyDisplay),
    billingModelSource: row.billingModelSource === "redirected" ? "redirected" : "original",
    timezone: row.timezone,
    verboseProviderError: row.verboseProviderError,
    passThroughUpstreamErrorMessage: row.passThroughUpstreamErrorMessage,
    enableHttp2: row.enableHttp2,
    enableClientVersionCheck: row.enableClientVersionCheck,
    minClientVersions: Object.fromEntries(Object.entries(versions).filter(([, v]) => typeof v === "string")) as Record<string, string>,
    enableCircuitBreakerOnNetworkErrors: row.enableCircuitBreakerOnNetworkErrors,
    interceptWarmupRequests: row.interceptWarmupRequests,
    maxProviderSwitches: row.maxProviderSwitches,
    retryAfterCapMs: row.retryAfterCapMs,
    defaultRpmLimit: row.defaultRpmLimit,
    defaultLimit5hUsd: decimal(row.defaultLimit5hUsd),
    defaultLimitDailyUsd: decimal(row.defaultLimitDailyUsd),
    defaultLimitWeeklyUsd: decimal(row.defaultLimitWeeklyUsd),
    defaultLimitMonthlyUsd: decimal(row.defaultLimitMonthlyUsd),
    defaultLimitTotalUsd: decimal(row.defaultLimitTotalUsd),
    defaultLimitConcurrentSessions: row.defaultLimitConcurrentSessions,
    moneyLimitFailMode: row.moneyLimitFailMode === "open" ? "open" : "closed",
    reservationCapUsd: Number(row.reservationCapUsd.toString()),
    reservationMode: row.reservationMode === "strict" ? "strict" : "expected",
    priceSyncUrl: row.priceSyncUrl,
    logCleanupEnabled: row.logCleanupEnabled,
    logRetentionDays: row.logRetentionDays,
    exchangeRate: Number(row.exchangeRate.toString()),
    exchangeRateSetAt: row.exchangeRateSetAt?.toISOString() ?? null,
    priceSyncScheduled: row.priceSyncScheduled,
    priceSyncTime: row.priceSyncTime,
    logCleanupTime: row.logCleanupTime,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The row's update for the admin's changes: money as decimal strings (exact in the database),
 * and the rate's date moved when the rate itself changes.
 */
export function settingsUpdate(changes: SettingsChanges, before: SettingsView, at: Date): Prisma.SystemSettingsUpdateInput {
  const data: Record<string, unknown> = { ...changes };
  for (const field of DECIMAL_FIELDS) {
    const value = changes[field];
    if (value !== undefined) data[field] = value === null ? null : String(value);
  }
  // The rate's date tells the admin (and every viewer) how old the conversion is.
  if (changes.exchangeRate !== undefined && changes.exchangeRate !== before.exchangeRate) data.exchangeRateSetAt = at;
  return data as Prisma.SystemSettingsUpdateInput;
}

/** The row always exists once the catalog has started; upsert covers a database emptied by hand. */
const loadRow = (db: Prisma.TransactionClient) => db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });

/** Every setting for an admin; the site title and the currency for anyone else. */
export async function readSettings(db: Services["db"], viewer: Viewer | null): Promise<SettingsView | Pick<SettingsView, "siteTitle" | "currencyDisplay">> {
  const view = toSettingsView(await loadRow(db));
  if (isAdmin(viewer)) return view;
  return { siteTitle: view.siteTitle, currencyDisplay: view.currencyDisplay };
}

/** The display currency and its rate per US dollar. */
export function moneyDisplay(s: Pick<CachedSettings, "currencyDisplay" | "exchangeRate" | "exchangeRateSetAt">): { currency: Currency; rate: number; rateSetAt: string | null } {
  const currency = asCurrency(s.currencyDisplay);
  // USD is shown as stored, whatever rate was set for another currency.
  return { currency, rate: currency === "USD" ? 1 : s.exchangeRate, rateSetAt: s.exchangeRateSetAt };
}

/** Omitted fields stay as they are; the before and after, for the audit log. */
export async function updateSettings(deps: Pick<Services, "db" | "catalog">, changes: SettingsChanges): Promise<{ before: SettingsView; after: SettingsView }> {
  const before = toSettingsView(await loadRow(deps.db));
  const row = await deps.db.systemSettings.update({ where: { id: 1 }, data: settingsUpdate(changes, before, new Date()) });
  await deps.catalog.invalidate({ kind: "settings" });
  return { before, after: toSettingsView(row) };
}

/** Each scheduled job's last run, its result and its next run under the current settings. */
export function jobRuns(deps: Pick<Services, "db" | "catalog" | "now">) {
  return listJobRuns(deps.db, jobSchedules(deps.catalog.settings()), deps.now());
}
