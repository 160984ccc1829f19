/**
 * What a scope's limits look like to a person: each limit with what is used of it, where it
 * came from, and when room comes back. Pure arithmetic over a scope's spec and the usage the
 * store (or the ledger) reports; the quotas page (server/admin/quotas.ts) does the reading.
 */
import type { Limits } from "../../catalog/types.ts";
import type { HydrationData, ScopeSpec, ScopeUsage, WindowKind } from "../../store/admission.ts";
import { nanoToUsd } from "../money.ts";

export const QUOTA_KINDS = ["rpm", "5h", "daily", "weekly", "monthly", "total", "concurrentSessions"] as const;
export type QuotaKind = (typeof QUOTA_KINDS)[number];

/** Where a key's limit comes from: its own, its user's, or the system default. */
export type LimitSource = "own" | "user" | "default";

/** One limit of a scope as the quotas page shows it (USD, ISO instants). */
export interface QuotaLimitView {
  kind: QuotaKind;
  unit: "requests" | "usd" | "sessions";
  /** Settled use: requests in the last 60 s, USD spent in the window, or sessions in flight. */
  used: number;
  /** USD held by requests in flight (money windows only). */
  reserved: number;
  /** null: no limit. */
  limit: number | null;
  source: LimitSource | null;
  /** rolling: a sliding window; fixed: a calendar window; null: total and concurrency. */
  mode: "rolling" | "fixed" | null;
  /** Daily fixed windows: the local time of day (HH:mm) they reset at. */
  resetTime: string | null;
  /** Fixed windows: when the current one began; total: the last reset. */
  windowStart: string | null;
  /** When a fixed window resets; null for rolling windows, total and concurrency. */
  resetAt: string | null;
  /** When room comes back (see withFreesUp); null if nothing is spent or never. */
  freesUpAt: string | null;
}

/** A scope to measure: its name, the limits the gateway applies, and (keys) where each came from. */
export interface QuotaSubject {
  scope: string;
  limits: Limits;
  sources?: Partial<Record<QuotaKind, LimitSource | null>>;
}

/** The oldest priced request of a scope within the rolling windows (epoch ms), from the ledger. */
export interface OldestSpend {
  fiveHour: number | null;
  day: number | null;
}

/**
 * A stand-in limit for windows that have none. The store only reports windows that are in the
 * spec; giving every window a (never reached) limit lets the page show the spend of unlimited
 * windows too. The signature — the only thing that decides whether counters are trusted — does
 * not depend on limits, so these specs read exactly the counters the gateway writes.
 */
const NO_LIMIT_NANO = Number.MAX_SAFE_INTEGER;

export function everyWindow(limits: Limits): Limits {
  return {
    ...limits,
    fiveHourNano: limits.fiveHourNano ?? NO_LIMIT_NANO,
    dailyNano: limits.dailyNano ?? NO_LIMIT_NANO,
    weeklyNano: limits.weeklyNano ?? NO_LIMIT_NANO,
    monthlyNano: limits.monthlyNano ?? NO_LIMIT_NANO,
    totalNano: limits.totalNano ?? NO_LIMIT_NANO,
  };
}

const MONEY_LIMIT: Record<WindowKind, keyof Limits> = {
  "5h": "fiveHourNano",
  daily: "dailyNano",
  weekly: "weeklyNano",
  monthly: "monthlyNano",
  total: "totalNano",
};

/** Rolling windows: room comes back when the bucket of the oldest spend in them slides out. */
export function withFreesUp(limits: QuotaLimitView[], spec: ScopeSpec, oldest: OldestSpend | undefined): QuotaLimitView[] {
  return limits.map((limit) => {
    if (limit.mode !== "rolling" || (limit.kind !== "5h" && limit.kind !== "daily")) return limit;
    const window = spec.windows.find((w) => w.kind === limit.kind);
    const first = limit.kind === "5h" ? oldest?.fiveHour : oldest?.day;
    if (!window?.lengthMs || !window.bucketMs || !first) return limit;
    const bucketEnd = Math.floor(first / window.bucketMs) * window.bucketMs + window.bucketMs;
    return { ...limit, freesUpAt: new Date(bucketEnd + window.lengthMs).toISOString() };
  });
}

/** A scope's usage computed from ledger sums alone (rolling windows: the buckets that overlap them). */
export function ledgerUsage(spec: ScopeSpec, data: HydrationData): ScopeUsage {
  const sum = (buckets: Record<number, number> | undefined) => Object.values(buckets ?? {}).reduce((a, b) => a + b, 0);
  return {
    scope: spec.scope,
    hydrated: false,
    windows: spec.windows.map((w) => ({
      kind: w.kind,
      spentNano: w.lengthMs !== undefined ? sum(data.buckets[w.kind === "5h" ? "5h" : "daily"]) : (data.fixed[w.kind as "daily" | "weekly" | "monthly" | "total"]?.spentNano ?? 0),
      reservedNano: 0,
      limitNano: w.limitNano,
      resetAt: w.end ?? null,
    })),
    rpm: { used: 0, max: spec.rpm },
    concurrentSessions: { used: 0, max: spec.concurrentSessions },
  };
}

const isoOrNull = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : new Date(ms).toISOString());

/** Every limit of a scope, in QUOTA_KINDS order: requests per minute, the money windows, sessions. */
export function toQuotaLimits(subject: QuotaSubject, spec: ScopeSpec, usage: ScopeUsage | undefined): QuotaLimitView[] {
  const { limits } = subject;
  const source = (kind: QuotaKind) => subject.sources?.[kind] ?? null;
  const rows: QuotaLimitView[] = [
    {
      kind: "rpm",
      unit: "requests",
      used: usage?.rpm.used ?? 0,
      reserved: 0,
      limit: limits.rpm,
      source: source("rpm"),
      mode: "rolling",
      resetTime: null,
      windowStart: null,
      resetAt: null,
      freesUpAt: null,
    },
  ];
  for (const window of spec.windows) {
    const measured = usage?.windows.find((w) => w.kind === window.kind);
    const limitNano = limits[MONEY_LIMIT[window.kind]] as number | null;
    const rolling = window.lengthMs !== undefined;
    rows.push({
      kind: window.kind,
      unit: "usd",
      used: nanoToUsd(measured?.spentNano ?? 0),
      reserved: nanoToUsd(measured?.reservedNano ?? 0),
      limit: limitNano === null ? null : nanoToUsd(limitNano),
      source: source(window.kind),
      mode: window.kind === "total" ? null : rolling ? "rolling" : "fixed",
      resetTime: window.kind === "daily" && !rolling ? limits.dailyResetTime : null,
      windowStart: window.kind === "total" ? isoOrNull(limits.totalResetAt) : isoOrNull(window.start),
      resetAt: isoOrNull(window.end),
      freesUpAt: rolling ? null : window.kind === "total" ? null : isoOrNull(window.end),
    });
  }
  rows.push({
    kind: "concurrentSessions",
    unit: "sessions",
    used: usage?.concurrentSessions.used ?? 0,
    reserved: 0,
    limit: limits.concurrentSessions,
    source: source("concurrentSessions"),
    mode: null,
    resetTime: null,
    windowStart: null,
    resetAt: null,
    freesUpAt: null,
  });
  return rows;
}

/** Which level each of a key's effective limits comes from (same order as effectiveKeyLimits). */
export function keySources(own: Limits, user: Limits, defaults: Limits): QuotaSubject["sources"] {
  const from = (field: keyof Limits): LimitSource | null =>
    own[field] !== null ? "own" : user[field] !== null ? "user" : defaults[field] !== null ? "default" : null;
  return {
    rpm: from("rpm"),
    "5h": from("fiveHourNano"),
    daily: from("dailyNano"),
    weekly: from("weeklyNano"),
    monthly: from("monthlyNano"),
    total: from("totalNano"),
    concurrentSessions: from("concurrentSessions"),
  };
}
