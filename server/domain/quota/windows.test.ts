import { describe, expect, it } from "vitest";
import { dailyWindowEnd, dailyWindowStart, monthEnd, monthStart, weekEnd, weekStart, zonedTime } from "./windows.ts";

const iso = (ms: number) => new Date(ms).toISOString();

describe("quota windows", () => {
  it("fixed daily window resets at 18:00 Asia/Shanghai (10:00 UTC)", () => {
    const before = Date.parse("2026-03-10T09:59:59Z"); // 17:59:59 in Shanghai
    const after = Date.parse("2026-03-10T10:00:00Z"); // 18:00:00 in Shanghai
    expect(iso(dailyWindowStart(before, "Asia/Shanghai", "18:00"))).toBe("2026-03-09T10:00:00.000Z");
    expect(iso(dailyWindowEnd(before, "Asia/Shanghai", "18:00"))).toBe("2026-03-10T10:00:00.000Z");
    expect(iso(dailyWindowStart(after, "Asia/Shanghai", "18:00"))).toBe("2026-03-10T10:00:00.000Z");
    expect(iso(dailyWindowEnd(after, "Asia/Shanghai", "18:00"))).toBe("2026-03-11T10:00:00.000Z");
  });

  it("midnight windows in UTC", () => {
    const now = Date.parse("2026-11-27T15:36:00Z");
    expect(iso(dailyWindowStart(now, "UTC"))).toBe("2026-11-27T00:00:00.000Z");
    expect(iso(dailyWindowEnd(now, "UTC"))).toBe("2026-11-28T00:00:00.000Z");
  });

  it("weeks start on Monday 00:00 local time", () => {
    // 2026-11-27 is a Friday; 2026-11-23 the Monday before.
    const friday = Date.parse("2026-11-27T12:00:00Z");
    expect(iso(weekStart(friday, "UTC"))).toBe("2026-11-23T00:00:00.000Z");
    expect(iso(weekEnd(friday, "UTC"))).toBe("2026-11-30T00:00:00.000Z");
    // Sunday 23:30 in Shanghai is still the old week; Monday 00:30 is the new one.
    expect(iso(weekStart(Date.parse("2026-11-29T15:30:00Z"), "Asia/Shanghai"))).toBe("2026-11-22T16:00:00.000Z");
    expect(iso(weekStart(Date.parse("2026-11-29T16:30:00Z"), "Asia/Shanghai"))).toBe("2026-11-29T16:00:00.000Z");
  });

  it("months start on the 1st 00:00 local time, across year ends", () => {
    expect(iso(monthStart(Date.parse("2026-12-31T23:59:59Z"), "UTC"))).toBe("2026-12-01T00:00:00.000Z");
    expect(iso(monthEnd(Date.parse("2026-12-31T23:59:59Z"), "UTC"))).toBe("2027-01-01T00:00:00.000Z");
    // 2026-12-31 16:30 UTC is already January 1st in Shanghai.
    expect(iso(monthStart(Date.parse("2026-12-31T16:30:00Z"), "Asia/Shanghai"))).toBe("2026-12-31T16:00:00.000Z");
  });

  it("handles daylight-saving changes (Europe/Berlin, 2026-03-29)", () => {
    expect(iso(zonedTime(2026, 3, 29, 0, 0, "Europe/Berlin"))).toBe("2026-03-28T23:00:00.000Z");
    expect(iso(zonedTime(2026, 3, 30, 0, 0, "Europe/Berlin"))).toBe("2026-03-29T22:00:00.000Z");
    const afterChange = Date.parse("2026-03-29T12:00:00Z");
    expect(iso(dailyWindowStart(afterChange, "Europe/Berlin"))).toBe("2026-03-28T23:00:00.000Z");
    expect(iso(dailyWindowEnd(afterChange, "Europe/Berlin"))).toBe("2026-03-29T22:00:00.000Z");
  });
});
