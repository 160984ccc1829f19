/**
 * Redis stopped and restarted under traffic, for what e2e/quotas.test.ts's Redis outage test
 * does not cover: sticky sessions and circuit breakers. Redis here is a private redis-server
 * without persistence, so its restart loses every session binding, breaker and spend window.
 * Required: no 5xx while it is away, sessions and breakers work again once it is back, and the
 * spend windows are rebuilt from the ledger (the requests served during the outage included).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { startTestHub, type TestHub } from "../test-support/hub.ts";
import { PrivateRedis } from "../test-support/redis-server.ts";

const MODEL = "claude-sonnet-4-5";
/** Each successful request costs (1000×$3 + 100×$15)/MTok = $0.0045. */
const COST_NANO = 4_500_000;
const LIMIT_USD = 0.08;

let A: FakeUpstream;
let B: FakeUpstream;
let C: FakeUpstream;
let redis: PrivateRedis;
let t: TestHub;

beforeAll(async () => {
  [A, B, C, redis] = await Promise.all([startFakeUpstream(), startFakeUpstream(), startFakeUpstream(), PrivateRedis.start()]);
  t = await startTestHub({ env: { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: "300" } });
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await redis?.stop();
  await Promise.all([A?.close(), B?.close(), C?.close()]);
});

interface Chain {
  filtered: Array<{ id: number; reason: string }>;
  attempts: Array<{ providerId: number; reason: string }>;
}

let n = 0;
async function send(key: string, session?: string) {
  const res = await fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key, ...(session ? { "x-claude-code-session-id": session } : {}) },
    // A fresh conversation each time unless a session is named.
    body: JSON.stringify({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: session ? "hi" : `conversation ${++n}` }] }),
  });
  await res.text();
  return { status: res.status, requestId: res.headers.get("x-request-id")! };
}

async function chainOf(requestId: string): Promise<Chain> {
  await t.flushLogs();
  return (await t.admin<{ decisionChain: Chain }>("logs/get", { requestId })).decisionChain;
}

describe("Redis outage: sessions and breakers", () => {
  it("serves without a 5xx while Redis is away, and sessions, breakers and spend windows work again after its restart", async () => {
    // Money limits fail open during the outage (the key has one), so every request is served.
    await t.hub.db.prisma.systemSettings.update({ where: { id: 1 }, data: { moneyLimitFailMode: "open" } });
    await t.hub.catalog.invalidate({ kind: "settings" });
    const user = await t.admin<{ id: number }>("users/create", { name: "redis-outage", providerGroup: "redis-outage" });
    const key = (await t.admin<{ key: string; id: number }>("keys/create", { userId: user.id, name: "k", limitTotalUsd: LIMIT_USD }));
    const provider = async (upstream: FakeUpstream, name: string, options: Record<string, unknown>) =>
      (await t.admin<{ id: number }>("providers/create", { name, url: upstream.url, key: `sk-${name}`, providerType: "claude", groupTag: "redis-outage", ...options })).id;
    // C is tried first and always fails; A and B share the next tier.
    const c = await provider(C, "redis-c", { priority: 0, maxRetryAttempts: 1, circuitBreakerFailureThreshold: 2 });
    await provider(A, "redis-a", { priority: 1 });
    await provider(B, "redis-b", { priority: 1 });
    C.setDefault({ kind: "status", status: 503 });
    for (const up of [A, B]) up.setDefault({ usage: { inputTokens: 1000, outputTokens: 100 } });

    const statuses: number[] = [];
    const served = async (key: string, session?: string) => {
      const r = await send(key, session);
      statuses.push(r.status);
      return r;
    };

    // Before: a session binds and is reused; C's breaker opens after two failures.
    const s1 = "aaaaaaaa-1111-1111-1111-000000000001";
    const bound = (await chainOf((await served(key.key, s1)).requestId)).attempts.at(-1)!.providerId;
    expect((await chainOf((await served(key.key, s1)).requestId)).attempts[0]).toMatchObject({ providerId: bound, reason: "session_reuse" });
    await served(key.key);
    expect((await chainOf((await served(key.key)).requestId)).filtered).toContainEqual(expect.objectContaining({ id: c, reason: "breaker_open" }));

    // Redis away: every request is still answered, none with a 5xx.
    await redis.stop();
    for (let i = 0; i < 8; i++) await served(key.key, i % 2 ? s1 : undefined);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Redis back, empty. The hub reconnects by itself.
    await redis.resume();
    await expect.poll(async () => (await fetch(`${t.url}/api/health/ready`)).status, { timeout: 15_000, interval: 200 }).toBe(200);
    // Sessions bind and are reused again.
    const s2 = "aaaaaaaa-2222-2222-2222-000000000002";
    const rebound = (await chainOf((await served(key.key, s2)).requestId)).attempts.at(-1)!.providerId;
    expect((await chainOf((await served(key.key, s2)).requestId)).attempts[0]).toMatchObject({ providerId: rebound, reason: "session_reuse" });
    // C's breaker state was lost with Redis; it is learnt again and opens after two failures.
    await served(key.key);
    await served(key.key);
    expect((await chainOf((await served(key.key)).requestId)).filtered).toContainEqual(expect.objectContaining({ id: c, reason: "breaker_open" }));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Spend windows rebuilt from the ledger, the outage's requests included: the key is refused
    // once the ledger reaches its limit, not LIMIT_USD later.
    await t.hub.db.prisma.systemSettings.update({ where: { id: 1 }, data: { moneyLimitFailMode: "closed" } });
    await t.hub.catalog.invalidate({ kind: "settings" });
    let refused = 0;
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await send(key.key);
      if (r.status === 402) refused = 1;
      else expect(r.status).toBe(200);
    }
    expect(refused).toBe(1);
    await t.flushLogs();
    const agg = await t.hub.db.prisma.usageLedger.aggregate({ where: { keyId: key.id }, _sum: { costUsd: true }, _count: { _all: true } });
    const spentNano = Math.round(Number(agg._sum.costUsd) * 1e9);
    expect(spentNano).toBeGreaterThan(LIMIT_USD * 1e9 - 2 * COST_NANO);
    expect(spentNano).toBeLessThanOrEqual(LIMIT_USD * 1e9 + COST_NANO);
    console.info(`redis outage: ${statuses.length} requests around the outage, all 200; key refused after ${agg._count._all} billed requests ($${spentNano / 1e9})`);
  }, 60_000);
});
