import { describe, expect, it } from "vitest";
import { nextOccurrence, parseTimeOfDay } from "./schedule.ts";

describe("time of day", () => {
  it("accepts HH:MM on a 24-hour clock and refuses anything else", () => {
    expect(parseTimeOfDay("03:00")).toEqual({ hour: 3, minute: 0 });
    expect(parseTimeOfDay("23:59")).toEqual({ hour: 23, minute: 59 });
    for (const bad of ["3:00", "24:00", "03:60", "3pm", "", " 03:00", "03:00:00", "0300"]) expect(parseTimeOfDay(bad), bad).toBeNull();
  });

  it("finds the next occurrence strictly after now, in the zone's wall clock", () => {
    // 20:00 in Shanghai: 03:00 comes tomorrow, 19:00 UTC today.
    expect(new Date(nextOccurrence(Date.parse("2026-12-06T12:00:00Z"), "03:00", "Asia/Shanghai")).toISOString()).toBe("2026-12-06T19:00:00.000Z");
    // Exactly at the time: the next day's.
    expect(new Date(nextOccurrence(Date.parse("2026-12-06T19:00:00Z"), "03:00", "Asia/Shanghai")).toISOString()).toBe("2026-12-07T19:00:00.000Z");
    // New York, across the DST end (1 Nov 2026): 09:00 local is 13:00 UTC before, 14:00 UTC after.
    expect(new Date(nextOccurrence(Date.parse("2026-10-31T14:00:00Z"), "09:00", "America/New_York")).toISOString()).toBe("2026-11-01T14:00:00.000Z");
    expect(() => nextOccurrence(0, "25:00", "UTC")).toThrow();
  });
});
