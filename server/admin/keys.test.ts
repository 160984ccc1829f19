import { describe, expect, it } from "vitest";
import type { ApiKey } from "../generated/prisma/client.ts";
import type { Viewer } from "../trpc/trpc.ts";
import { keyData, ownKeysWhere, refusePastExpiry, toListedKey } from "./keys.ts";

const member: Viewer = { kind: "user", role: "user", userId: 4, keyId: 9, canLoginWebUi: true };
const adminUser: Viewer = { kind: "user", role: "admin", userId: 1, keyId: 2, canLoginWebUi: true };

describe("keyData", () => {
  it("keeps the id and the owner out of the data, and turns the expiry into a date", () => {
    const data = keyData({ id: 3, userId: 4, name: "laptop", expiresAt: "2026-05-01T00:00:00Z", limitTotalUsd: 10 });
    expect(data).toEqual({ name: "laptop", expiresAt: new Date("2026-05-01T00:00:00Z"), limitTotalUsd: "10" });
  });
});

describe("refusePastExpiry", () => {
  const now = Date.parse("2026-03-10T12:00:00Z");
  it("refuses an expiry at or before now, and lets a later one or none pass", () => {
    expect(() => refusePastExpiry("2026-03-10T12:00:00Z", now)).toThrow(expect.objectContaining({ hubCode: "keyExpiryPast" }));
    expect(() => refusePastExpiry("2026-03-10T12:00:01Z", now)).not.toThrow();
    expect(() => refusePastExpiry(null, now)).not.toThrow();
    expect(() => refusePastExpiry(undefined, now)).not.toThrow();
  });
});

describe("who reaches which keys", () => {
  it("narrows a member to their own user's keys and nobody else", () => {
    expect(ownKeysWhere(member)).toEqual({ userId: 4 });
    expect(ownKeysWhere(adminUser)).toEqual({});
    expect(ownKeysWhere({ kind: "admin", via: "admin_token" })).toEqual({});
  });

  it("hides the provider group from a member", () => {
    const row = {
      id: 9, userId: 4, name: "laptop", keyMasked: "sk-…abcd", isEnabled: true, expiresAt: null, canLoginWebUi: true, providerGroup: "vip",
      cacheTtlPreference: "inherit", createdAt: new Date(0), updatedAt: new Date(0), rpmLimit: null, limit5hUsd: null, limitDailyUsd: null,
      dailyResetMode: "fixed", dailyResetTime: "00:00", limitWeeklyUsd: null, limitMonthlyUsd: null, limitTotalUsd: null,
      limitConcurrentSessions: null, totalCostResetAt: null,
    } as unknown as ApiKey;
    expect(toListedKey(row, true).providerGroup).toBe("vip");
    expect(toListedKey(row, false).providerGroup).toBeNull();
  });
});
