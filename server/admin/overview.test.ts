import { describe, expect, it } from "vitest";
import { EMPTY_TOTALS, type SeriesPoint, type Totals } from "../db/rollups.ts";
import { foldSplit, rankTop, spanSteps } from "./overview.ts";

const HOUR = 3_600_000;
const point = (at: number, ref: string, over: Partial<Totals>): SeriesPoint => ({ ...EMPTY_TOTALS, at, ref, ...over });

describe("spanSteps", () => {
  it("cuts a fixed-step span into every step start, empty ones included", () => {
    const from = Date.UTC(2026, 2, 10);
    expect(spanSteps(from, from + 3 * HOUR, { kind: "fixed", ms: HOUR }, "UTC")).toEqual([from, from + HOUR, from + 2 * HOUR]);
  });

  it("steps by local days across a daylight-saving change (a 23-hour day)", () => {
    // Europe/Berlin springs forward on 2026-03-29: that day is 23 hours long.
    const from = Date.UTC(2026, 2, 27, 23); // 2026-03-28 00:00 in Berlin
    const to = Date.UTC(2026, 2, 30, 22); // 2026-03-31 00:00 in Berlin (summer time)
    const steps = spanSteps(from, to, { kind: "day", timeZone: "Europe/Berlin" }, "Europe/Berlin");
    expect(steps.map((at) => new Date(at).toISOString())).toEqual(["2026-03-27T23:00:00.000Z", "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"]);
  });
});

describe("foldSplit", () => {
  it("names the six costliest members and sums the rest per step as other", () => {
    const points = Array.from({ length: 8 }, (_, i) => point(0, `m${i}`, { requests: 1, costUsd: i + 1, inputTokens: 10 }));
    points.push(point(HOUR, "m0", { requests: 2, costUsd: 0.5, failures: 1 }));
    const { shown, byStep, hasOther } = foldSplit(points);
    expect(shown).toEqual(["m7", "m6", "m5", "m4", "m3", "m2"]);
    expect(hasOther).toBe(true);
    // m1 (cost 2) and m0 (cost 1) at the first step; m0 alone at the second.
    expect(byStep.get(0)?.other).toEqual({ requests: 2, tokens: 20, costUsd: 3, errors: 0 });
    expect(byStep.get(HOUR)).toEqual({ other: { requests: 2, tokens: 0, costUsd: 0.5, errors: 1 } });
  });

  it("ranks members of equal cost by requests, and has no other when everyone is named", () => {
    const { shown, hasOther } = foldSplit([point(0, "a", { requests: 1, costUsd: 1 }), point(0, "b", { requests: 5, costUsd: 1 })]);
    expect(shown).toEqual(["b", "a"]);
    expect(hasOther).toBe(false);
  });
});

describe("rankTop", () => {
  it("ranks by cost then requests, keeps members whose requests all failed, drops those without requests", () => {
    const rows = [
      { ...EMPTY_TOTALS, ref: "idle", requests: 0 },
      { ...EMPTY_TOTALS, ref: "stuck", requests: 9, failures: 9 },
      { ...EMPTY_TOTALS, ref: "cheap", requests: 1, costUsd: 0.1 },
      { ...EMPTY_TOTALS, ref: "dear", requests: 1, costUsd: 5 },
    ];
    expect(rankTop(rows).map((r) => r.ref)).toEqual(["dear", "cheap", "stuck"]);
    const many = Array.from({ length: 8 }, (_, i) => ({ ...EMPTY_TOTALS, ref: `u${i}`, requests: 1, costUsd: i }));
    expect(rankTop(many).map((r) => r.ref)).toEqual(["u7", "u6", "u5", "u4", "u3"]);
  });
});
