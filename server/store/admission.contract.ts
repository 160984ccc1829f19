/**
 * The admission contract: the same cases run against MemoryStore and RedisStore
 * (memory-store.test.ts, redis-store.integration.test.ts). Time is passed in explicitly.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AdmitRequest, AdmitResult, BreakerConfig, MoneyWindow, ProviderCandidate, ScopeSpec, SettleRequest } from "./admission.ts";
import type { Store } from "./store.ts";

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0); // a Friday, 12:00 UTC
const MIN = 60_000;
const HOUR = 3_600_000;
const BREAKER: BreakerConfig = { failureThreshold: 3, openDurationMs: 10 * MIN, halfOpenSuccessThreshold: 2, halfOpenMaxProbes: 1 };

let seq = 0;
const rid = () => `req_${process.pid}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
const tag = () => Math.random().toString(36).slice(2, 8);

function scope(name: string, opts: Partial<ScopeSpec> = {}): ScopeSpec {
  return { scope: name, rpm: null, concurrentSessions: null, windows: [], signature: "sig-1", ...opts };
}
const daily = (limitNano: number, start = Date.UTC(2026, 10, 27)): MoneyWindow => ({ kind: "daily", limitNano, start, end: start + 24 * HOUR });
const fiveHour = (limitNano: number): MoneyWindow => ({ kind: "5h", limitNano, lengthMs: 5 * HOUR, bucketMs: 5 * MIN });

function candidate(providerId: number, opts: Partial<ProviderCandidate> = {}): ProviderCandidate {
  return { providerId, priority: 0, reclaimSessions: false, disableSessionReuse: false, breaker: BREAKER, limits: scope(`p:${providerId}`), ...opts };
}

/** Each request's admission time, as the gateway remembers it for its failover and settlement (SettleRequest.admittedAt). */
const admissionTimes = new Map<string, number>();
const admittedAt = (requestId: string) => admissionTimes.get(requestId) ?? T0;

function admitReq(o: Partial<AdmitRequest> & { candidates: ProviderCandidate[] }): AdmitRequest {
  const req = { requestId: rid(), now: T0, scopes: [], estimateNano: 0, session: null, enforce: true, holdMs: 10 * MIN, passthrough: false, ...o };
  admissionTimes.set(req.requestId, req.now);
  return req;
}

function settleReq(requestId: string, o: Partial<SettleRequest> = {}): SettleRequest {
  return { requestId, now: T0, admittedAt: admittedAt(requestId), costNano: 0, providerId: null, breaker: "none", breakerConfig: null, bind: null, scopes: [], ...o };
}

function admittedOn(r: AdmitResult): number {
  if (r.status !== "admitted") throw new Error(`expected admitted, got ${JSON.stringify(r)}`);
  return r.providerId;
}

export function runAdmissionContract(name: string, makeStore: () => Promise<{ store: Store; peer: Store }>) {
  describe(`Admission contract: ${name}`, () => {
    let store: Store;
    let peer: Store;
    let p: number; // provider ids unique per test (Redis is shared by the instances of one test)
    beforeEach(async () => {
      ({ store, peer } = await makeStore());
      p = Math.floor(Math.random() * 1e8);
    });
    afterEach(async () => {
      await store.close();
      if (peer !== store) await peer.close();
    });

    it("admits on the first acceptable candidate and frees everything at settlement", async () => {
      const k = scope(`k:${tag()}`, { concurrentSessions: 5 });
      const req = admitReq({ scopes: [k], candidates: [candidate(p), candidate(p + 1)], session: { id: "s1", bindingKey: `b${tag()}` } });
      const r = await store.admit(req);
      expect(r).toMatchObject({ status: "admitted", providerId: p, via: "order", breakerState: "closed" });
      expect(await peer.inFlight(k.scope, T0)).toMatchObject({ requests: 1, sessions: 1 });
      await store.settle(settleReq(req.requestId, { providerId: p }));
      expect(await peer.inFlight(k.scope, T0)).toMatchObject({ requests: 0, sessions: 0, reservedNano: 0 });
    });

    it("asks for hydration before trusting money counters, then keeps them", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(1000)] });
      const first = await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)] }));
      expect(first).toEqual({ status: "unhydrated", scopes: [k.scope] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: { daily: { start: k.windows[0].start!, spentNano: 990 } } }, T0);
      const usage = await peer.usage([k], T0);
      expect(usage[0]).toMatchObject({ hydrated: true, windows: [{ kind: "daily", spentNano: 990, limitNano: 1000 }] });
      // Another signature (e.g. the reset time changed) is not trusted.
      const moved = { ...k, signature: "sig-2" };
      expect((await store.admit(admitReq({ scopes: [moved], candidates: [candidate(p)] }))).status).toBe("unhydrated");
    });

    it("reports no spend from counters it does not trust until they are rebuilt", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(1000)] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: { daily: { start: k.windows[0].start!, spentNano: 700 } } }, T0);
      await store.resetScope(k.scope); // e.g. "reset total": the ledger is the truth now
      // The dashboard sees "not hydrated" and rebuilds from the ledger; stale counters are no answer.
      expect((await peer.usage([k], T0))[0]).toMatchObject({ hydrated: false, windows: [{ kind: "daily", spentNano: 0 }] });
      const moved = { ...k, signature: "sig-2" };
      expect((await peer.usage([moved], T0))[0]).toMatchObject({ hydrated: false, windows: [{ kind: "daily", spentNano: 0 }] });
    });

    it("labels rebuilt counters with the signature the ledger sums were loaded under", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(1000)] });
      // Sums loaded under other boundaries (the reset time changed meanwhile) are not this
      // spec's: they must not be trusted for it, so the scope is rebuilt again.
      await store.hydrate(k, { signature: "sig-0", buckets: {}, fixed: { daily: { start: k.windows[0].start!, spentNano: 10 } } }, T0);
      expect((await peer.usage([k], T0))[0]).toMatchObject({ hydrated: false });
      expect(await peer.admit(admitReq({ scopes: [k], candidates: [candidate(p)] }))).toEqual({ status: "unhydrated", scopes: [k.scope] });
    });

    it("limits requests per minute, sliding", async () => {
      const k = scope(`k:${tag()}`, { rpm: 2 });
      for (const t of [T0, T0 + 10_000]) expect(admittedOn(await store.admit(admitReq({ now: t, scopes: [k], candidates: [candidate(p)] })))).toBe(p);
      const third = await store.admit(admitReq({ now: T0 + 20_000, scopes: [k], candidates: [candidate(p)] }));
      expect(third).toEqual({ status: "limited", hit: { scope: k.scope, limit: "rpm", current: 2, max: 2, resetAt: T0 + MIN } });
      // A minute after the first, there is room again.
      expect((await peer.admit(admitReq({ now: T0 + MIN + 1, scopes: [k], candidates: [candidate(p)] }))).status).toBe("admitted");
    });

    it("limits concurrent sessions, always letting a session already in flight continue", async () => {
      const k = scope(`k:${tag()}`, { concurrentSessions: 1 });
      const a1 = admitReq({ scopes: [k], candidates: [candidate(p)], session: { id: "A", bindingKey: `b${tag()}` } });
      expect((await store.admit(a1)).status).toBe("admitted");
      expect((await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], session: { id: "A", bindingKey: `b${tag()}` } }))).status).toBe("admitted");
      const b = await peer.admit(admitReq({ scopes: [k], candidates: [candidate(p)], session: { id: "B", bindingKey: `b${tag()}` } }));
      expect(b).toMatchObject({ status: "limited", hit: { limit: "concurrent_sessions", current: 1, max: 1 } });
    });

    it("reserves at most the room left, refuses when none is left, and settles the actual cost", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(100)] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: {} }, T0);
      const r1 = admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 60 });
      const r2 = admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 60 });
      expect(await store.admit(r1)).toMatchObject({ status: "admitted", reservedNano: 60 });
      expect(await peer.admit(r2)).toMatchObject({ status: "admitted", reservedNano: 40 });
      const r3 = await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 1 }));
      expect(r3).toEqual({ status: "limited", hit: { scope: k.scope, limit: "daily", current: 100, heldNano: 100, max: 100, resetAt: k.windows[0].end } });
      await store.settle(settleReq(r1.requestId, { costNano: 30, providerId: p, scopes: [k] }));
      await store.settle(settleReq(r2.requestId, { costNano: 50, providerId: p, scopes: [k] }));
      const [usage] = await store.usage([k], T0);
      expect(usage.windows[0]).toMatchObject({ spentNano: 80, reservedNano: 0 });
      expect((await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 100 }))).status).toBe("admitted");
    });

    it("lets only one request at a time take a scope's last partial room", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(100)] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: {} }, T0);
      const admitted = async (estimateNano: number) => {
        const r = admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano });
        const result = await store.admit(r);
        return { id: r.requestId, result };
      };
      const r1 = await admitted(60);
      const r2 = await admitted(30);
      expect([r1.result, r2.result]).toMatchObject([{ reservedNano: 60 }, { reservedNano: 30 }]);
      const r3 = await admitted(50); // 10 left: a partial room
      expect(r3.result).toMatchObject({ status: "admitted", reservedNano: 10 });
      await store.settle(settleReq(r2.id, { costNano: 5, providerId: p, scopes: [k] })); // 25 left
      // Refused, naming what is spent (5) apart from what the two requests in flight hold (70).
      expect(await peer.admit(admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 50 }))).toMatchObject({
        status: "limited",
        hit: { limit: "daily", current: 75, heldNano: 70, max: 100 },
      });
      const r5 = await admitted(20); // fits whole
      expect(r5.result).toMatchObject({ status: "admitted", reservedNano: 20 });
      await store.settle(settleReq(r3.id, { costNano: 10, providerId: p, scopes: [k] }));
      // r3 no longer holds the partial room: the next one may take what is left (5).
      expect(await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 50 }))).toMatchObject({ status: "admitted", reservedNano: 5 });
    });

    it("keeps the partial room taken while the counters are rebuilt", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(100)] });
      const ledger = { signature: k.signature, buckets: {}, fixed: { daily: { start: k.windows[0].start!, spentNano: 90 } } };
      await store.hydrate(k, ledger, T0);
      const partial = admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 50 });
      expect(await store.admit(partial)).toMatchObject({ status: "admitted", reservedNano: 10 });
      // An admin resets the scope's counters while that request is still in flight; the ledger
      // now says only 40 was spent, so there is room, but not for a whole 100.
      await store.resetScope(k.scope);
      await peer.hydrate(k, { ...ledger, fixed: { daily: { start: k.windows[0].start!, spentNano: 40 } } }, T0);
      const second = await peer.admit(admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 100 }));
      expect(second).toEqual({ status: "limited", hit: { scope: k.scope, limit: "daily", current: 50, heldNano: 10, max: 100, resetAt: k.windows[0].end } });
    });

    it("forgets rolling spend on time even when the ledger reported an empty bucket", async () => {
      const k = scope(`k:${tag()}`, { windows: [fiveHour(1_000_000)] });
      // A bucket of zero: only requests that cost nothing were logged in those five minutes.
      await store.hydrate(k, { signature: k.signature, buckets: { "5h": { [Math.floor(T0 / (5 * MIN))]: 0 } }, fixed: {} }, T0);
      await store.settle(settleReq(rid(), { costNano: 100, scopes: [k] }));
      const later = T0 + 8 * 24 * HOUR;
      await store.settle(settleReq(rid(), { now: later, costNano: 148, scopes: [k] }));
      expect((await peer.usage([k], later))[0].windows[0].spentNano).toBe(148);
      expect((await peer.usage([k], later + 6 * HOUR))[0].windows[0].spentNano).toBe(0);
    });

    it("settles once per request id", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(1_000_000)] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: {} }, T0);
      const r = admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 10 });
      await store.admit(r);
      const settle = settleReq(r.requestId, { costNano: 500, providerId: p, scopes: [k] });
      await store.settle(settle);
      await peer.settle(settle);
      expect((await store.usage([k], T0))[0].windows[0].spentNano).toBe(500);
    });

    it("forgets rolling spend once it is older than the window, and restarts fixed windows", async () => {
      const w = fiveHour(1_000_000);
      const d = daily(1_000_000);
      const k = scope(`k:${tag()}`, { windows: [w, d] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: {} }, T0);
      const r = admitReq({ scopes: [k], candidates: [candidate(p)] });
      await store.admit(r);
      await store.settle(settleReq(r.requestId, { costNano: 700, providerId: p, scopes: [k] }));
      expect((await store.usage([k], T0 + 4 * HOUR))[0].windows.map((x) => x.spentNano)).toEqual([700, 700]);
      expect((await store.usage([k], T0 + 5 * HOUR + 10 * MIN))[0].windows[0].spentNano).toBe(0);
      const nextDay = { ...k, windows: [w, daily(1_000_000, Date.UTC(2026, 10, 28))] };
      expect((await store.usage([nextDay], T0 + 13 * HOUR))[0].windows[1].spentNano).toBe(0);
    });

    it("opens a breaker after repeated failures, half-opens after its duration, closes after successes", async () => {
      const fail = async (now: number) => {
        const r = admitReq({ now, candidates: [candidate(p)] });
        expect(admittedOn(await store.admit(r))).toBe(p);
        await store.settle(settleReq(r.requestId, { now, providerId: p, breaker: "failure", breakerConfig: BREAKER }));
      };
      for (let i = 0; i < 3; i++) await fail(T0 + i);
      expect((await peer.breakerStatus([p], T0 + 10))[0]).toMatchObject({ state: "open", failures: 3, openUntil: T0 + 2 + 10 * MIN });
      const skipped = await store.admit(admitReq({ now: T0 + 20, candidates: [candidate(p), candidate(p + 1)] }));
      expect(skipped).toMatchObject({ status: "admitted", providerId: p + 1, skipped: [{ providerId: p, reason: "breaker_open" }] });
      // Half-open: one probe at a time.
      const later = T0 + 11 * MIN;
      const probe = admitReq({ now: later, candidates: [candidate(p)] });
      expect(await store.admit(probe)).toMatchObject({ status: "admitted", breakerState: "half_open" });
      expect(await peer.admit(admitReq({ now: later, candidates: [candidate(p)] }))).toMatchObject({ status: "no_provider", skipped: [{ reason: "breaker_half_open_busy" }] });
      await store.settle(settleReq(probe.requestId, { now: later, providerId: p, breaker: "success", breakerConfig: BREAKER }));
      const probe2 = admitReq({ now: later + 1, candidates: [candidate(p)] });
      await store.admit(probe2);
      await store.settle(settleReq(probe2.requestId, { now: later + 1, providerId: p, breaker: "success", breakerConfig: BREAKER }));
      expect((await peer.breakerStatus([p], later + 2))[0]).toMatchObject({ state: "closed", failures: 0 });
    });

    it("re-opens at once when a half-open probe fails, and resets on demand", async () => {
      for (let i = 0; i < 3; i++) {
        const r = admitReq({ candidates: [candidate(p)] });
        await store.admit(r);
        await store.settle(settleReq(r.requestId, { providerId: p, breaker: "failure", breakerConfig: BREAKER }));
      }
      const later = T0 + 11 * MIN;
      const probe = admitReq({ now: later, candidates: [candidate(p)] });
      await store.admit(probe);
      await store.settle(settleReq(probe.requestId, { now: later, providerId: p, breaker: "failure", breakerConfig: BREAKER }));
      expect((await store.breakerStatus([p], later))[0].state).toBe("open");
      await peer.resetBreaker(p);
      expect((await store.breakerStatus([p], later))[0]).toMatchObject({ state: "closed", failures: 0 });
    });

    it("fails over: releases the failed provider, counts its failure, admits on the next", async () => {
      const provider = scope(`p:${p}`, { concurrentSessions: 1 });
      const r = admitReq({ candidates: [candidate(p, { limits: provider }), candidate(p + 1)], session: { id: "S", bindingKey: `b${tag()}` } });
      expect(admittedOn(await store.admit(r))).toBe(p);
      expect((await store.inFlight(provider.scope, T0)).requests).toBe(1);
      const next = await peer.failover({
        requestId: r.requestId,
        admittedAt: admittedAt(r.requestId),
        now: T0,
        failedProviderId: p,
        countFailure: true,
        failedBreaker: BREAKER,
        candidates: [candidate(p + 1)],
        estimateNano: 0,
        enforce: true,
        holdMs: 10 * MIN,
        passthrough: false,
      });
      expect(next).toMatchObject({ status: "admitted", providerId: p + 1 });
      expect((await store.inFlight(provider.scope, T0)).requests).toBe(0);
      expect((await store.breakerStatus([p], T0))[0].failures).toBe(1);
      await store.settle(settleReq(r.requestId, { providerId: p + 1 }));
      expect((await store.inFlight(`p:${p + 1}`, T0)).requests).toBe(0);
    });

    it("holds a failed-over request on the next provider only until its admission's hold ends", async () => {
      const next = scope(`p:${p + 1}`, { concurrentSessions: 1 });
      const r = admitReq({ holdMs: 2 * MIN, candidates: [candidate(p), candidate(p + 1, { limits: next })], session: { id: "S", bindingKey: `b${tag()}` } });
      expect(admittedOn(await store.admit(r))).toBe(p);
      // Its process fails over late, then vanishes without settling.
      const moved = await peer.failover({
        requestId: r.requestId,
        admittedAt: admittedAt(r.requestId),
        now: T0 + MIN,
        failedProviderId: p,
        countFailure: false,
        failedBreaker: BREAKER,
        candidates: [candidate(p + 1, { limits: next })],
        estimateNano: 0,
        enforce: true,
        holdMs: 2 * MIN,
        passthrough: false,
      });
      expect(moved).toMatchObject({ status: "admitted", providerId: p + 1 });
      // Every hold of a request ends together, when the hold taken at admission ends.
      const other = admitReq({ now: T0 + 2 * MIN, candidates: [candidate(p + 1, { limits: next })], session: { id: "T", bindingKey: `b${tag()}` } });
      expect(await store.admit(other)).toMatchObject({ status: "admitted", providerId: p + 1 });
    });

    it("treats a request whose hold has expired as unknown when it fails over", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(1000)] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: {} }, T0);
      const r = admitReq({ holdMs: 1000, scopes: [k], estimateNano: 300, candidates: [candidate(p), candidate(p + 1)] });
      expect(await store.admit(r)).toMatchObject({ status: "admitted", providerId: p, reservedNano: 300 });
      // Its holds were freed when they expired; a late failover picks the next provider but
      // holds nothing there, as for a request admitted while the store was unreachable.
      const late = await peer.failover({
        requestId: r.requestId,
        admittedAt: admittedAt(r.requestId),
        now: T0 + 2000,
        failedProviderId: p,
        countFailure: false,
        failedBreaker: BREAKER,
        candidates: [candidate(p + 1)],
        estimateNano: 300,
        enforce: true,
        holdMs: 1000,
        passthrough: false,
      });
      expect(late).toMatchObject({ status: "admitted", providerId: p + 1, reservedNano: 0 });
      expect(await store.inFlight(k.scope, T0 + 2000)).toEqual({ requests: 0, sessions: 0, reservedNano: 0 });
    });

    it("holds nothing for a failover of a request already settled", async () => {
      const next = scope(`p:${p + 1}`, { concurrentSessions: 1 });
      const k = scope(`k:${tag()}`, { windows: [daily(1000)] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: {} }, T0);
      const r = admitReq({ scopes: [k], estimateNano: 300, candidates: [candidate(p), candidate(p + 1, { limits: next })] });
      expect(admittedOn(await store.admit(r))).toBe(p);
      await store.settle(settleReq(r.requestId, { providerId: p }));
      // A late, duplicated failover (e.g. a retried call) must not take a slot nobody releases.
      const late = await peer.failover({
        requestId: r.requestId,
        admittedAt: admittedAt(r.requestId),
        now: T0,
        failedProviderId: p,
        countFailure: false,
        failedBreaker: BREAKER,
        candidates: [candidate(p + 1, { limits: next })],
        estimateNano: 0,
        enforce: true,
        holdMs: 10 * MIN,
        passthrough: false,
      });
      expect(late).toMatchObject({ status: "admitted", providerId: p + 1, reservedNano: 0 });
      expect(await store.inFlight(next.scope, T0)).toEqual({ requests: 0, sessions: 0, reservedNano: 0 });
    });

    it("counts a late failover of a settled request as no session of the conversation", async () => {
      const busy = scope(`p:${p + 1}`, { concurrentSessions: 1 });
      const session = { id: "A", bindingKey: `b${tag()}` };
      const r = admitReq({ session, candidates: [candidate(p)] });
      await store.admit(r);
      await store.settle(settleReq(r.requestId, { providerId: p }));
      // Session A goes on with another request, which holds the only slot of p+1.
      expect(await store.admit(admitReq({ session, candidates: [candidate(p + 1, { limits: busy })] }))).toMatchObject({ status: "admitted" });
      // A duplicated failover of the settled request is not that conversation any more (and
      // whether its record is still kept must not matter): the slot is not its to share.
      const late = await peer.failover({
        requestId: r.requestId,
        admittedAt: admittedAt(r.requestId),
        now: T0,
        failedProviderId: p,
        countFailure: false,
        failedBreaker: BREAKER,
        candidates: [candidate(p + 1, { limits: busy })],
        estimateNano: 0,
        enforce: true,
        holdMs: 10 * MIN,
        passthrough: false,
      });
      expect(late).toMatchObject({ status: "no_provider", skipped: [{ providerId: p + 1, reason: "limit" }] });
    });

    it("keeps a session on its provider, and moves it when that provider cannot serve", async () => {
      const now = Date.now();
      const session = { id: "sess", bindingKey: `bind-${tag()}` };
      const first = admitReq({ now, session, candidates: [candidate(p), candidate(p + 1)] });
      await store.admit(first);
      await store.settle(settleReq(first.requestId, { now, providerId: p + 1, bind: { bindingKey: session.bindingKey, providerId: p + 1, ttlMs: 60_000 } }));
      const second = await peer.admit(admitReq({ now, session, candidates: [candidate(p), candidate(p + 1)] }));
      expect(second).toMatchObject({ status: "admitted", providerId: p + 1, via: "session", sessionMoved: false });
      const moved = await store.admit(admitReq({ now, session, candidates: [candidate(p), candidate(p + 1, { disableSessionReuse: true })] }));
      expect(moved).toMatchObject({ status: "admitted", providerId: p, via: "order", sessionMoved: true });
    });

    it("forgets a session's binding when its time is up, by the clock it is given", async () => {
      const session = { id: "sess", bindingKey: `bind-${tag()}` };
      const first = admitReq({ session, candidates: [candidate(p), candidate(p + 1)] });
      await store.admit(first);
      await store.settle(settleReq(first.requestId, { providerId: p + 1, bind: { bindingKey: session.bindingKey, providerId: p + 1, ttlMs: MIN } }));
      const within = await peer.admit(admitReq({ now: T0 + MIN - 1, session, candidates: [candidate(p), candidate(p + 1)] }));
      expect(within).toMatchObject({ providerId: p + 1, via: "session" });
      const after = await peer.admit(admitReq({ now: T0 + MIN, session, candidates: [candidate(p), candidate(p + 1)] }));
      expect(after).toMatchObject({ providerId: p, via: "order", sessionMoved: false });
    });

    it("returns sessions to a better-priority provider that reclaims them", async () => {
      const now = Date.now();
      const session = { id: "sess", bindingKey: `bind-${tag()}` };
      const first = admitReq({ now, session, candidates: [candidate(p + 1, { priority: 5 })] });
      await store.admit(first);
      await store.settle(settleReq(first.requestId, { now, providerId: p + 1, bind: { bindingKey: session.bindingKey, providerId: p + 1, ttlMs: 60_000 } }));
      const plain = await store.admit(admitReq({ now, session, candidates: [candidate(p, { priority: 1 }), candidate(p + 1, { priority: 5 })] }));
      expect(plain).toMatchObject({ providerId: p + 1, via: "session" });
      const reclaimed = await store.admit(
        admitReq({ now, session, candidates: [candidate(p, { priority: 1, reclaimSessions: true }), candidate(p + 1, { priority: 5 })] }),
      );
      expect(reclaimed).toMatchObject({ providerId: p, sessionMoved: true });
    });

    it("skips a provider at its own limit", async () => {
      const limited = scope(`p:${p}`, { rpm: 1 });
      expect(admittedOn(await store.admit(admitReq({ candidates: [candidate(p, { limits: limited })] })))).toBe(p);
      const r = await store.admit(admitReq({ candidates: [candidate(p, { limits: limited }), candidate(p + 1)] }));
      expect(r).toMatchObject({ status: "admitted", providerId: p + 1, skipped: [{ providerId: p, reason: "limit", hit: { limit: "rpm" } }] });
    });

    it("frees what a vanished request held once its hold expires", async () => {
      const k = scope(`k:${tag()}`, { concurrentSessions: 1, windows: [daily(100)] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: {} }, T0);
      await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 100, holdMs: 1000, session: { id: "X", bindingKey: `b${tag()}` } }));
      expect((await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], session: { id: "Y", bindingKey: `b${tag()}` } }))).status).toBe("limited");
      // Never settled: after the hold expires, the slot and the reservation are free again.
      const r = await peer.admit(admitReq({ now: T0 + 2000, scopes: [k], candidates: [candidate(p)], session: { id: "Y", bindingKey: `b${tag()}` } }));
      expect(r).toMatchObject({ status: "admitted" });
      expect(await store.inFlight(k.scope, T0 + 2000)).toMatchObject({ requests: 1, reservedNano: 0 });
    });

    it("does not let a vanished request's expired hold shrink the next reservation", async () => {
      const k = scope(`k:${tag()}`, { windows: [daily(100)] });
      await store.hydrate(k, { signature: k.signature, buckets: {}, fixed: {} }, T0);
      await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], estimateNano: 60, holdMs: 1000 }));
      // Never settled. Once its hold has expired, the whole window is free again: the next
      // request reserves its whole estimate, not the 40 that was left beside the dead hold.
      const next = await peer.admit(admitReq({ now: T0 + 2000, scopes: [k], candidates: [candidate(p)], estimateNano: 50 }));
      expect(next).toMatchObject({ status: "admitted", reservedNano: 50 });
    });

    it("reserves beside no expired hold when limits are counted but not enforced", async () => {
      const provider = scope(`p:${p}`, { windows: [daily(100)] });
      await store.hydrate(provider, { signature: provider.signature, buckets: {}, fixed: {} }, T0);
      await store.admit(admitReq({ candidates: [candidate(p, { limits: provider })], estimateNano: 60, holdMs: 1000 }));
      // Never settled; with ENABLE_RATE_LIMIT=false nothing is checked, yet the dead hold must
      // not shrink what the next request reserves on the provider.
      const next = await peer.admit(admitReq({ now: T0 + 2000, candidates: [candidate(p, { limits: provider })], estimateNano: 50, enforce: false }));
      expect(next).toMatchObject({ status: "admitted", reservedNano: 50 });
    });

    it("passthrough requests pick a provider but are neither limited nor held", async () => {
      const k = scope(`k:${tag()}`, { rpm: 1, windows: [daily(1)] });
      const r1 = await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], passthrough: true }));
      const r2 = await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], passthrough: true }));
      expect([r1.status, r2.status]).toEqual(["admitted", "admitted"]);
      expect(await store.inFlight(k.scope, T0)).toMatchObject({ requests: 0 });
    });

    it("counts but never refuses when enforcement is off", async () => {
      const k = scope(`k:${tag()}`, { rpm: 1 });
      await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], enforce: false }));
      expect((await store.admit(admitReq({ scopes: [k], candidates: [candidate(p)], enforce: false }))).status).toBe("admitted");
      expect((await store.usage([k], T0))[0].rpm.used).toBe(2);
    });
  });
}
