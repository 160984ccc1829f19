import { describe, expect, it } from "vitest";
import { matchZones, textToDay, textToWall, wallToText } from "./time-zone.ts";

describe("a date and time typed into the picker", () => {
  it("reads YYYY-MM-DD HH:mm, a date alone as midnight, and one-digit parts", () => {
    expect(textToWall("2026-12-07 09:30")).toBe("2026-12-07T09:30");
    expect(textToWall("2026-12-07")).toBe("2026-12-07T00:00");
    expect(textToWall("2026-1-5 7:05")).toBe("2026-01-05T07:05");
    expect(textToWall("  ")).toBe("");
  });

  it("refuses what is not a real date or time", () => {
    expect(textToWall("2026-02-30 10:00")).toBeNull();
    expect(textToWall("2026-12-07 24:00")).toBeNull();
    expect(textToWall("tomorrow")).toBeNull();
  });

  it("shows a wall time the way it is typed", () => {
    expect(wallToText("2026-12-07T09:30")).toBe("2026-12-07 09:30");
    expect(wallToText("")).toBe("");
  });
});

describe("a day typed into the picker (the leaderboard's range)", () => {
  it("reads YYYY-MM-DD, one-digit parts too, and nothing else", () => {
    expect(textToDay("2026-12-07")).toBe("2026-12-07");
    expect(textToDay(" 2026-1-5 ")).toBe("2026-01-05");
    expect(textToDay("")).toBe("");
    expect(textToDay("2026-12-07 09:30")).toBeNull();
    expect(textToDay("2026-02-30")).toBeNull();
    expect(textToDay("12/07/2026")).toBeNull();
  });
});

describe("searching time zones", () => {
  const zones = ["America/New_York", "Asia/Shanghai", "Asia/Singapore", "Europe/Berlin", "UTC"];
  const offsets = (zone: string) => ({ "Asia/Shanghai": "GMT+8", "Asia/Singapore": "GMT+8", "Europe/Berlin": "GMT+1" })[zone] ?? "GMT";

  it("finds zones by any part of the name, spaces for underscores, any case", () => {
    expect(matchZones(zones, "new york", offsets)).toEqual(["America/New_York"]);
    expect(matchZones(zones, "SHANG", offsets)).toEqual(["Asia/Shanghai"]);
  });

  it("finds zones by their offset", () => {
    expect(matchZones(zones, "+8", offsets)).toEqual(["Asia/Shanghai", "Asia/Singapore"]);
  });

  it("lists the first zones when nothing is typed, and nothing for nonsense", () => {
    expect(matchZones(zones, "", offsets)).toEqual(zones);
    expect(matchZones(zones, "mars", offsets)).toEqual([]);
  });
});
