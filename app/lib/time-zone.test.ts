import { describe, expect, it } from "vitest";
import { isoToWallTime, wallTimeToIso } from "./time-zone.ts";

describe("wall-clock times in a zone", () => {
  it("converts both ways in a zone without daylight saving", () => {
    expect(isoToWallTime("2025-03-01T02:30:00.000Z", "Asia/Shanghai")).toBe("2025-03-01T10:30");
    expect(wallTimeToIso("2025-03-01T10:30", "Asia/Shanghai")).toBe("2025-03-01T02:30:00.000Z");
  });

  it("uses the offset in force on that date", () => {
    expect(wallTimeToIso("2025-01-15T12:00", "Europe/Berlin")).toBe("2025-01-15T11:00:00.000Z");
    expect(wallTimeToIso("2025-07-15T12:00", "Europe/Berlin")).toBe("2025-07-15T10:00:00.000Z");
    expect(isoToWallTime("2025-07-15T10:00:00.000Z", "Europe/Berlin")).toBe("2025-07-15T12:00");
  });

  it("gives an empty string for empty or malformed input", () => {
    expect(isoToWallTime(null, "UTC")).toBe("");
    expect(isoToWallTime("nope", "UTC")).toBe("");
    expect(wallTimeToIso("2025-13", "UTC")).toBe("");
  });
});
