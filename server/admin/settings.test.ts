import { describe, expect, it } from "vitest";
import { Prisma, type SystemSettings } from "../generated/prisma/client.ts";
import { moneyDisplay, settingsUpdate, toSettingsView } from "./settings.ts";

const row: SystemSettings = {
  id: 1,
  siteTitle: "Hub",
  currencyDisplay: "CNY",
  billingModelSource: "original",
  timezone: "Asia/Shanghai",
  verboseProviderError: false,
  passThroughUpstreamErrorMessage: true,
  enableHttp2: false,
  enableClientVersionCheck: true,
  minClientVersions: { "claude-cli": "1.0.80", broken: 3 },
  enableCircuitBreakerOnNetworkErrors: false,
  interceptWarmupRequests: false,
  maxProviderSwitches: 20,
  retryAfterCapMs: 10_000,
  defaultRpmLimit: null,
  defaultLimit5hUsd: new Prisma.Decimal("2.5"),
  defaultLimitDailyUsd: null,
  defaultLimitWeeklyUsd: null,
  defaultLimitMonthlyUsd: null,
  defaultLimitTotalUsd: null,
  defaultLimitConcurrentSessions: null,
  moneyLimitFailMode: "closed",
  reservationCapUsd: new Prisma.Decimal("5"),
  reservationMode: "expected",
  exchangeRate: new Prisma.Decimal("7.1"),
  exchangeRateSetAt: new Date("2026-03-01T00:00:00Z"),
  priceSyncUrl: "https://example.com/prices.json",
  logCleanupEnabled: false,
  logRetentionDays: 30,
  priceSyncScheduled: true,
  priceSyncTime: "03:00",
  logCleanupTime: "04:00",
  leaderboardMemberView: "self",
  updatedAt: new Date("2026-03-02T00:00:00Z"),
};

describe("toSettingsView", () => {
  it("shows money as numbers and times as ISO, keeping only text client versions", () => {
    expect(toSettingsView(row)).toMatchObject({
      currencyDisplay: "CNY",
      minClientVersions: { "claude-cli": "1.0.80" },
      defaultLimit5hUsd: 2.5,
      defaultLimitDailyUsd: null,
      reservationCapUsd: 5,
      exchangeRate: 7.1,
      exchangeRateSetAt: "2026-03-01T00:00:00.000Z",
      updatedAt: "2026-03-02T00:00:00.000Z",
    });
  });

  it("reads a value it does not know as the default", () => {
    const view = toSettingsView({ ...row, currencyDisplay: "GBP", billingModelSource: "x", moneyLimitFailMode: "x", reservationMode: "x", minClientVersions: ["1.0"] });
    expect(view).toMatchObject({ currencyDisplay: "USD", billingModelSource: "original", moneyLimitFailMode: "closed", reservationMode: "expected", minClientVersions: {} });
  });
});

describe("settingsUpdate", () => {
  const before = toSettingsView(row);
  const at = new Date("2026-03-05T00:00:00Z");

  it("writes money as decimal strings and keeps a cleared limit null", () => {
    expect(settingsUpdate({ defaultLimit5hUsd: 0.1, defaultLimitDailyUsd: null, siteTitle: "New" }, before, at)).toEqual({ defaultLimit5hUsd: "0.1", defaultLimitDailyUsd: null, siteTitle: "New" });
  });

  it("dates the exchange rate only when the rate changes", () => {
    expect(settingsUpdate({ exchangeRate: 7.2 }, before, at)).toEqual({ exchangeRate: "7.2", exchangeRateSetAt: at });
    expect(settingsUpdate({ exchangeRate: 7.1 }, before, at)).toEqual({ exchangeRate: "7.1" });
  });
});

describe("moneyDisplay", () => {
  it("shows USD as stored, whatever rate was set for another currency", () => {
    expect(moneyDisplay({ currencyDisplay: "USD", exchangeRate: 7.1, exchangeRateSetAt: null })).toEqual({ currency: "USD", rate: 1, rateSetAt: null });
    expect(moneyDisplay({ currencyDisplay: "EUR", exchangeRate: 0.9, exchangeRateSetAt: "2026-03-01T00:00:00.000Z" })).toEqual({ currency: "EUR", rate: 0.9, rateSetAt: "2026-03-01T00:00:00.000Z" });
    expect(moneyDisplay({ currencyDisplay: "GBP", exchangeRate: 0.8, exchangeRateSetAt: null }).currency).toBe("USD");
  });
});
