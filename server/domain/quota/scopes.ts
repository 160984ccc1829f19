/**
 * Builds the scopes of a request — the key's, the user's, each candidate provider's — with the
 * limits that apply to each and the boundaries of their windows at `now`.
 *
 * Inheritance: a key without its own limit for a window takes its user's, then the system
 * default; the user's own limits also bound the sum over all of the user's keys (the user scope);
 * a provider has only its own limits.
 */
import type { CachedKey, CachedProvider, CachedSettings, Limits } from "../../catalog/types.ts";
import { ROLLING_WINDOWS, type MoneyWindow, type ScopeSpec } from "../../store/admission.ts";
import { dailyWindowEnd, dailyWindowStart, monthEnd, monthStart, weekEnd, weekStart } from "./windows.ts";

/** How a scope's windows are laid out: what the ledger needs to rebuild its counters. */
export interface ScopeLayout {
  timeZone: string;
  dailyResetTime: string;
  totalResetAt: number | null;
  /** Starts of the fixed windows at `now` (all of them, limited or not: every window is tracked). */
  starts: { daily: number; weekly: number; monthly: number; total: number };
}

// Calendar boundaries only change when a window ends: cache them until then.
const boundaries = new Map<string, { start: number; end: number }>();

function cachedWindow(kind: "daily" | "weekly" | "monthly", now: number, timeZone: string, resetTime: string) {
  const id = `${kind}|${timeZone}|${resetTime}`;
  const hit = boundaries.get(id);
  if (hit && now >= hit.start && now < hit.end) return hit;
  const w =
    kind === "daily"
      ? { start: dailyWindowStart(now, timeZone, resetTime), end: dailyWindowEnd(now, timeZone, resetTime) }
      : kind === "weekly"
        ? { start: weekStart(now, timeZone), end: weekEnd(now, timeZone) }
        : { start: monthStart(now, timeZone), end: monthEnd(now, timeZone) };
  if (boundaries.size > 1000) boundaries.clear();
  boundaries.set(id, w);
  return w;
}

const [FIVE_HOUR, ROLLING_DAY] = ROLLING_WINDOWS;

type Scoped = { spec: ScopeSpec; layout: ScopeLayout };

// A scope's spec only changes with its limits object (replaced whenever the catalog reloads the
// row), the time zone, or when one of its calendar windows ends: cache it until then.
const scopeCache = new WeakMap<Limits, { name: string; timeZone: string; validFrom: number; validUntil: number; value: Scoped }>();

/** The scope's spec and layout at `now`; the result is shared: never mutate it. */
export function buildScope(name: string, limits: Limits, timeZone: string, now: number): Scoped {
  const hit = scopeCache.get(limits);
  if (hit && hit.name === name && hit.timeZone === timeZone && now >= hit.validFrom && now < hit.validUntil) return hit.value;
  const value = computeScope(name, limits, timeZone, now);
  const { daily, weekly, monthly } = value.layout.starts;
  const ends = [cachedWindow("daily", now, timeZone, limits.dailyResetTime).end, cachedWindow("weekly", now, timeZone, "00:00").end, cachedWindow("monthly", now, timeZone, "00:00").end];
  scopeCache.set(limits, { name, timeZone, validFrom: Math.max(daily, weekly, monthly), validUntil: Math.min(...ends), value });
  return value;
}

function computeScope(name: string, limits: Limits, timeZone: string, now: number): Scoped {
  const windows: MoneyWindow[] = [];
  const day = cachedWindow("daily", now, timeZone, limits.dailyResetTime);
  const week = cachedWindow("weekly", now, timeZone, "00:00");
  const month = cachedWindow("monthly", now, timeZone, "00:00");
  if (limits.fiveHourNano !== null) windows.push({ kind: "5h", limitNano: limits.fiveHourNano, lengthMs: FIVE_HOUR.lengthMs, bucketMs: FIVE_HOUR.bucketMs });
  if (limits.dailyNano !== null) {
    windows.push(
      limits.dailyResetMode === "rolling"
        ? { kind: "daily", limitNano: limits.dailyNano, lengthMs: ROLLING_DAY.lengthMs, bucketMs: ROLLING_DAY.bucketMs }
        : { kind: "daily", limitNano: limits.dailyNano, start: day.start, end: day.end },
    );
  }
  if (limits.weeklyNano !== null) windows.push({ kind: "weekly", limitNano: limits.weeklyNano, start: week.start, end: week.end });
  if (limits.monthlyNano !== null) windows.push({ kind: "monthly", limitNano: limits.monthlyNano, start: month.start, end: month.end });
  if (limits.totalNano !== null) windows.push({ kind: "total", limitNano: limits.totalNano, start: limits.totalResetAt ?? 0 });
  const totalStart = limits.totalResetAt ?? 0;
  return {
    spec: {
      scope: name,
      rpm: limits.rpm,
      concurrentSessions: limits.concurrentSessions,
      windows,
      // Counters kept under other boundaries (another reset time, zone or total reset) are rebuilt.
      signature: `${limits.dailyResetTime}|${timeZone}|${totalStart}`,
    },
    layout: { timeZone, dailyResetTime: limits.dailyResetTime, totalResetAt: limits.totalResetAt, starts: { daily: day.start, weekly: week.start, monthly: month.start, total: totalStart } },
  };
}

const pick = <T>(...values: Array<T | null>) => values.find((v) => v !== null) ?? null;

const effective = new WeakMap<CachedKey, { defaults: Limits; value: Limits }>();

/** The key's effective limits: its own, else its user's, else the system default, per window. */
export function effectiveKeyLimits(key: CachedKey, defaults: Limits): Limits {
  // Cached per key object and defaults object (both replaced when the catalog reloads them),
  // so the scope cache above keeps hitting for this key.
  const hit = effective.get(key);
  if (hit && hit.defaults === defaults) return hit.value;
  const value = computeEffectiveLimits(key, defaults);
  effective.set(key, { defaults, value });
  return value;
}

function computeEffectiveLimits(key: CachedKey, defaults: Limits): Limits {
  const own = key.limits;
  const user = key.user.limits;
  const daily = own.dailyNano !== null ? own : user.dailyNano !== null ? user : defaults;
  return {
    rpm: pick(own.rpm, user.rpm, defaults.rpm),
    fiveHourNano: pick(own.fiveHourNano, user.fiveHourNano, defaults.fiveHourNano),
    dailyNano: daily.dailyNano,
    dailyResetMode: daily.dailyResetMode,
    dailyResetTime: daily.dailyResetTime,
    weeklyNano: pick(own.weeklyNano, user.weeklyNano, defaults.weeklyNano),
    monthlyNano: pick(own.monthlyNano, user.monthlyNano, defaults.monthlyNano),
    totalNano: pick(own.totalNano, user.totalNano, defaults.totalNano),
    concurrentSessions: pick(own.concurrentSessions, user.concurrentSessions, defaults.concurrentSessions),
    // "Reset total" on the key or on its user clips the key's total window.
    totalResetAt: Math.max(own.totalResetAt ?? 0, user.totalResetAt ?? 0) || null,
  };
}

export function keyScope(key: CachedKey, settings: CachedSettings, now: number) {
  return buildScope(`k:${key.id}`, effectiveKeyLimits(key, settings.defaultLimits), settings.timezone, now);
}

export function userScope(key: CachedKey, settings: CachedSettings, now: number) {
  return buildScope(`u:${key.userId}`, key.user.limits, settings.timezone, now);
}

/**
 * The caller's scopes in the order admission checks them, which decides whose limit a refusal
 * names: the user's first. A key without a limit of its own carries its user's (above), and its
 * own spend can never exceed the user's, which adds up every key; so when such a key's window is
 * full the user's is too, and the refusal must say "the user's limit" — that is where an admin
 * set it and where the member's usage page shows it — with the user's figures. A key whose own
 * limit is lower than its user's is still refused in its own name.
 */
export function callerScopes(key: CachedKey, settings: CachedSettings, now: number) {
  return [userScope(key, settings, now), keyScope(key, settings, now)];
}

export function providerScope(provider: CachedProvider, settings: CachedSettings, now: number) {
  return buildScope(`p:${provider.id}`, provider.limits, settings.timezone, now);
}
