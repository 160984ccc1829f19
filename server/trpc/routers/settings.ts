/**
 * settings.*: the one row of system settings. Dashboard users may read the site title and the
 * currency (the shell shows them); everything else is for admins.
 */
import { z } from "zod";
import type { Prisma, SystemSettings } from "../../generated/prisma/client.ts";
import { isValidTimeZone } from "../../domain/quota/windows.ts";
import { isTimeOfDay } from "../../jobs/schedule.ts";
import { jobSchedules } from "../../jobs/hub-jobs.ts";
import { listJobRuns } from "../../jobs/scheduler.ts";
import { refineProblem } from "../../domain/validation-problems.ts";
import { audit } from "../audit.ts";
import { adminProcedure, dashboardProcedure, isAdmin, publicProcedure, router } from "../trpc.ts";

export const CURRENCIES = ["USD", "CNY", "EUR"] as const;

const usd = z.number().min(0).max(1_000_000_000).nullable();
const count = z.number().int().min(0).max(1_000_000_000).nullable();
/** A client version such as "1.0.80" (numbers only, compared part by part). */
const VERSION = /^\d+(\.\d+){0,3}$/;

/** A daily job's time: refused at save time unless it is HH:MM, so a job is never silently off. */
const timeOfDay = z.string().trim().refine(isTimeOfDay, refineProblem("settingsTimeOfDay"));

/** Every editable field, with the same names as the SystemSettings columns. */
const settingsFields = {
  siteTitle: z.string().trim().min(1).max(100),
  currencyDisplay: z.enum(CURRENCIES).describe("Display only; money is stored and limited in USD"),
  billingModelSource: z.enum(["original", "redirected"]).describe("Price a redirected request by the model the client asked for, or the one sent upstream"),
  timezone: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine(isValidTimeZone, refineProblem("settingsTimeZone"))
    .describe("IANA time zone of the daily, weekly and monthly windows"),
  verboseProviderError: z.boolean(),
  passThroughUpstreamErrorMessage: z.boolean(),
  enableHttp2: z.boolean(),
  enableClientVersionCheck: z.boolean(),
  minClientVersions: z
    .record(z.string().trim().min(1).max(100), z.string().trim().regex(VERSION, "use a version such as 1.0.80"))
    .describe("Client name → lowest version allowed, e.g. { \"claude-cli\": \"1.0.80\" }"),
  enableCircuitBreakerOnNetworkErrors: z.boolean(),
  interceptWarmupRequests: z.boolean(),
  maxProviderSwitches: z.number().int().min(1).max(100),
  retryAfterCapMs: z.number().int().min(0).max(600_000),
  defaultRpmLimit: count,
  defaultLimit5hUsd: usd,
  defaultLimitDailyUsd: usd,
  defaultLimitWeeklyUsd: usd,
  defaultLimitMonthlyUsd: usd,
  defaultLimitTotalUsd: usd,
  defaultLimitConcurrentSessions: count,
  moneyLimitFailMode: z.enum(["closed", "open"]).describe("closed: refuse money-limited requests while the store is unreachable; open: let them through"),
  reservationCapUsd: z.number().min(0).max(1_000_000),
  reservationMode: z
    .enum(["expected", "strict"])
    .describe("expected: hold each request's likely cost while it runs; strict: hold an upper bound, so a window is never overspent by more than one request"),
  priceSyncUrl: z.url({ protocol: /^https?$/ }).max(2000),
  logCleanupEnabled: z.boolean(),
  logRetentionDays: z.number().int().min(1).max(3650),
  exchangeRate: z.number().positive().max(1_000_000).describe("Units of the display currency per US dollar (display only); setting it records the date"),
  priceSyncScheduled: z.boolean().describe("Sync prices from priceSyncUrl every day at priceSyncTime (and when a model without a price is first seen)"),
  priceSyncTime: timeOfDay.describe("HH:MM (24-hour) in the system time zone"),
  logCleanupTime: timeOfDay.describe("HH:MM (24-hour) in the system time zone; the cleanup runs daily when logCleanupEnabled"),
};

const settingsView = z.object({ ...settingsFields, exchangeRateSetAt: z.string().nullable().describe("When exchangeRate was last set"), updatedAt: z.string() });
type SettingsView = z.infer<typeof settingsView>;

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

function toSettingsView(row: SystemSettings): SettingsView {
  const versions = row.minClientVersions && typeof row.minClientVersions === "object" && !Array.isArray(row.minClientVersions) ? row.minClientVersions : {};
  return {
    siteTitle: row.siteTitle,
    currencyDisplay: (CURRENCIES as readonly string[]).includes(row.currencyDisplay) ? (row.currencyDisplay as SettingsView["currencyDisplay"]) : "USD",
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

/** The row always exists once the catalog has started; upsert covers a database emptied by hand. */
const loadRow = (db: Prisma.TransactionClient) => db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });

export const settingsRouter = router({
  get: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/settings/get", tags: ["settings"], summary: "System settings (non-admins: site title and currency only)", protect: true } })
    .input(z.object({}).default({}))
    .output(settingsView.partial().required({ siteTitle: true, currencyDisplay: true }))
    .query(async ({ ctx }) => {
      const view = toSettingsView(await loadRow(ctx.db));
      if (isAdmin(ctx.viewer)) return view;
      return { siteTitle: view.siteTitle, currencyDisplay: view.currencyDisplay };
    }),

  display: publicProcedure
    .meta({ openapi: { method: "POST", path: "/settings/display", tags: ["settings"], summary: "How the dashboard shows money: the display currency and its rate per US dollar" } })
    .input(z.object({}).default({}))
    .output(z.object({ currency: z.enum(CURRENCIES), rate: z.number(), rateSetAt: z.string().nullable() }))
    .query(({ ctx }) => {
      // From the catalog: every page asks, and none should cost a query.
      const s = ctx.catalog.settings();
      const currency = (CURRENCIES as readonly string[]).includes(s.currencyDisplay) ? (s.currencyDisplay as (typeof CURRENCIES)[number]) : "USD";
      // USD is shown as stored, whatever rate was set for another currency.
      return { currency, rate: currency === "USD" ? 1 : s.exchangeRate, rateSetAt: s.exchangeRateSetAt };
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/settings/update", tags: ["settings"], summary: "Change system settings (omitted fields stay as they are)", protect: true } })
    .input(z.object(settingsFields).partial())
    .output(settingsView)
    .mutation(async ({ ctx, input }) => {
      const before = toSettingsView(await loadRow(ctx.db));
      const data: Record<string, unknown> = { ...input };
      for (const field of DECIMAL_FIELDS) {
        const value = input[field];
        if (value !== undefined) data[field] = value === null ? null : String(value);
      }
      // The rate's date tells the admin (and every viewer) how old the conversion is.
      if (input.exchangeRate !== undefined && input.exchangeRate !== before.exchangeRate) data.exchangeRateSetAt = new Date();
      const row = await ctx.db.systemSettings.update({ where: { id: 1 }, data: data as Prisma.SystemSettingsUpdateInput });
      await ctx.catalog.invalidate({ kind: "settings" });
      const after = toSettingsView(row);
      audit(ctx, "settings.update", { type: "settings", id: 1 }, { before, after });
      return after;
    }),

  jobs: adminProcedure
    .meta({ openapi: { method: "POST", path: "/settings/jobs", tags: ["settings"], summary: "Scheduled jobs: last run, its result, next run", protect: true } })
    .input(z.object({}).default({}))
    .output(
      z.array(
        z.object({
          name: z.enum(["price-sync", "log-cleanup"]),
          lastStartedAt: z.string().nullable(),
          lastFinishedAt: z.string().nullable(),
          lastStatus: z.enum(["ok", "failed"]).nullable(),
          lastMessage: z.string().nullable(),
          nextRunAt: z.string().nullable(),
        }),
      ),
    )
    .query(({ ctx }) => listJobRuns(ctx.db, jobSchedules(ctx.catalog.settings()), ctx.now())),
});
