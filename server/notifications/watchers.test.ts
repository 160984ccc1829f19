/**
 * The watchers against the in-process store driven through its real operations: a breaker that
 * opens, re-opens and closes makes one event per change (named the same on every instance), a
 * scope whose spend crosses the alert percentage makes one alert per window, and two failed
 * pings in a row make a "store unreachable" event.
 */
import { describe, expect, it } from "vitest";
import type { Catalog } from "../catalog/catalog.ts";
import type { Limits } from "../catalog/types.ts";
import type { Db } from "../db/database.ts";
import type { LogRecord } from "../db/log-writer.ts";
import { buildScope } from "../domain/quota/scopes.ts";
import { createLogger } from "../logger.ts";
import type { BreakerConfig } from "../store/admission.ts";
import { MemoryStore } from "../store/memory-store.ts";
import type { Store } from "../store/store.ts";
import type { Directory } from "./directory.ts";
import type { NotificationEvent } from "./events.ts";
import { Watchers } from "./watchers.ts";

const T0 = Date.parse("2026-12-07T10:00:00.000Z");
const BREAKER: BreakerConfig = { failureThreshold: 1, openDurationMs: 60_000, halfOpenSuccessThreshold: 1, halfOpenMaxProbes: 1 };
const NO_LIMITS: Limits = { rpm: null, fiveHourNano: null, dailyNano: null, dailyResetMode: "fixed", dailyResetTime: "00:00", weeklyNano: null, monthlyNano: null, totalNano: null, concurrentSessions: null, totalResetAt: null };
const PROVIDER_LIMITS: Limits = { ...NO_LIMITS, dailyNano: 10_000_000_000 }; // $10 a day

function setup(store: Store, wanted = true) {
  const events: NotificationEvent[] = [];
  let now = T0;
  const catalog = {
    providers: () => [{ id: 1, name: "alpha", limits: PROVIDER_LIMITS }],
    provider: (id: number) => (id === 1 ? { id: 1, name: "alpha", limits: PROVIDER_LIMITS } : undefined),
    settings: () => ({ timezone: "UTC", defaultLimits: NO_LIMITS }),
  } as unknown as Catalog;
  const directory = { wants: () => wanted, settings: () => ({ quotaAlertPercent: 80 }) } as unknown as Directory;
  const watchers = new Watchers({
    catalog,
    store,
    db: {} as Db,
    pingDatabase: async () => undefined,
    directory,
    emit: (e) => events.push(e),
    now: () => now,
    logger: createLogger("silent"),
    instance: "test",
  });
  return { watchers, events, advance: (ms: number) => (now += ms), now: () => now };
}

const settleBreaker = (store: Store, outcome: "success" | "failure", now: number, id = `r${Math.random()}`) =>
  store.settle({ requestId: id, now, admittedAt: now, costNano: 0, providerId: 1, breaker: outcome, breakerConfig: BREAKER, bind: null, scopes: [] });

describe("breaker watcher", () => {
  it("reports an opening, a re-opening after a failed probe, and the closing, once each", async () => {
    const store = new MemoryStore();
    const { watchers, events, advance, now } = setup(store);
    await watchers.checkBreakers(now()); // first look: the baseline, no event
    await watchers.checkBreakers(now());
    expect(events).toEqual([]);

    await settleBreaker(store, "failure", now());
    await watchers.checkBreakers(now());
    await watchers.checkBreakers(now()); // still open: nothing new
    expect(events.map((e) => e.name)).toEqual(["provider.breaker_opened"]);
    expect(events[0]).toMatchObject({ key: `breaker_opened:1:${T0 + 60_000}`, subject: "provider:1", data: { provider: "alpha", failures: 1 } });

    advance(61_000); // half-open; the probe fails → open again, until a later instant
    await settleBreaker(store, "failure", now());
    await watchers.checkBreakers(now());
    expect(events.map((e) => e.key)).toEqual([`breaker_opened:1:${T0 + 60_000}`, `breaker_opened:1:${now() + 60_000}`]);

    const reopenedUntil = now() + 60_000;
    advance(61_000);
    await watchers.checkBreakers(now()); // half-open is not an event
    expect(events).toHaveLength(2);
    await settleBreaker(store, "success", now());
    await watchers.checkBreakers(now());
    expect(events.map((e) => e.name)).toEqual(["provider.breaker_opened", "provider.breaker_opened", "provider.breaker_closed"]);
    expect(events[2].key).toBe(`breaker_closed:1:${reopenedUntil}`);
  });

  it("two instances name the same change the same way (so one sends it)", async () => {
    const store = new MemoryStore();
    const a = setup(store);
    const b = setup(store);
    await a.watchers.checkBreakers(T0);
    await b.watchers.checkBreakers(T0);
    await settleBreaker(store, "failure", T0);
    await a.watchers.checkBreakers(T0 + 1_000);
    await b.watchers.checkBreakers(T0 + 5_000);
    expect(a.events.map((e) => e.key)).toEqual(b.events.map((e) => e.key));
    expect(a.events).toHaveLength(1);
  });

  it("does not read breakers while no target wants breaker events", async () => {
    const store = new MemoryStore();
    const { watchers, events } = setup(store, false);
    await watchers.checkBreakers(T0);
    await settleBreaker(store, "failure", T0);
    await watchers.checkBreakers(T0);
    expect(events).toEqual([]);
  });
});

describe("quota watcher", () => {
  const record = (providerId: number): LogRecord =>
    ({ requestLog: { userId: null, keyId: null, providerId, costUsd: "1.0" }, ledger: {} }) as unknown as LogRecord;

  it("alerts once when a provider's daily spend reaches 80 % of its limit", async () => {
    const store = new MemoryStore();
    const { watchers, events } = setup(store);
    const { spec } = buildScope("p:1", PROVIDER_LIMITS, "UTC", T0);
    await store.hydrate(spec, { signature: spec.signature, buckets: {}, fixed: {} }, T0);
    const spend = async (usd: number) => {
      await store.settle({ requestId: `q${Math.random()}`, now: T0, admittedAt: T0, costNano: usd * 1e9, providerId: 1, breaker: "none", breakerConfig: null, bind: null, scopes: [spec] });
      watchers.observe(record(1));
      await watchers.checkQuotas(T0);
    };
    await spend(7);
    expect(events).toEqual([]);
    await spend(1.5); // $8.50 of $10
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ name: "quota.alert", subject: "p:1:daily", data: { scopeType: "provider", name: "alpha", window: "daily", percent: 85, spentUsd: "8.50", limitUsd: "10.00" } });
    expect(events[0].claimMs).toBe(Date.parse("2026-12-08T00:00:00.000Z") - T0);
    await spend(1); // still above: the same window is not alerted twice
    expect(events).toHaveLength(1);
  });

  it("only looks at scopes that spent since the last look", async () => {
    const store = new MemoryStore();
    const { watchers, events } = setup(store);
    const { spec } = buildScope("p:1", PROVIDER_LIMITS, "UTC", T0);
    await store.hydrate(spec, { signature: spec.signature, buckets: {}, fixed: {} }, T0);
    await store.settle({ requestId: "big", now: T0, admittedAt: T0, costNano: 9e9, providerId: 1, breaker: "none", breakerConfig: null, bind: null, scopes: [spec] });
    await watchers.checkQuotas(T0); // nothing observed: not looked at
    expect(events).toEqual([]);
    watchers.observe(record(1));
    await watchers.checkQuotas(T0);
    expect(events).toHaveLength(1);
  });
});

describe("system watcher", () => {
  it("reports an unreachable store after two failed looks, named after the half hour", async () => {
    const store = new MemoryStore();
    let down = false;
    const flaky = Object.assign(Object.create(store) as Store, { ping: async () => { if (down) throw new Error("connect ECONNREFUSED"); } });
    const { watchers, events } = setup(flaky);
    await watchers.checkSystem(T0);
    down = true;
    await watchers.checkSystem(T0 + 15_000);
    expect(events).toEqual([]);
    await watchers.checkSystem(T0 + 30_000);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ name: "system.store_unreachable", key: `store_unreachable:${Math.floor((T0 + 30_000) / 1_800_000)}`, data: { since: new Date(T0 + 15_000).toISOString(), error: "connect ECONNREFUSED" } });
  });
});
