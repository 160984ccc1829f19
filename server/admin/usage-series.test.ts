import { describe, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client.ts";
import { calendarDays, toUsageDays } from "./usage-series.ts";

describe("calendarDays", () => {
  it("labels consecutive days in the hub's time zone", () => {
    // Midnight of 2026-03-28 in Shanghai is 16:00 UTC the day before.
    expect(calendarDays(new Date("2026-03-27T16:00:00Z"), 3, "Asia/Shanghai")).toEqual(["2026-03-28", "2026-03-29", "2026-03-30"]);
  });

  it("keeps one label per day across a daylight-saving change", () => {
    // Europe/Berlin springs forward on 2026-03-29: that day has 23 hours.
    const days = calendarDays(new Date("2026-03-27T23:00:00Z"), 4, "Europe/Berlin");
    expect(days).toEqual(["2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"]);
  });
});

describe("toUsageDays", () => {
  it("fills every day, zero where the queries returned nothing", () => {
    const days = toUsageDays(["2026-03-01", "2026-03-02", "2026-03-03"], {
      requests: [{ day: "2026-03-02", requests: 5n, errors: 2n }],
      costs: [
        { day: "2026-03-02", cost: new Prisma.Decimal("1.25") },
        { day: "2026-03-03", cost: null },
      ],
    });
    expect(days).toEqual([
      { day: "2026-03-01", requests: 0, errors: 0, costUsd: 0 },
      { day: "2026-03-02", requests: 5, errors: 2, costUsd: 1.25 },
      { day: "2026-03-03", requests: 0, errors: 0, costUsd: 0 },
    ]);
  });
});
