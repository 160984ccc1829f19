import { describe, expect, it } from "vitest";
import type { Limits } from "../../catalog/types.ts";
import type { ScopeUsage } from "../../store/admission.ts";
import { buildScope } from "./scopes.ts";
import { everyWindow, keySources, ledgerUsage, toQuotaLimits, withFreesUp, type QuotaSubject } from "./usage-view.ts";

const NANO = 1_000_000_000;
// 2026-03-10 12:00 UTC, a Tuesday.
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

const NONE: Limits = {
  rpm: null,
  fiveHourNano: null,
  dailyNano: null,
  dailyResetMode: "fixed",
  dailyResetTime: "00:00",
  weeklyNano: null,
  monthlyNano: null,
  totalNano: null,
  concurrentSessions: null,
  totalResetAt: null,
};

const limits = (over: Partial<Limits>): Limits => ({ ...NONE, ...over });

describe("everyWindow", () => {
  it("gives every unlimited money window a stand-in limit so its spend is reported, and keeps real limits", () => {
    const out = everyWindow(limits({ dailyNano: 5 * NANO, rpm: 10 }));
    expect(out.dailyNano).toBe(5 * NANO);
    expect(out.rpm).toBe(10);
    expect(out.concurrentSessions).toBeNull();
    for (const field of ["fiveHourNano", "weeklyNano", "monthlyNano", "totalNano"] as const) expect(out[field]).toBe(Number.MAX_SAFE_INTEGER);
    expect(buildScope("u:1", out, "UTC", NOW).spec.windows.map((w) => w.kind)).toEqual(["5h", "daily", "weekly", "monthly", "total"]);
  });
});

describe("toQuotaLimits", () => {
  const subject: QuotaSubject = {
    scope: "k:7",
    limits: limits({ rpm: 30, dailyNano: 2 * NANO, totalNano: 100 * NANO, totalResetAt: Date.UTC(2026, 0, 1), concurrentSessions: 3, dailyResetTime: "08:00" }),
    sources: { rpm: "own", daily: "user", total: "default", concurrentSessions: "own" },
  };
  const { spec } = buildScope(subject.scope, everyWindow(subject.limits), "UTC", NOW);
  const usage: ScopeUsage = {
    scope: "k:7",
    hydrated: true,
    windows: [
      { kind: "daily", spentNano: 1.5 * NANO, reservedNano: 0.25 * NANO, limitNano: 2 * NANO, resetAt: null },
      { kind: "total", spentNano: 40 * NANO, reservedNano: 0, limitNano: 100 * NANO, resetAt: null },
    ],
    rpm: { used: 12, max: 30 },
    concurrentSessions: { used: 2, max: 3 },
  };

  it("lists rpm, every money window and sessions, in USD, with the source of each limit", () => {
    const rows = toQuotaLimits(subject, spec, usage);
    expect(rows.map((r) => r.kind)).toEqual(["rpm", "5h", "daily", "weekly", "monthly", "total", "concurrentSessions"]);
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
    expect(byKind.rpm).toMatchObject({ unit: "requests", used: 12, limit: 30, source: "own", mode: "rolling" });
    expect(byKind.daily).toMatchObject({
      unit: "usd",
      used: 1.5,
      reserved: 0.25,
      limit: 2,
      source: "user",
      mode: "fixed",
      resetTime: "08:00",
      windowStart: "2026-03-10T08:00:00.000Z",
      resetAt: "2026-03-11T08:00:00.000Z",
      freesUpAt: "2026-03-11T08:00:00.000Z",
    });
    // Unlimited windows show their spend with no limit and no source.
    expect(byKind["5h"]).toMatchObject({ used: 0, limit: null, source: null, mode: "rolling", resetAt: null, freesUpAt: null });
    expect(byKind.total).toMatchObject({ used: 40, limit: 100, source: "default", mode: null, windowStart: "2026-01-01T00:00:00.000Z", resetAt: null, freesUpAt: null });
    expect(byKind.concurrentSessions).toMatchObject({ unit: "sessions", used: 2, limit: 3, source: "own", mode: null });
  });

  it("shows nothing used when the store reported nothing for the scope", () => {
    const rows = toQuotaLimits(subject, spec, undefined);
    expect(rows.every((r) => r.used === 0 && r.reserved === 0)).toBe(true);
    expect(rows.find((r) => r.kind === "daily")?.limit).toBe(2);
  });
});

describe("withFreesUp", () => {
  const subject: QuotaSubject = { scope: "u:1", limits: limits({ fiveHourNano: NANO, dailyNano: NANO, dailyResetMode: "rolling" }) };
  const { spec } = buildScope(subject.scope, everyWindow(subject.limits), "UTC", NOW);
  const rows = toQuotaLimits(subject, spec, undefined);

  it("frees a rolling window when the bucket of its oldest spend slides out", () => {
    // Oldest spend 10:07:30: its 5-minute bucket ends 10:10, its 15-minute bucket 10:15.
    const at = Date.UTC(2026, 2, 10, 10, 7, 30);
    const out = withFreesUp(rows, spec, { fiveHour: at, day: at });
    expect(out.find((r) => r.kind === "5h")?.freesUpAt).toBe("2026-03-10T15:10:00.000Z");
    expect(out.find((r) => r.kind === "daily")?.freesUpAt).toBe("2026-03-11T10:15:00.000Z");
    // Fixed windows keep their reset as the moment room comes back.
    expect(out.find((r) => r.kind === "weekly")?.freesUpAt).toBe(rows.find((r) => r.kind === "weekly")?.freesUpAt);
  });

  it("leaves a rolling window without a time when nothing was spent in it", () => {
    const out = withFreesUp(rows, spec, { fiveHour: null, day: Date.UTC(2026, 2, 10, 1, 0) });
    expect(out.find((r) => r.kind === "5h")?.freesUpAt).toBeNull();
    expect(out.find((r) => r.kind === "daily")?.freesUpAt).toBe("2026-03-11T01:15:00.000Z");
    expect(withFreesUp(rows, spec, undefined)).toEqual(rows);
  });
});

describe("ledgerUsage", () => {
  it("sums the rolling buckets and takes the fixed windows' spend, with nothing reserved or in flight", () => {
    const { spec } = buildScope("p:3", everyWindow(limits({ rpm: 5, concurrentSessions: 2 })), "UTC", NOW);
    const usage = ledgerUsage(spec, {
      signature: spec.signature,
      buckets: { "5h": { 1: 100, 2: 200 }, daily: { 9: 1000 } },
      fixed: { daily: { start: 0, spentNano: 700 }, total: { start: 0, spentNano: 9000 } },
    });
    expect(usage).toMatchObject({ scope: "p:3", hydrated: false, rpm: { used: 0, max: 5 }, concurrentSessions: { used: 0, max: 2 } });
    const spent = Object.fromEntries(usage.windows.map((w) => [w.kind, w.spentNano]));
    expect(spent).toEqual({ "5h": 300, daily: 700, weekly: 0, monthly: 0, total: 9000 });
    expect(usage.windows.every((w) => w.reservedNano === 0)).toBe(true);
  });
});

describe("keySources", () => {
  it("names the level each effective limit comes from: the key's own, its user's, the default, or none", () => {
    const own = limits({ rpm: 10 });
    const user = limits({ rpm: 20, dailyNano: NANO });
    const defaults = limits({ dailyNano: 2 * NANO, monthlyNano: 9 * NANO });
    expect(keySources(own, user, defaults)).toEqual({
      rpm: "own",
      "5h": null,
      daily: "user",
      weekly: null,
      monthly: "default",
      total: null,
      concurrentSessions: null,
    });
  });
});
