import { describe, expect, it } from "vitest";
import type { QuotaEntity, QuotaLimit } from "./api-types.ts";
import { keyAgainstUser, limitUse, quotaRows, successRate, toneOf } from "./quota-math.ts";

function limit(kind: QuotaLimit["kind"], used: number, max: number | null, extra: Partial<QuotaLimit> = {}): QuotaLimit {
  return {
    kind,
    unit: kind === "rpm" ? "requests" : kind === "concurrentSessions" ? "sessions" : "usd",
    used,
    reserved: 0,
    limit: max,
    source: null,
    mode: kind === "5h" ? "rolling" : "fixed",
    resetTime: null,
    windowStart: null,
    resetAt: null,
    freesUpAt: null,
    ...extra,
  };
}

function entity(scope: string, name: string, limits: QuotaLimit[], extra: Partial<QuotaEntity> = {}): QuotaEntity {
  const id = Number(scope.slice(2));
  return { id, name, isEnabled: true, scope, userId: null, userName: null, providerType: null, totalCostResetAt: null, measuredFrom: "store", limits, ...extra };
}

describe("one limit's use", () => {
  it("counts what is in flight with what is spent, and shows both", () => {
    // The member of the issue: refused at $0.30 of $0.30 while $0.09 was spent.
    const use = limitUse({ used: 0.09, reserved: 0.21, limit: 0.3 });
    expect(use.spent).toBeCloseTo(0.09);
    expect(use.inFlight).toBeCloseTo(0.21);
    expect(use.used).toBeCloseTo(0.3);
    expect(use.left).toBeCloseTo(0);
    expect(use.tone).toBe("over");
  });

  it("turns amber at 80 % and red at 100 %", () => {
    expect(limitUse({ used: 7.99, reserved: 0, limit: 10 }).tone).toBe("ok");
    expect(limitUse({ used: 8, reserved: 0, limit: 10 }).tone).toBe("warn");
    expect(limitUse({ used: 6, reserved: 4, limit: 10 }).tone).toBe("over");
    expect(toneOf(null)).toBe("ok");
  });

  it("never shows less than nothing left, and treats a limit of 0 as full", () => {
    expect(limitUse({ used: 12, reserved: 0, limit: 10 }).left).toBe(0);
    expect(limitUse({ used: 12, reserved: 0, limit: 10 }).ratio).toBeCloseTo(1.2);
    expect(limitUse({ used: 0, reserved: 0, limit: 0 })).toMatchObject({ ratio: 1, left: 0, tone: "over" });
    expect(limitUse({ used: 3, reserved: 0, limit: null })).toMatchObject({ left: null, ratio: null, tone: "ok" });
  });
});

describe("the compact quota table", () => {
  const alice = entity("u:1", "alice", [limit("daily", 9, 10), limit("monthly", 20, null)], { userId: 1, userName: "alice" });
  const bob = entity("u:2", "bob", [limit("daily", 1, 10), limit("5h", 2.5, 5)], { userId: 2, userName: "bob" });
  // alice's laptop: its daily limit is alice's; its own 5-hour limit.
  const laptop = entity("k:7", "laptop", [limit("daily", 0.5, 10, { source: "user" }), limit("5h", 0.5, 1, { source: "own" })], { userId: 1, userName: "alice" });
  const pool = entity("p:3", "pool", [limit("total", 95, 100)]);

  it("lists only the windows that have a limit, highest use first", () => {
    const rows = quotaRows({ users: [alice, bob], keys: [laptop], providers: [pool] });
    expect(rows.map((r) => `${r.entity.name}/${r.limit.kind}`)).toEqual(["pool/total", "alice/daily", "bob/5h", "laptop/5h", "bob/daily"]);
  });

  it("leaves out a key's window that is its user's (the user's row already shows it with the user's spend)", () => {
    const rows = quotaRows({ users: [alice, bob], keys: [laptop], providers: [] });
    expect(rows.find((r) => r.entity.name === "laptop" && r.limit.kind === "daily")).toBeUndefined();
  });

  it("keeps such a key row when its user is not listed, marked as shared with the user", () => {
    const rows = quotaRows({ users: [], keys: [laptop], providers: [] });
    expect(rows.find((r) => r.limit.kind === "daily")?.sharedWith).toBe("alice");
  });
});

describe("a key's card against its user's limits", () => {
  it("shows the user's spend for a limit the key takes from its user, and its own spend for its own limit", () => {
    const alice = entity("u:1", "alice", [limit("daily", 9, 10, { reserved: 0.5 })]);
    const laptop = entity("k:7", "laptop", [limit("daily", 0.5, 10, { source: "user" }), limit("5h", 0.5, 1, { source: "own" })]);
    const view = keyAgainstUser(laptop, alice);
    expect(limitUse(view.limits[0])).toMatchObject({ spent: 9, inFlight: 0.5, left: 0.5 });
    expect(view.limits[1].used).toBe(0.5);
    expect(keyAgainstUser(laptop, null)).toBe(laptop);
  });
});

describe("success rate", () => {
  it("counts failures among the requests", () => {
    expect(successRate(163, 30)).toBeCloseTo(133 / 163);
    expect(successRate(0, 0)).toBeNull();
  });
});
