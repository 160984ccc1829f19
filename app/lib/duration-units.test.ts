import { describe, expect, it } from "vitest";
import { msToUnit, msToUnitText, unitToMs } from "./duration-units.ts";

describe("duration units", () => {
  it("shows stored milliseconds in seconds and minutes", () => {
    expect(msToUnitText(30_000, "s")).toBe("30");
    expect(msToUnitText(0, "s")).toBe("0");
    expect(msToUnitText(1_500, "s")).toBe("1.5");
    expect(msToUnitText(1_800_000, "min")).toBe("30");
    expect(msToUnitText(90_000, "min")).toBe("1.5");
    expect(msToUnitText(15_000, "min")).toBe("0.25");
  });

  it("converts what was typed back to whole milliseconds", () => {
    expect(unitToMs(30, "s")).toBe(30_000);
    expect(unitToMs(1.5, "s")).toBe(1_500);
    expect(unitToMs(0.0005, "s")).toBe(1);
    expect(unitToMs(30, "min")).toBe(1_800_000);
    expect(unitToMs(0.5, "min")).toBe(30_000);
    // A sub-millisecond fraction rounds to the nearest millisecond.
    expect(unitToMs(1.2344, "s")).toBe(1_234);
  });

  it("round-trips every stored value unchanged, even those three decimals cannot say", () => {
    for (const ms of [0, 1, 999, 1_000, 1_234, 10_000, 61_001, 1_800_000, 604_800_000]) {
      for (const unit of ["s", "min"] as const) {
        expect(unitToMs(Number(msToUnitText(ms, unit)), unit)).toBe(ms);
      }
    }
    // 10 s in minutes is 0.1666…: shown with all its digits rather than as a drifting 0.167.
    expect(msToUnitText(10_000, "min")).not.toBe("0.167");
  });

  it("says a bound in the unit", () => {
    expect(msToUnit(600_000, "s")).toBe(600);
    expect(msToUnit(7 * 24 * 3600 * 1000, "min")).toBe(10_080);
  });
});
