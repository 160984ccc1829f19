/**
 * settings.*: the one row of system settings. Dashboard users may read the site title and the
 * currency (the shell shows them); everything else is for admins. The reads, the view and the
 * update live in server/admin/settings.ts.
 */
import { z } from "zod";
import { CURRENCIES, jobRuns, moneyDisplay, readSettings, updateSettings } from "../../admin/settings.ts";
import { isValidTimeZone } from "../../domain/quota/windows.ts";
import { refineProblem } from "../../domain/validation-problems.ts";
import { isTimeOfDay } from "../../jobs/schedule.ts";
import { audit } from "../audit.ts";
import { adminProcedure, dashboardProcedure, publicProcedure, router } from "../trpc.ts";

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

export const settingsRouter = router({
  get: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/settings/get", tags: ["settings"], summary: "System settings (non-admins: site title and currency only)", protect: true } })
    .input(z.object({}).default({}))
    .output(settingsView.partial().required({ siteTitle: true, currencyDisplay: true }))
    .query(({ ctx }) => readSettings(ctx.db, ctx.viewer)),

  display: publicProcedure
    .meta({ openapi: { method: "POST", path: "/settings/display", tags: ["settings"], summary: "How the dashboard shows money: the display currency and its rate per US dollar" } })
    .input(z.object({}).default({}))
    .output(z.object({ currency: z.enum(CURRENCIES), rate: z.number(), rateSetAt: z.string().nullable() }))
    // From the catalog: every page asks, and none should cost a query.
    .query(({ ctx }) => moneyDisplay(ctx.catalog.settings())),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/settings/update", tags: ["settings"], summary: "Change system settings (omitted fields stay as they are)", protect: true } })
    .input(z.object(settingsFields).partial())
    .output(settingsView)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await updateSettings(ctx, input);
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
    .query(({ ctx }) => jobRuns(ctx)),
});
