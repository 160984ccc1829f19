/**
 * What a batch of requests costs inside Redis (decision 0024): the commands a script call runs
 * depend on the scopes, providers and minutes it touches, not on how many requests it carries.
 * A private redis-server, so INFO commandstats counts this test's calls alone.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrivateRedis } from "../../test-support/redis-server.ts";
import { createLogger } from "../logger.ts";
import type { AdmitRequest, BreakerConfig, ScopeSpec, SettleRequest } from "./admission.ts";
import { RedisStore } from "./redis-store.ts";

const T0 = Date.UTC(2026, 11, 7, 12, 0, 10);
const BREAKER: BreakerConfig = { failureThreshold: 5, openDurationMs: 60_000, halfOpenSuccessThreshold: 1, halfOpenMaxProbes: 1 };
const day = Date.UTC(2026, 11, 7);

function moneyScope(scope: string): ScopeSpec {
  return {
    scope,
    rpm: null,
    concurrentSessions: null,
    windows: [
      { kind: "5h", limitNano: 1e15, lengthMs: 5 * 3_600_000, bucketMs: 300_000 },
      { kind: "daily", limitNano: 1e15, start: day, end: day + 86_400_000 },
    ],
    signature: "s",
  };
}

const KEY = moneyScope("k:1");
const USER = moneyScope("u:1");
const PROVIDER = moneyScope("p:1");
const SESSION = { id: "s1", bindingKey: "1:s1" };

function admitRequest(requestId: string): AdmitRequest {
  return {
    requestId,
    now: T0,
    scopes: [KEY, USER],
    estimateNano: 1_000_000,
    session: SESSION,
    candidates: [{ providerId: 1, priority: 0, reclaimSessions: false, disableSessionReuse: false, breaker: BREAKER, limits: PROVIDER }],
    enforce: true,
    holdMs: 600_000,
    passthrough: false,
  };
}

function settleRequest(requestId: string): SettleRequest {
  return {
    requestId,
    now: T0 + 2_000,
    admittedAt: T0,
    costNano: 900_000,
    providerId: 1,
    breaker: "success",
    breakerConfig: BREAKER,
    bind: { bindingKey: SESSION.bindingKey, providerId: 1, ttlMs: 300_000 },
    scopes: [KEY, USER, PROVIDER],
  };
}

describe("RedisStore commands per batch", () => {
  let server: PrivateRedis;
  let admin: Redis;
  let store: RedisStore;

  beforeAll(async () => {
    server = await PrivateRedis.start();
    admin = new Redis(server.url);
    store = new RedisStore({ url: server.url, keyPrefix: "cmd:", logger: createLogger("silent") });
    await store.ready(2000);
    for (const scope of [KEY, USER, PROVIDER]) await store.hydrate(scope, { signature: scope.signature, buckets: {}, fixed: {} }, T0);
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    admin?.disconnect();
    await server?.stop();
  });

  /** Commands Redis ran inside the scripts (the script calls themselves not counted) while `run` ran. */
  async function commandsDuring(run: () => Promise<unknown>): Promise<{ inside: number; calls: number }> {
    await admin.config("RESETSTAT");
    await run();
    const stats = (await admin.info("commandstats")).split("\r\n").flatMap((line) => {
      const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
      return m ? [{ command: m[1]!, calls: Number(m[2]) }] : [];
    });
    const count = (pick: (command: string) => boolean) => stats.filter((s) => pick(s.command)).reduce((sum, s) => sum + s.calls, 0);
    return { inside: count((c) => c !== "evalsha" && c !== "config|resetstat"), calls: count((c) => c === "evalsha") };
  }

  /** n admissions pushed in one turn (one script call), then their n settlements (another). */
  async function batchOf(n: number, tag: string) {
    const ids = Array.from({ length: n }, (_, i) => `${tag}-${i}`);
    return commandsDuring(async () => {
      const admitted = await Promise.all(ids.map((id) => store.admit(admitRequest(id))));
      expect(admitted.every((a) => a.status === "admitted")).toBe(true);
      await Promise.all(ids.map((id) => store.settle(settleRequest(id))));
    });
  }

  it("runs as many commands for a batch of 32 requests as for one of 4: the records of a minute are one hash", async () => {
    await batchOf(4, "warm"); // the first writes of the scopes and of the minute's record hash set their TTLs
    const small = await batchOf(4, "small");
    const large = await batchOf(32, "large");
    expect(small.calls).toBe(2);
    expect(large.calls).toBe(2);
    // Per call: one HMGET per scope, breaker and minute, one MGET of the session binding, one
    // HSET (and HDEL) per scope and minute, one SET of the binding. A request record per
    // request, as a string key each, would add two SETs per request (64 here).
    expect(large.inside).toBe(small.inside);
    expect(large.inside / 32).toBeLessThan(1);
    // And the holds were all released: nothing is left in flight.
    expect(await store.inFlight(KEY.scope, T0 + 2_000)).toMatchObject({ requests: 0 });
  });
});
