import { describe, expect, it } from "vitest";
import { EMPTY_TOTALS, HIST_BOUNDS_MS, type Availability, type LatencyTotals } from "../db/rollups.ts";
import { availabilityItems, availabilitySteps, toFigures } from "./availability.ts";

const EMPTY_HIST = () => new Array<number>(HIST_BOUNDS_MS.length + 1).fill(0);
/** A histogram with `count` requests in the bucket (50, 100] ms. */
const hist100 = (count: number) => EMPTY_HIST().map((v, i) => (i === 2 ? count : v));
const totals = (over: Partial<LatencyTotals>): LatencyTotals => ({ ...EMPTY_TOTALS, ttfbHist: EMPTY_HIST(), durationHist: EMPTY_HIST(), ...over });

describe("toFigures", () => {
  it("rates success over served requests only, with latency percentiles from the histograms", () => {
    const f = toFigures(totals({ requests: 12, served: 10, failures: 2, ttfbHist: hist100(10), durationHist: hist100(10) }));
    expect(f).toMatchObject({ requests: 12, served: 10, failures: 2, successRate: 0.8 });
    expect(f.ttfbMs).toEqual({ p50: 75, p95: 98, p99: 100 });
  });

  it("has no success rate or latency when nothing was served", () => {
    expect(toFigures(totals({ requests: 3 }))).toMatchObject({ successRate: null, ttfbMs: { p50: null, p95: null, p99: null } });
  });
});

describe("availabilityItems", () => {
  const data: Availability = {
    members: [
      { ...totals({ requests: 5, served: 0 }), ref: "refused-only" },
      { ...totals({ requests: 4, served: 4, failures: 1 }), ref: "1" },
      { ...totals({ requests: 9, served: 9 }), ref: "2" },
    ],
    errors: [{ ref: "1", err: "upstream_http_error", count: 1 }],
    series: [
      { ...totals({ requests: 2, served: 2, failures: 1, durationHist: hist100(2) }), ref: "1", at: Date.UTC(2026, 2, 10, 1) },
      { ...totals({ requests: 2, served: 2 }), ref: "1", at: Date.UTC(2026, 2, 10, 0) },
    ],
  };

  it("lists members that served requests, most requests first, with their errors and a time-ordered series", () => {
    const items = availabilityItems(data, { users: new Map(), keys: new Map(), providers: new Map([[1, "acme"]]) });
    expect(items.map((i) => [i.ref, i.name])).toEqual([["2", "#2"], ["1", "acme"]]);
    const acme = items[1]!;
    expect(acme.errors).toEqual([{ errorClass: "upstream_http_error", count: 1 }]);
    expect(acme.series.map((p) => p.at)).toEqual(["2026-03-10T00:00:00.000Z", "2026-03-10T01:00:00.000Z"]);
    expect(acme.series[1]).toMatchObject({ successRate: 0.5, p95DurationMs: 98, p95TtfbMs: null });
  });

  it("names models by themselves", () => {
    expect(availabilityItems(data, null).map((i) => i.name)).toEqual(["2", "1"]);
  });
});

describe("availabilitySteps", () => {
  const from = Date.UTC(2026, 2, 10, 10, 7);
  it("starts the last hour's steps at its start, the rollups' at the start's 15-minute bucket", () => {
    expect(availabilitySteps("1h", from, from + 10 * 60_000, 5 * 60_000)).toEqual(["2026-03-10T10:07:00.000Z", "2026-03-10T10:12:00.000Z"]);
    expect(availabilitySteps("24h", from, from + 2 * 3_600_000, 3_600_000)).toEqual(["2026-03-10T10:00:00.000Z", "2026-03-10T11:00:00.000Z", "2026-03-10T12:00:00.000Z"]);
  });
});
