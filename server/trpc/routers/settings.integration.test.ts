/**
 * settings.* against a real hub: every field round-trips, invalid values are refused with the
 * field named, the gateway's settings cache follows at once, and non-admins see only the
 * site title and currency.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";

let t: TestHub;
let webKey: string;
let cliKey: string;

beforeAll(async () => {
  t = await startTestHub();
  const u = await t.admin<{ id: number }>("users/create", { name: "dave" });
  webKey = (await t.admin<{ key: string }>("keys/create", { userId: u.id, name: "web", canLoginWebUi: true })).key;
  cliKey = (await t.admin<{ key: string }>("keys/create", { userId: u.id, name: "cli" })).key;
});

afterAll(async () => {
  await t?.stop();
});

const CHANGES = {
  siteTitle: "Team Relay",
  currencyDisplay: "CNY",
  billingModelSource: "redirected",
  timezone: "Asia/Shanghai",
  verboseProviderError: true,
  passThroughUpstreamErrorMessage: false,
  enableHttp2: true,
  enableClientVersionCheck: true,
  minClientVersions: { "claude-cli": "1.0.80" },
  enableCircuitBreakerOnNetworkErrors: true,
  interceptWarmupRequests: true,
  maxProviderSwitches: 5,
  retryAfterCapMs: 2500,
  defaultRpmLimit: 60,
  defaultLimit5hUsd: 2.5,
  defaultLimitDailyUsd: 10,
  defaultLimitWeeklyUsd: 50,
  defaultLimitMonthlyUsd: 150.123456,
  defaultLimitTotalUsd: null,
  defaultLimitConcurrentSessions: 4,
  moneyLimitFailMode: "open",
  reservationCapUsd: 1.5,
  reservationMode: "strict",
  priceSyncUrl: "https://prices.example.com/litellm.json",
  logCleanupEnabled: true,
  logRetentionDays: 14,
  priceSyncScheduled: false,
  priceSyncTime: "02:30",
  logCleanupTime: "23:15",
};

describe("settings as an admin", () => {
  it("starts from the defaults", async () => {
    expect(await t.admin("settings/get", {})).toMatchObject({
      siteTitle: "Claude Code Hub",
      currencyDisplay: "USD",
      timezone: "UTC",
      moneyLimitFailMode: "closed",
      reservationCapUsd: 5,
      reservationMode: "expected",
      maxProviderSwitches: 20,
      defaultLimitDailyUsd: null,
      logRetentionDays: 30,
    });
  });

  it("round-trips every field and updates the gateway's cached settings", async () => {
    const updated = await t.admin("settings/update", CHANGES);
    expect(updated).toMatchObject(CHANGES);
    expect(await t.admin("settings/get", {})).toMatchObject(CHANGES);
    const cached = t.hub.catalog.settings();
    expect(cached).toMatchObject({ siteTitle: "Team Relay", timezone: "Asia/Shanghai", moneyLimitFailMode: "open", reservationCapNano: 1_500_000_000, reservationMode: "strict", maxProviderSwitches: 5 });
    expect(cached.defaultLimits).toMatchObject({ rpm: 60, dailyNano: 10_000_000_000, totalNano: null, concurrentSessions: 4 });
    // The audit entry is written after the change, off the request's path.
    await expect.poll(() => t.hub.db.prisma.auditLog.count({ where: { action: "settings.update" } })).toBe(1);
  });

  it("changes only the fields given", async () => {
    const after = await t.admin<Record<string, unknown>>("settings/update", { siteTitle: "Relay 2" });
    expect(after).toMatchObject({ ...CHANGES, siteTitle: "Relay 2" });
  });

  it("refuses invalid values, naming the field", async () => {
    for (const [body, field] of [
      [{ timezone: "Mars/Olympus" }, "timezone"],
      [{ priceSyncUrl: "ftp://x.example/p.json" }, "priceSyncUrl"],
      [{ maxProviderSwitches: 0 }, "maxProviderSwitches"],
      [{ moneyLimitFailMode: "maybe" }, "moneyLimitFailMode"],
      [{ minClientVersions: { "claude-cli": "latest" } }, "minClientVersions"],
      [{ defaultLimitDailyUsd: -1 }, "defaultLimitDailyUsd"],
      [{ priceSyncTime: "25:00" }, "priceSyncTime"],
      [{ logCleanupTime: "3pm" }, "logCleanupTime"],
      [{ logCleanupTime: "" }, "logCleanupTime"],
    ] as const) {
      const res = await t.adminRaw("settings/update", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(field);
    }
    expect((await t.admin<{ timezone: string }>("settings/get", {})).timezone).toBe("Asia/Shanghai");
  });
});

describe("scheduled jobs in the settings", () => {
  it("shows each job's next run from the saved time in the system time zone, and none for a job that is off", async () => {
    // From the round-trip above: cleanup on at 23:15 Asia/Shanghai (15:15 UTC), price sync off.
    const jobs = await t.admin<Array<{ name: string; nextRunAt: string | null; lastStatus: string | null }>>("settings/jobs", {});
    const cleanup = jobs.find((j) => j.name === "log-cleanup")!;
    expect(cleanup.nextRunAt).toMatch(/T15:15:00\.000Z$/);
    const next = Date.parse(cleanup.nextRunAt!);
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect(jobs.find((j) => j.name === "price-sync")).toMatchObject({ nextRunAt: null, lastStatus: null });
  });
});

describe("settings as a user", () => {
  it("shows a dashboard user only the site title and currency, and refuses changes", async () => {
    const res = await t.adminRaw("settings/get", {}, webKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ siteTitle: "Relay 2", currencyDisplay: "CNY" });
    expect((await t.adminRaw("settings/update", { siteTitle: "mine" }, webKey)).status).toBe(403);
    expect((await t.adminRaw("settings/jobs", {}, webKey)).status).toBe(403);
  });

  it("is closed to keys without dashboard access", async () => {
    expect((await t.adminRaw("settings/get", {}, cliKey)).status).toBe(403);
  });
});

describe("display currency", () => {
  it("gives every page the currency and the admin's rate, dated when the rate was set", async () => {
    await t.admin("settings/update", { currencyDisplay: "USD" });
    // USD is shown as stored whatever rate is on file.
    expect(await t.admin("settings/display", {})).toMatchObject({ currency: "USD", rate: 1 });

    const before = Date.now();
    const saved = await t.admin<{ exchangeRate: number; exchangeRateSetAt: string }>("settings/update", { currencyDisplay: "CNY", exchangeRate: 7.1234 });
    expect(saved.exchangeRate).toBe(7.1234);
    expect(Date.parse(saved.exchangeRateSetAt)).toBeGreaterThanOrEqual(before - 1000);
    // Readable without logging in: the login page and my-usage format money too.
    const res = await fetch(`${t.url}/api/actions/settings/display`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await res.json()).toEqual({ currency: "CNY", rate: 7.1234, rateSetAt: saved.exchangeRateSetAt });

    // Saving other fields, or the same rate, keeps the date of the rate.
    const again = await t.admin<{ exchangeRateSetAt: string }>("settings/update", { exchangeRate: 7.1234, siteTitle: "Relay 2" });
    expect(again.exchangeRateSetAt).toBe(saved.exchangeRateSetAt);
    expect((await t.adminRaw("settings/update", { exchangeRate: 0 })).status).toBe(400);
  });
});
