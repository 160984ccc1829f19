import { describe, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client.ts";
import { dailySeries, rankTopUsers } from "./stats.ts";

describe("rankTopUsers", () => {
  const spend = (userId: number | null, usd: string | null) => ({ userId, _sum: { costUsd: usd === null ? null : new Prisma.Decimal(usd) } });
  const requests = (userId: number | null, n: number) => ({ userId, _count: { _all: n } });

  it("ranks by spend, then by requests, and keeps a user whose requests all failed", () => {
    const ranked = rankTopUsers([spend(1, "0.5"), spend(2, "2")], [requests(1, 3), requests(2, 1), requests(3, 9), requests(4, 2)]);
    expect(ranked).toEqual([
      { userId: 2, requests: 1, costUsd: 2 },
      { userId: 1, requests: 3, costUsd: 0.5 },
      { userId: 3, requests: 9, costUsd: 0 },
      { userId: 4, requests: 2, costUsd: 0 },
    ]);
  });

  it("leaves out requests of no user and keeps five", () => {
    const ranked = rankTopUsers([], [requests(null, 50), ...[1, 2, 3, 4, 5, 6].map((id) => requests(id, id))]);
    expect(ranked.map((r) => r.userId)).toEqual([6, 5, 4, 3, 2]);
  });
});

describe("dailySeries", () => {
  it("has every day, zero where the ledger has no row", () => {
    const series = dailySeries(["2026-03-01", "2026-03-02"], [{ day: "2026-03-02", requests: 4n, cost: new Prisma.Decimal("1.5") }]);
    expect(series).toEqual([
      { day: "2026-03-01", requests: 0, costUsd: 0 },
      { day: "2026-03-02", requests: 4, costUsd: 1.5 },
    ]);
  });
});
