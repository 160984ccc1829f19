/**
 * The differential test of the two stores (docs/decisions/0016-one-definition-of-the-rules.md).
 *
 * The quota, breaker and session rules are written twice: TypeScript for the in-process store
 * (server/store/memory/, one file per script) and Lua for Redis (scripts/*.lua). The contract (admission.contract.ts)
 * pins a few cases; this test drives BOTH stores with the same long random sequences of
 * operations — admit, failover, settle (also twice, or for a request never admitted), bursts of
 * them issued at once (the Redis store coalesces those into one script call, decision 0024),
 * abandoned requests, hydrate, resetScope, resetBreaker, limit changes and clock moves — and compares every
 * answer and, after each step, what a user can observe: usage of every scope, requests and
 * sessions in flight, and the breakers.
 *
 * CI runs a fixed seed. A longer run on demand:
 *   DIFF_RUNS=5000 DIFF_SEED=123 npx vitest run server/store/stores.differential.integration.test.ts
 * On a mismatch the test prints the run's seed and a shrunk list of steps that still differs.
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL } from "../../test-support/databases.ts";
import { createLogger } from "../logger.ts";
import type { AdmitResult, BreakerConfig, MoneyWindow, ProviderCandidate, ScopeSpec, HydrationData } from "./admission.ts";
import { ROLLING_WINDOWS } from "./admission.ts";
import { MemoryStore } from "./memory-store.ts";
import { RedisStore } from "./redis-store.ts";
import type { Store } from "./store.ts";

const RUNS = Number(process.env.DIFF_RUNS ?? 100);
const SEED = Number(process.env.DIFF_SEED ?? 20_261_207);
/** Replays one failing run at once: DIFF_SEED=… DIFF_FIRST_RUN=<run> DIFF_RUNS=1. */
const FIRST_RUN = Number(process.env.DIFF_FIRST_RUN ?? 0);
const MIN_STEPS = 50;
const MAX_STEPS = 100;
/** How long a settled request's record is kept (memory/quota-lib.ts, quota-lib.lua). */
const RECORD_GRACE_MS = 3_600_000;
const MAX_ELAPSED_MS = 29 * 86_400_000;
const PREFIX = `diff:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const [FIVE_HOUR, ROLLING_DAY] = ROLLING_WINDOWS;

// -------------------------------------------------------------------------------------------
// A seeded generator (mulberry32): the same seed gives the same runs on every machine.
// -------------------------------------------------------------------------------------------

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const chance = (rng: Rng, p: number) => rng() < p;
const pickOne = <T>(rng: Rng, xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// -------------------------------------------------------------------------------------------
// The world of one run: two keys of one user, three providers, each scope with random limits.
// Limits are small (hundreds to thousands of nano-USD) so windows fill up within a run.
// -------------------------------------------------------------------------------------------

interface Limits {
  rpm: number | null;
  concurrentSessions: number | null;
  fiveHour: number | null;
  daily: number | null;
  dailyMode: "fixed" | "rolling";
  /** Hour of day (UTC) at which a fixed daily window starts. */
  resetHour: number;
  weekly: number | null;
  monthly: number | null;
  total: number | null;
  totalResetAt: number | null;
}

interface Provider {
  id: number;
  priority: number;
  reclaimSessions: boolean;
  disableSessionReuse: boolean;
  breaker: BreakerConfig;
}

interface World {
  start: number;
  limits: Record<string, Limits>;
  providers: Provider[];
  /** Observe the state after every step, or only every few steps (observing sweeps expired holds, which could hide a store that forgets to). */
  observeEvery: number;
}

const KEYS = ["k:1", "k:2"];
const USER = "u:1";
const PROVIDER_IDS = [1, 2, 3];
const SCOPES = [...KEYS, USER, ...PROVIDER_IDS.map((id) => `p:${id}`)];

function randomLimits(rng: Rng, now: number): Limits {
  const money = () => (chance(rng, 0.4) ? int(rng, 200, 3000) : null);
  return {
    rpm: chance(rng, 0.3) ? int(rng, 1, 6) : null,
    concurrentSessions: chance(rng, 0.3) ? int(rng, 1, 3) : null,
    fiveHour: money(),
    daily: money(),
    dailyMode: chance(rng, 0.5) ? "fixed" : "rolling",
    resetHour: int(rng, 0, 23),
    weekly: money(),
    monthly: money(),
    total: money(),
    totalResetAt: chance(rng, 0.3) ? now - int(rng, 0, 40) * DAY : null,
  };
}

function randomWorld(rng: Rng): World {
  const start = Date.UTC(2026, 0, 1) + int(rng, 0, 360) * DAY + int(rng, 0, DAY - 1);
  const limits: Record<string, Limits> = {};
  for (const scope of SCOPES) limits[scope] = randomLimits(rng, start);
  const providers = PROVIDER_IDS.map((id) => ({
    id,
    priority: int(rng, 0, 1),
    reclaimSessions: chance(rng, 0.3),
    disableSessionReuse: chance(rng, 0.15),
    breaker: {
      failureThreshold: int(rng, 0, 3),
      openDurationMs: int(rng, 1, 10) * MINUTE,
      halfOpenSuccessThreshold: int(rng, 1, 2),
      halfOpenMaxProbes: int(rng, 1, 2),
    },
  }));
  return { start, limits, providers, observeEvery: pickOne(rng, [1, 3, 7]) };
}

/** Calendar windows in UTC, as server/domain/quota/scopes.ts builds them for a time zone. */
function fixedDay(now: number, resetHour: number) {
  let start = Math.floor(now / DAY) * DAY + resetHour * HOUR;
  if (start > now) start -= DAY;
  return { start, end: start + DAY };
}
function week(now: number) {
  const days = Math.floor(now / DAY);
  const monday = days - ((new Date(days * DAY).getUTCDay() + 6) % 7);
  return { start: monday * DAY, end: (monday + 7) * DAY };
}
function month(now: number) {
  const d = new Date(now);
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

function specOf(scope: string, l: Limits, now: number): ScopeSpec {
  const windows: MoneyWindow[] = [];
  if (l.fiveHour !== null) windows.push({ kind: "5h", limitNano: l.fiveHour, lengthMs: FIVE_HOUR.lengthMs, bucketMs: FIVE_HOUR.bucketMs });
  if (l.daily !== null) {
    windows.push(
      l.dailyMode === "rolling"
        ? { kind: "daily", limitNano: l.daily, lengthMs: ROLLING_DAY.lengthMs, bucketMs: ROLLING_DAY.bucketMs }
        : { kind: "daily", limitNano: l.daily, ...fixedDay(now, l.resetHour) },
    );
  }
  if (l.weekly !== null) windows.push({ kind: "weekly", limitNano: l.weekly, ...week(now) });
  if (l.monthly !== null) windows.push({ kind: "monthly", limitNano: l.monthly, ...month(now) });
  if (l.total !== null) windows.push({ kind: "total", limitNano: l.total, start: l.totalResetAt ?? 0 });
  return { scope, rpm: l.rpm, concurrentSessions: l.concurrentSessions, windows, signature: `${l.resetHour}|UTC|${l.totalResetAt ?? 0}` };
}

/** Ledger sums as loadHydration returns them: buckets overlapping the rolling windows, fixed sums since each start. */
function ledgerData(spec: ScopeSpec, l: Limits, now: number, seed: number): HydrationData {
  const rng = mulberry32(seed);
  const buckets = (lengthMs: number, bucketMs: number) => {
    const out: Record<number, number> = {};
    const newest = Math.floor(now / bucketMs);
    const span = Math.ceil(lengthMs / bucketMs);
    // Often the current bucket (live settlements add to it next), sometimes empty (requests
    // that cost nothing).
    for (let i = int(rng, 0, 4); i > 0; i--) out[chance(rng, 0.3) ? newest : newest - int(rng, 0, span - 1)] = chance(rng, 0.15) ? 0 : int(rng, 1, 800);
    return out;
  };
  const spent = () => int(rng, 0, 1500);
  return {
    signature: spec.signature,
    buckets: { "5h": buckets(FIVE_HOUR.lengthMs, FIVE_HOUR.bucketMs), daily: buckets(ROLLING_DAY.lengthMs, ROLLING_DAY.bucketMs) },
    fixed: {
      daily: { start: fixedDay(now, l.resetHour).start, spentNano: spent() },
      weekly: { start: week(now).start, spentNano: spent() },
      monthly: { start: month(now).start, spentNano: spent() },
      total: { start: l.totalResetAt ?? 0, spentNano: spent() },
    },
  };
}

// -------------------------------------------------------------------------------------------
// Operations: plain data, generated up front, so a failing list can be replayed and shrunk.
// Requests are chosen by position among those alive at that moment (modulo their number).
// -------------------------------------------------------------------------------------------

type AdmitOp = { op: "admit"; key: number; session: number | null; estimate: number; order: number[]; enforce: boolean; passthrough: boolean; holdMs: number; seed: number };
type FailoverOp = { op: "failover"; pick: number; countFailure: boolean; seed: number };
type SettleOp = { op: "settle"; pick: number; costPct: number; breaker: "success" | "failure" | "none"; bind: boolean; ttlMs: number };
type Op =
  | AdmitOp
  | FailoverOp
  | SettleOp
  /** Operations of several requests issued in the same turn, none awaited before the next. */
  | { op: "burst"; parts: Array<AdmitOp | FailoverOp | SettleOp> }
  | { op: "abandon"; pick: number }
  | { op: "settleAgain"; pick: number }
  | { op: "lateFailover"; pick: number; seed: number }
  | { op: "settleUnknown"; key: number; cost: number }
  | { op: "hydrate"; scope: number; seed: number }
  | { op: "resetScope"; scope: number }
  | { op: "resetBreaker"; provider: number }
  | { op: "reconfigure"; scope: number; seed: number }
  | { op: "tick"; ms: number };

function randomOp(rng: Rng): Op {
  const r = rng();
  if (r < 0.08) {
    const parts: Array<AdmitOp | FailoverOp | SettleOp> = [];
    for (let i = int(rng, 2, 8); i > 0; i--) {
      const part = randomOp(rng);
      if (part.op === "admit" || part.op === "failover" || part.op === "settle") parts.push(part);
    }
    return { op: "burst", parts };
  }
  if (r < 0.34) {
    return {
      op: "admit",
      key: int(rng, 0, KEYS.length - 1),
      session: chance(rng, 0.75) ? int(rng, 0, 3) : null,
      estimate: chance(rng, 0.1) ? 0 : int(rng, 20, 600),
      order: shuffled(rng, PROVIDER_IDS).slice(0, int(rng, 1, PROVIDER_IDS.length)),
      enforce: !chance(rng, 0.1),
      passthrough: chance(rng, 0.04),
      holdMs: pickOne(rng, [2 * MINUTE, 10 * MINUTE, HOUR]),
      seed: int(rng, 0, 2 ** 31),
    };
  }
  if (r < 0.42) return { op: "failover", pick: int(rng, 0, 99), countFailure: chance(rng, 0.7), seed: int(rng, 0, 2 ** 31) };
  if (r < 0.62) {
    return {
      op: "settle",
      pick: int(rng, 0, 99),
      costPct: chance(rng, 0.15) ? 0 : int(rng, 1, 100),
      breaker: pickOne(rng, ["success", "success", "failure", "none"] as const),
      bind: chance(rng, 0.8),
      ttlMs: pickOne(rng, [MINUTE, 5 * MINUTE, HOUR]),
    };
  }
  if (r < 0.65) return { op: "abandon", pick: int(rng, 0, 99) };
  if (r < 0.665) return { op: "settleAgain", pick: int(rng, 0, 99) };
  if (r < 0.67) return { op: "lateFailover", pick: int(rng, 0, 99), seed: int(rng, 0, 2 ** 31) };
  if (r < 0.68) return { op: "settleUnknown", key: int(rng, 0, KEYS.length - 1), cost: int(rng, 1, 500) };
  if (r < 0.71) return { op: "hydrate", scope: int(rng, 0, SCOPES.length - 1), seed: int(rng, 0, 2 ** 31) };
  if (r < 0.73) return { op: "resetScope", scope: int(rng, 0, SCOPES.length - 1) };
  if (r < 0.75) return { op: "resetBreaker", provider: int(rng, 0, PROVIDER_IDS.length - 1) };
  if (r < 0.77) return { op: "reconfigure", scope: int(rng, 0, SCOPES.length - 1), seed: int(rng, 0, 2 ** 31) };
  const t = rng();
  const ms = t < 0.6 ? int(rng, 0, 30) * SECOND : t < 0.85 ? int(rng, 1, 30) * MINUTE : t < 0.97 ? int(rng, 1, 6) * HOUR : int(rng, 1, 10) * DAY;
  return { op: "tick", ms };
}

// -------------------------------------------------------------------------------------------
// The driver: plays one list of operations on both stores and reports the first difference.
// -------------------------------------------------------------------------------------------

interface Live {
  id: string;
  /** The `now` of its admission: its failover and settlement name it (SettleRequest.admittedAt). */
  admittedAt: number;
  key: number;
  session: number | null;
  estimate: number;
  holdMs: number;
  passthrough: boolean;
  enforce: boolean;
  /** The provider serving it now (null: none acceptable after a failover). */
  provider: number | null;
  tried: number[];
}

interface Mismatch {
  step: number;
  what: string;
  memory: unknown;
  redis: unknown;
}

/** JSON with sorted keys and without undefined fields, so equal answers compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}

/**
 * What the runs exercised (counted from memory's answers): the test is only as good as the
 * states its random runs reach, so the default run must reach every one of these.
 */
const seen = new Map<string, number>();
const EXPECTED_FEATURES = [
  "burst",
  "admitted",
  "admitted:partial room",
  "admitted:via session",
  "admitted:session moved",
  "admitted:half-open probe",
  "limited:rpm",
  "limited:concurrent_sessions",
  "limited:5h",
  "limited:daily",
  "limited:weekly",
  "limited:monthly",
  "limited:total",
  "no_provider",
  "unhydrated",
  "skipped:breaker_open",
  "skipped:breaker_half_open_busy",
  "skipped:limit",
  "failover:admitted",
  "breaker:open",
];
const count = (feature: string) => seen.set(feature, (seen.get(feature) ?? 0) + 1);
function countResult(result: AdmitResult, estimate: number, via: "admit" | "failover") {
  count(result.status === "limited" ? `limited:${result.hit.limit}` : result.status);
  if (result.status === "admitted") {
    if (via === "failover") count("failover:admitted");
    if (result.reservedNano > 0 && result.reservedNano < estimate) count("admitted:partial room");
    if (result.via === "session") count("admitted:via session");
    if (result.sessionMoved) count("admitted:session moved");
    if (result.breakerState === "half_open") count("admitted:half-open probe");
  }
  if (result.status === "admitted" || result.status === "no_provider") for (const skip of result.skipped) count(`skipped:${skip.reason}`);
}

let storeSeq = 0;
const redisStores: string[] = [];

async function play(world: World, ops: Op[]): Promise<Mismatch | null> {
  const keyPrefix = `${PREFIX}${++storeSeq}:`;
  redisStores.push(keyPrefix);
  const memory = new MemoryStore();
  const redis = new RedisStore({ url: TEST_REDIS_URL, keyPrefix, logger: createLogger("silent") });
  await redis.ready(2000);
  const limits = structuredClone(world.limits);
  let now = world.start;
  let reqSeq = 0;
  const live: Live[] = [];
  /** Settled request ids and when: a repeated settlement is a no-op within RECORD_GRACE_MS. */
  const settled: Array<{ id: string; at: number; admittedAt: number }> = [];
  const provider = (id: number) => world.providers.find((p) => p.id === id)!;
  const spec = (scope: string) => specOf(scope, limits[scope], now);
  const candidate = (id: number): ProviderCandidate => {
    const p = provider(id);
    return { providerId: id, priority: p.priority, reclaimSessions: p.reclaimSessions, disableSessionReuse: p.disableSessionReuse, breaker: p.breaker, limits: spec(`p:${id}`) };
  };
  const bindingKey = (key: number, session: number) => `${KEYS[key]}:s${session}`;

  /** An admission of a new request; `done` records it as live once admitted. */
  const admitCall = (op: AdmitOp) => {
    const id = `r${++reqSeq}`;
    const request = {
      requestId: id,
      now,
      scopes: [spec(KEYS[op.key]), spec(USER)],
      estimateNano: op.estimate,
      session: op.session === null ? null : { id: `${KEYS[op.key]}-s${op.session}`, bindingKey: bindingKey(op.key, op.session) },
      candidates: op.order.map(candidate),
      enforce: op.enforce,
      holdMs: op.holdMs,
      passthrough: op.passthrough,
    };
    const done = (result: AdmitResult) => {
      if (result.status === "admitted") {
        live.push({ id, admittedAt: request.now, key: op.key, session: op.session, estimate: op.estimate, holdMs: op.holdMs, passthrough: op.passthrough, enforce: op.enforce, provider: result.providerId, tried: [result.providerId] });
      }
    };
    return { request, done };
  };
  /** A failover of a live request whose provider failed; null when none is being served. */
  const failoverCall = (op: FailoverOp) => {
    const open = live.filter((r) => r.provider !== null);
    if (!open.length) return null;
    const r = open[op.pick % open.length];
    const failed = r.provider!;
    const rest = PROVIDER_IDS.filter((id) => !r.tried.includes(id));
    const request = {
      requestId: r.id,
      now,
      admittedAt: r.admittedAt,
      failedProviderId: failed,
      countFailure: op.countFailure,
      failedBreaker: provider(failed).breaker,
      candidates: rest.map(candidate),
      estimateNano: r.estimate,
      enforce: r.enforce,
      holdMs: r.holdMs,
      passthrough: r.passthrough,
    };
    const done = (result: AdmitResult) => {
      r.provider = result.status === "admitted" ? result.providerId : null;
      if (r.provider !== null) r.tried.push(r.provider);
    };
    return { request, done };
  };
  /** The settlement of a live request (taken off the live list at once); null when none is live. */
  const settleCall = (op: SettleOp) => {
    if (!live.length) return null;
    const [r] = live.splice(op.pick % live.length, 1);
    const pid = r.provider;
    const bind = op.bind && pid !== null && r.session !== null ? { bindingKey: bindingKey(r.key, r.session), providerId: pid, ttlMs: op.ttlMs } : null;
    const scopes = [spec(KEYS[r.key]), spec(USER), ...(pid === null ? [] : [spec(`p:${pid}`)])];
    settled.push({ id: r.id, at: now, admittedAt: r.admittedAt });
    return {
      request: {
        requestId: r.id,
        now,
        admittedAt: r.admittedAt,
        costNano: r.passthrough ? 0 : Math.round((r.estimate * op.costPct) / 100),
        providerId: pid,
        breaker: pid === null ? ("none" as const) : op.breaker,
        breakerConfig: pid === null ? null : provider(pid).breaker,
        bind,
        scopes,
      },
    };
  };

  let step = 0;
  let mismatch: Mismatch | null = null;
  /** Runs the same call on both stores; records the first difference. */
  const both = async <T>(what: string, call: (store: Store) => Promise<T>): Promise<T> => {
    const [a, b] = await Promise.all([call(memory), call(redis)]);
    if (!mismatch && canonical(a) !== canonical(b)) {
      // Of two lists (usage of every scope…), report the first entry that differs.
      const i = Array.isArray(a) && Array.isArray(b) && a.length === b.length ? a.findIndex((x, j) => canonical(x) !== canonical(b[j])) : -1;
      mismatch = i === -1 ? { step, what, memory: a, redis: b } : { step, what: `${what}[${i}]`, memory: (a as unknown[])[i], redis: (b as unknown[])[i] };
    }
    return a;
  };
  const hydrateAll = async (scopes: string[], seed: number) => {
    for (const scope of scopes) {
      const s = spec(scope);
      const data = ledgerData(s, limits[scope], now, seed + scope.length * 7919 + scope.charCodeAt(scope.length - 1));
      await both(`hydrate ${scope}`, (store) => store.hydrate(s, data, now));
    }
  };
  /** Admission as the gateway does it: hydrate what the store asks for, then try once more. */
  const admitting = async (what: "admit" | "failover", estimate: number, call: (store: Store) => Promise<AdmitResult>, seed: number) => {
    let result = await both(what, call);
    countResult(result, estimate, what);
    if (result.status === "unhydrated") {
      await hydrateAll(result.scopes, seed);
      result = await both(what, call);
      countResult(result, estimate, what);
    }
    return result;
  };
  // The readings touch different keys (each sweeps only its own scope), so they go out at once.
  const observe = () =>
    Promise.all([
      both("usage", (store) => store.usage(SCOPES.map(spec), now)),
      ...SCOPES.map((scope) => both(`inFlight ${scope}`, (store) => store.inFlight(scope, now))),
      both("breakerStatus", (store) => store.breakerStatus(PROVIDER_IDS, now)).then((breakers) => {
        if (breakers.some((b) => b.state === "open")) count("breaker:open");
      }),
    ]);

  try {
    for (; step < ops.length && !mismatch; step++) {
      const op = ops[step];
      switch (op.op) {
        case "admit": {
          const { request, done } = admitCall(op);
          done(await admitting("admit", op.estimate, (store) => store.admit(request), op.seed));
          break;
        }
        case "failover": {
          const call = failoverCall(op);
          if (!call) break;
          call.done(await admitting("failover", call.request.estimateNano, (store) => store.failover(call.request), op.seed));
          break;
        }
        case "settle": {
          const call = settleCall(op);
          if (!call) break;
          await both("settle", (store) => store.settle(call.request));
          break;
        }
        case "burst": {
          // Every part is issued before any is awaited, in the same order on both stores: the
          // Redis store sends them as one batch, memory applies them one by one.
          const calls: Array<{ what: string; issue: (store: Store) => Promise<unknown>; done: (result: AdmitResult) => void; estimate: number }> = [];
          for (const part of op.parts) {
            if (part.op === "admit") {
              const c = admitCall(part);
              calls.push({ what: "burst admit", issue: (store) => store.admit(c.request), done: c.done, estimate: part.estimate });
            } else if (part.op === "failover") {
              const c = failoverCall(part);
              if (c) calls.push({ what: "burst failover", issue: (store) => store.failover(c.request), done: c.done, estimate: c.request.estimateNano });
            } else {
              const c = settleCall(part);
              if (c) calls.push({ what: "burst settle", issue: (store) => store.settle(c.request), done: () => {}, estimate: 0 });
            }
          }
          if (!calls.length) break;
          if (calls.length > 1) count("burst");
          const results = await both("burst", (store) => Promise.all(calls.map((c) => c.issue(store))));
          const missing = new Set<string>();
          results.forEach((result, i) => {
            if (!result) return; // a settlement
            const r = result as AdmitResult;
            countResult(r, calls[i].estimate, calls[i].what === "burst admit" ? "admit" : "failover");
            if (r.status === "unhydrated") for (const scope of r.scopes) missing.add(scope);
            calls[i].done(r);
          });
          // As the gateway would: rebuild what was asked for (the requests themselves are not retried).
          await hydrateAll([...missing], op.parts.length * 131);
          break;
        }
        case "abandon": {
          // The process handling it vanished: it is never settled, its holds expire.
          if (live.length) live.splice(op.pick % live.length, 1);
          break;
        }
        case "settleAgain": {
          // Only while the record of the first settlement is kept (an hour): after that both
          // stores may have forgotten it, Redis by a wall-clock PEXPIRE the test cannot drive.
          const recent = settled.filter((s) => s.at > now - RECORD_GRACE_MS);
          if (!recent.length) break;
          const { id, admittedAt } = recent[op.pick % recent.length];
          await both("settle again", (store) =>
            store.settle({ requestId: id, now, admittedAt, costNano: 123, providerId: null, breaker: "none", breakerConfig: null, bind: null, scopes: [spec(KEYS[0]), spec(USER)] }),
          );
          break;
        }
        case "lateFailover": {
          // A duplicated failover call arriving after the request settled.
          const recent = settled.filter((s) => s.at > now - RECORD_GRACE_MS);
          if (!recent.length) break;
          const { id, admittedAt } = recent[op.pick % recent.length];
          await admitting(
            "failover",
            0,
            (store) =>
              store.failover({
                requestId: id,
                now,
                admittedAt,
                failedProviderId: PROVIDER_IDS[op.seed % PROVIDER_IDS.length],
                countFailure: false,
                failedBreaker: provider(PROVIDER_IDS[op.seed % PROVIDER_IDS.length]).breaker,
                candidates: PROVIDER_IDS.map(candidate),
                estimateNano: 0,
                enforce: true,
                holdMs: 10 * MINUTE,
                passthrough: false,
              }),
            op.seed,
          );
          break;
        }
        case "settleUnknown": {
          // Admitted while the store was unreachable: settled all the same.
          const id = `lost${++reqSeq}`;
          await both("settle unknown", (store) =>
            store.settle({ requestId: id, now, admittedAt: now, costNano: op.cost, providerId: null, breaker: "none", breakerConfig: null, bind: null, scopes: [spec(KEYS[op.key]), spec(USER)] }),
          );
          settled.push({ id, at: now, admittedAt: now });
          break;
        }
        case "hydrate": {
          const scope = SCOPES[op.scope];
          if (op.seed % 5 === 0) {
            // Sums loaded just before the limits changed: labelled with the old signature.
            const s = spec(scope);
            const data = { ...ledgerData(s, limits[scope], now, op.seed), signature: "before-the-change" };
            await both(`hydrate ${scope} (old signature)`, (store) => store.hydrate(s, data, now));
          } else {
            await hydrateAll([scope], op.seed);
          }
          break;
        }
        case "resetScope":
          await both("resetScope", (store) => store.resetScope(SCOPES[op.scope]));
          break;
        case "resetBreaker":
          await both("resetBreaker", (store) => store.resetBreaker(PROVIDER_IDS[op.provider]));
          break;
        case "reconfigure": {
          const scope = SCOPES[op.scope];
          limits[scope] = randomLimits(mulberry32(op.seed), now);
          break;
        }
        case "tick":
          // At most MAX_ELAPSED in all: idle scope and breaker state is dropped after 30–35 days,
          // by the driven clock in memory but by a wall-clock PEXPIRE in Redis.
          now = Math.min(now + op.ms, world.start + MAX_ELAPSED_MS);
          break;
      }
      if (!mismatch && (step % world.observeEvery === 0 || step === ops.length - 1)) await observe();
    }
    if (mismatch) return mismatch;
    return null;
  } finally {
    await Promise.all([memory.close(), redis.close()]);
  }
}

/** Removes steps while the difference remains (delta debugging over chunks, then single steps). */
async function shrink(world: World, ops: Op[]): Promise<{ ops: Op[]; mismatch: Mismatch }> {
  let current = ops;
  let found = (await play(world, current))!;
  current = current.slice(0, found.step + 1);
  for (let chunk = Math.ceil(current.length / 2); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let at = 0; at < current.length; ) {
      const attempt = [...current.slice(0, at), ...current.slice(at + chunk)];
      const m = attempt.length ? await play(world, attempt) : null;
      if (m) {
        current = attempt.slice(0, m.step + 1);
        found = m;
      } else {
        at += chunk;
      }
    }
  }
  return { ops: current, mismatch: found };
}

function runSeed(run: number) {
  return (Math.imul(SEED ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(run + 1, 0xc2b2ae35)) >>> 0;
}

async function cleanup() {
  const client = new Redis(TEST_REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${PREFIX}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

describe("the memory and Redis stores answer alike (differential)", () => {
  afterAll(cleanup);

  it(`agree on ${RUNS} random runs of ${MIN_STEPS}–${MAX_STEPS} steps (seed ${SEED})`, { timeout: Math.max(60_000, RUNS * 2_000) }, async () => {
    for (let run = FIRST_RUN; run < FIRST_RUN + RUNS; run++) {
      const seed = runSeed(run);
      const rng = mulberry32(seed);
      const world = randomWorld(rng);
      const ops = Array.from({ length: int(rng, MIN_STEPS, MAX_STEPS) }, () => randomOp(rng));
      const mismatch = await play(world, ops);
      if (mismatch) {
        const shrunk = await shrink(world, ops);
        const report = [
          `Stores differ: DIFF_SEED=${SEED} DIFF_FIRST_RUN=${run} (run seed ${seed}), shrunk from ${ops.length} to ${shrunk.ops.length} steps.`,
          `world: ${JSON.stringify(world)}`,
          ...shrunk.ops.map((op, i) => `  ${i}: ${JSON.stringify(op)}`),
          `at step ${shrunk.mismatch.step}, ${shrunk.mismatch.what}:`,
          `  memory: ${canonical(shrunk.mismatch.memory)}`,
          `  redis:  ${canonical(shrunk.mismatch.redis)}`,
        ].join("\n");
        expect.fail(report);
      }
      // Keep Redis small during long runs: each run's keys go once it agreed.
      if ((run - FIRST_RUN) % 20 === 19) await cleanup();
    }
    console.info(`differential: ${RUNS} runs agreed; reached ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
    if (RUNS >= 100) expect(EXPECTED_FEATURES.filter((f) => !seen.has(f))).toEqual([]);
  });
});
