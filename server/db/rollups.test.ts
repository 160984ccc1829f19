/** Percentiles from latency histograms, and the calendar periods of the dashboard pages. */
import { describe, expect, it } from "vitest";
import { calendarRange, overviewSpan } from "./periods.ts";
import { addHist, HIST_BOUNDS_MS, percentile } from "./rollups.ts";

/** A histogram holding `values` (ms), bucketed as the migration's width_bucket does. */
function histOf(values: number[]): number[] {
  const h = new Array<number>(HIST_BOUNDS_MS.length + 1).fill(0);
  for (const v of values) h[HIST_BOUNDS_MS.filter((b) => b <= v).length]! += 1;
  return h;
}

describe("percentile", () => {
  it("lands within the bucket that holds the true percentile", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 50 + i * 10); // 50 … 10 040 ms
    const h = histOf(values);
    for (const p of [0.5, 0.95, 0.99]) {
      const exact = values[Math.ceil(p * values.length) - 1]!;
      const upper = HIST_BOUNDS_MS.find((b) => b > exact)!;
      const lower = [...HIST_BOUNDS_MS].reverse().find((b) => b <= exact)!;
      const got = percentile(h, p)!;
      expect(got).toBeGreaterThanOrEqual(lower);
      expect(got).toBeLessThanOrEqual(upper);
    }
  });

  it("is null without samples, and the open last bucket reports its lower bound", () => {
    expect(percentile(histOf([]), 0.5)).toBeNull();
    expect(percentile(histOf([900_000]), 0.99)).toBe(HIST_BOUNDS_MS[HIST_BOUNDS_MS.length - 1]);
  });

  it("adds histograms slot by slot, a missing one counting as empty", () => {
    expect(addHist(histOf([10, 60]), null)).toEqual(histOf([10, 60]));
    expect(addHist(histOf([10]), histOf([10, 2000]))).toEqual(histOf([10, 10, 2000]));
  });
});

describe("periods", () => {
  const NOW = Date.UTC(2026, 11, 9, 3, 30); // Wednesday 03:30 UTC = 11:30 in Shanghai

  it("starts today, this week and this month at local midnight in the system time zone", () => {
    expect(calendarRange("today", NOW, "Asia/Shanghai").from).toBe(Date.UTC(2026, 11, 8, 16));
    expect(calendarRange("week", NOW, "Asia/Shanghai").from).toBe(Date.UTC(2026, 11, 6, 16)); // Monday 7 Dec, 00:00 +08
    expect(calendarRange("month", NOW, "Asia/Shanghai").from).toBe(Date.UTC(2026, 10, 30, 16));
    expect(calendarRange("today", NOW, "America/New_York").from).toBe(Date.UTC(2026, 11, 8, 5));
  });

  it("takes a custom range as whole local days, and refuses reversed or over-long ones", () => {
    expect(calendarRange("custom", NOW, "Asia/Kolkata", { fromDay: "2026-12-01", toDay: "2026-12-01" })).toEqual({
      from: Date.UTC(2026, 10, 30, 18, 30),
      to: Date.UTC(2026, 11, 1, 18, 30),
    });
    expect(() => calendarRange("custom", NOW, "UTC", { fromDay: "2026-12-02", toDay: "2026-12-01" })).toThrow(RangeError);
    expect(() => calendarRange("custom", NOW, "UTC", { fromDay: "2025-01-01", toDay: "2026-12-01" })).toThrow(RangeError);
  });

  it("cuts the overview's 30 days at local midnights across a DST change", () => {
    const span = overviewSpan("30d", Date.UTC(2026, 10, 15, 12), "Europe/Berlin"); // 30 days back crosses 25 Oct
    expect(span.from).toBe(Date.UTC(2026, 9, 16, 22)); // 17 Oct 00:00 CEST
    expect(span.step).toEqual({ kind: "day", timeZone: "Europe/Berlin" });
  });
});
