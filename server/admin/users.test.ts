import { describe, expect, it } from "vitest";
import { Prisma, type User } from "../generated/prisma/client.ts";
import { mergeActivity, NO_ACTIVITY, toRosterItem, userData } from "./users.ts";

describe("userData", () => {
  it("turns the expiry into a date, money limits into decimal strings, and drops the id", () => {
    const data = userData({ id: 3, name: "alice", expiresAt: "2026-05-01T00:00:00Z", limitDailyUsd: 5, rpmLimit: 60 });
    expect(data).toMatchObject({ name: "alice", limitDailyUsd: "5", rpmLimit: 60 });
    expect(data.expiresAt).toEqual(new Date("2026-05-01T00:00:00Z"));
    expect(data).not.toHaveProperty("id");
  });

  it("clears the expiry with null and leaves it alone when absent", () => {
    expect(userData({ expiresAt: null }).expiresAt).toBeNull();
    expect(userData({ name: "bob" })).not.toHaveProperty("expiresAt");
  });
});

describe("mergeActivity", () => {
  it("joins spend, requests and last activity per user; null users are not anyone's", () => {
    const last = new Date("2026-03-10T11:00:00Z");
    const activity = mergeActivity({
      spend: [{ user_id: 1, today: new Prisma.Decimal("0.5"), month: new Prisma.Decimal("3.25") }],
      requests: [
        { userId: 1, _count: { _all: 4 } },
        { userId: 2, _count: { _all: 2 } },
        { userId: null, _count: { _all: 9 } },
      ],
      last: [{ userId: 2, _max: { createdAt: last } }],
    });
    expect(activity.get(1)).toEqual({ todayCostUsd: 0.5, monthCostUsd: 3.25, todayRequests: 4, lastActiveAt: null });
    expect(activity.get(2)).toEqual({ todayCostUsd: 0, monthCostUsd: 0, todayRequests: 2, lastActiveAt: last.toISOString() });
    expect(activity.size).toBe(2);
  });
});

describe("toRosterItem", () => {
  const row = {
    id: 7, name: "alice", description: "", role: "user", isEnabled: true, expiresAt: null, providerGroup: "vip", tags: [],
    allowedModels: [], allowedClients: [], blockedClients: [], createdAt: new Date(0), updatedAt: new Date(0),
    rpmLimit: null, limit5hUsd: null, limitDailyUsd: null, dailyResetMode: "fixed", dailyResetTime: "00:00", limitWeeklyUsd: null,
    limitMonthlyUsd: null, limitTotalUsd: null, limitConcurrentSessions: null, totalCostResetAt: null,
    _count: { keys: 2 },
  } as unknown as User & { _count: { keys: number } };

  it("shows an admin the provider group and a member none", () => {
    expect(toRosterItem(row, undefined, true)).toMatchObject({ providerGroup: "vip", keyCount: 2, activity: NO_ACTIVITY });
    expect(toRosterItem(row, undefined, false).providerGroup).toBeNull();
  });
});
