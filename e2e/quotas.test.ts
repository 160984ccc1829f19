/**
 * Quotas and rate limits end to end: a real hub (PostgreSQL, Redis), the Anthropic SDK or raw
 * HTTP as the client, the fake Anthropic upstream. Cost figures use claude-sonnet-4-5's list
 * prices ($3 in, $15 out, $6 per MTok for 1-hour cache writes).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";
import { PrivateRedis } from "../test-support/redis-server.ts";

const MODEL = "claude-sonnet-4-5";
let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake.close();
});

function post(t: TestHub, key: string, body: Record<string, unknown> = {}) {
  return fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hi" }], ...body }),
  });
}

async function ledgerNano(t: TestHub, where: Record<string, unknown>) {
  await t.flushLogs();
  const agg = await t.hub.db.prisma.usageLedger.aggregate({ where, _sum: { costUsd: true }, _count: { _all: true } });
  return { nano: Math.round(Number(agg._sum.costUsd ?? 0) * 1e9), count: agg._count._all };
}

describe("rate limits and money limits", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("answers 429 with rate-limit headers once a key's requests per minute are used up", async () => {
    const s = await seedTenant(t, fake.url, { key: { rpmLimit: 2 }, user: { providerGroup: "rpm" }, provider: { groupTag: "rpm" } });
    expect((await post(t, s.key.key)).status).toBe(200);
    expect((await post(t, s.key.key)).status).toBe(200);
    const refused = await post(t, s.key.key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-limit")).toBe("2");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    const body = (await refused.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: "rate_limit_error", limit_type: "rpm", current: 2, limit: 2 });
    expect(String(body.error.message)).toMatch(/requests per minute/);
  });

  it("answers 402 once the user's daily spend reaches its limit, naming it", async () => {
    // Each request costs 1000×$3 + 100×$15 per MTok = $0.0045; the user may spend $0.01 a day.
    fake.setDefault({ usage: { inputTokens: 1000, outputTokens: 100 } });
    try {
      const s = await seedTenant(t, fake.url, { user: { limitDailyUsd: 0.01, providerGroup: "daily" }, provider: { groupTag: "daily" } });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(t, s.key.key)).status);
      expect(statuses).toEqual([200, 200, 200, 402]);
      const refused = await post(t, s.key.key);
      expect(refused.status).toBe(402);
      expect(refused.headers.get("retry-after")).not.toBeNull();
      const body = (await refused.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ type: "billing_error", limit_type: "daily_quota", limit: 0.01 });
      expect(body.error.current as number).toBeCloseTo(0.0135, 6);
      expect(body.error.reset_time).toMatch(/T00:00:00\.000Z$/);
    } finally {
      fake.setDefault(undefined);
    }
  });

  it("keeps enforcement off with ENABLE_RATE_LIMIT=false, but keeps accounting", async () => {
    const open = await startTestHub({ env: { ENABLE_RATE_LIMIT: "false" } });
    try {
      const s = await seedTenant(open, fake.url, { key: { rpmLimit: 1 } });
      expect([(await post(open, s.key.key)).status, (await post(open, s.key.key)).status]).toEqual([200, 200]);
      expect((await ledgerNano(open, { keyId: s.key.id })).count).toBe(2);
    } finally {
      await open.stop();
    }
  });
});

describe("concurrency", () => {
  it("in the strict mode, 200 concurrent requests cannot spend past a budget by more than one request, and leave nothing held", async () => {
    const t = await startTestHub();
    try {
      // The strict mode reserves an upper bound of each request's cost (the expected mode's
      // bound is proved in e2e/admission.test.ts).
      await t.admin("settings/update", { reservationMode: "strict" });
      // A request's body is ~20 KB and its usage is 20,000 one-hour cache writes + 200 output
      // tokens: $0.12 + $0.003 = $0.123, just under its estimate (body bytes × $6 + max_tokens × $15).
      // The key may spend $0.50: four requests fit whole, a fifth takes the last partial room.
      const padding = "x".repeat(20_000);
      fake.setDefault({ usage: { inputTokens: 0, cacheCreation1hTokens: 20_000, outputTokens: 200 }, chunks: 4, chunkDelayMs: 150 });
      const s = await seedTenant(t, fake.url, { key: { limitDailyUsd: 0.5 }, user: { providerGroup: "burst" }, provider: { groupTag: "burst" } });
      const results = await Promise.all(
        Array.from({ length: 200 }, () =>
          post(t, s.key.key, { max_tokens: 200, stream: true, messages: [{ role: "user", content: padding }] }).then(async (r) => {
            await r.text();
            return r.status;
          }),
        ),
      );
      const admitted = results.filter((st) => st === 200).length;
      expect(results.filter((st) => st !== 200 && st !== 402)).toEqual([]);
      expect(admitted).toBe(5);
      const spend = await ledgerNano(t, { keyId: s.key.id });
      const oneRequest = 123_000_000; // nano-USD
      expect(spend.count).toBe(5);
      expect(spend.nano).toBe(5 * oneRequest);
      // The documented bound: at most one request over the limit.
      expect(spend.nano).toBeLessThanOrEqual(500_000_000 + oneRequest);
      // Every reservation settled, every slot free.
      const now = Date.now();
      for (const scope of [`k:${s.key.id}`, `u:${s.user.id}`, `p:${s.provider.id}`]) {
        expect(await t.hub.store.inFlight(scope, now)).toEqual({ requests: 0, sessions: 0, reservedNano: 0 });
      }
    } finally {
      fake.setDefault(undefined);
      await t.stop();
    }
  }, 60_000);
});

describe("windows with an injected clock", () => {
  let clock = 0;
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ now: () => clock });
    await t.hub.db.prisma.systemSettings.update({ where: { id: 1 }, data: { timezone: "Asia/Shanghai" } });
    await t.hub.catalog.invalidate({ kind: "settings" });
    fake.setDefault({ usage: { inputTokens: 1000, outputTokens: 100 } }); // $0.0045 each
  });
  afterAll(async () => {
    fake.setDefault(undefined);
    await t.stop();
  });

  const spendUntilRefused = async (key: string) => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const st = (await post(t, key)).status;
      statuses.push(st);
      if (st !== 200) break;
    }
    return statuses;
  };

  it("a fixed daily window resets at 18:00 Asia/Shanghai", async () => {
    const s = await seedTenant(t, fake.url, { key: { limitDailyUsd: 0.005, dailyResetMode: "fixed", dailyResetTime: "18:00" } });
    clock = Date.parse("2026-03-10T09:58:00Z"); // 17:58 in Shanghai
    expect(await spendUntilRefused(s.key.key)).toEqual([200, 200, 402]);
    clock = Date.parse("2026-03-10T09:59:59Z");
    expect((await post(t, s.key.key)).status).toBe(402);
    clock = Date.parse("2026-03-10T10:00:00Z"); // 18:00: a new day for this key
    expect((await post(t, s.key.key)).status).toBe(200);
  });

  it("a rolling 24-hour window frees spend a day after it happened", async () => {
    const s = await seedTenant(t, fake.url, { key: { limitDailyUsd: 0.005, dailyResetMode: "rolling" } });
    clock = Date.parse("2026-03-12T08:00:00Z");
    expect(await spendUntilRefused(s.key.key)).toEqual([200, 200, 402]);
    clock = Date.parse("2026-03-13T07:50:00Z"); // 23 h 50 later: still inside the window
    expect((await post(t, s.key.key)).status).toBe(402);
    clock = Date.parse("2026-03-13T08:16:00Z"); // a day and one bucket later
    expect((await post(t, s.key.key)).status).toBe(200);
  });

  it("a 5-hour window rolls", async () => {
    const s = await seedTenant(t, fake.url, { user: { limit5hUsd: 0.005 } });
    clock = Date.parse("2026-03-14T01:00:00Z");
    expect(await spendUntilRefused(s.key.key)).toEqual([200, 200, 402]);
    clock = Date.parse("2026-03-14T05:50:00Z");
    expect((await post(t, s.key.key)).status).toBe(402);
    clock = Date.parse("2026-03-14T06:11:00Z");
    expect((await post(t, s.key.key)).status).toBe(200);
  });

  it("weeks start on Monday 00:00 and months on the 1st, in the system time zone", async () => {
    const weekly = await seedTenant(t, fake.url, { key: { limitWeeklyUsd: 0.005 } });
    clock = Date.parse("2026-11-29T15:00:00Z"); // Sunday 23:00 in Shanghai
    expect(await spendUntilRefused(weekly.key.key)).toEqual([200, 200, 402]);
    clock = Date.parse("2026-11-29T16:00:00Z"); // Monday 00:00 in Shanghai
    expect((await post(t, weekly.key.key)).status).toBe(200);

    const monthly = await seedTenant(t, fake.url, { key: { limitMonthlyUsd: 0.005 } });
    clock = Date.parse("2026-11-30T15:00:00Z"); // Nov 30, 23:00 in Shanghai
    expect(await spendUntilRefused(monthly.key.key)).toEqual([200, 200, 402]);
    clock = Date.parse("2026-11-30T16:00:00Z"); // Dec 1, 00:00 in Shanghai
    expect((await post(t, monthly.key.key)).status).toBe(200);
  });
});

describe("when Redis goes away", () => {
  it("keeps serving as configured, and rebuilds the windows from the ledger once Redis is back", async () => {
    const redis = await PrivateRedis.start();
    const t = await startTestHub({ env: { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: "300" } });
    fake.setDefault({ usage: { inputTokens: 1000, outputTokens: 100 } }); // $0.0045 each
    try {
      const limited = await seedTenant(t, fake.url, { key: { limitTotalUsd: 0.012 } });
      const unlimited = await seedTenant(t, fake.url, { key: { rpmLimit: 100 } });
      expect((await post(t, limited.key.key)).status).toBe(200);
      expect((await post(t, limited.key.key)).status).toBe(200);

      await redis.stop();
      // Rate limits fail open: the key without money limits is served.
      expect((await post(t, unlimited.key.key)).status).toBe(200);
      // Money limits fail closed (the default setting): refused with a clear message.
      const closed = await post(t, limited.key.key);
      expect(closed.status).toBe(503);
      expect(((await closed.json()) as { error: { message: string } }).error.message).toMatch(/Spending limits cannot be checked/);

      // Fail open instead, by setting.
      await t.hub.db.prisma.systemSettings.update({ where: { id: 1 }, data: { moneyLimitFailMode: "open" } });
      await t.hub.catalog.invalidate({ kind: "settings" });
      expect((await post(t, limited.key.key)).status).toBe(200); // third request: $0.0135 spent in the ledger

      // Back to failing closed, then Redis returns empty: once the hub has reconnected, the key's
      // total is rebuilt from the ledger ($0.0135 ≥ $0.012) without a restart.
      await t.hub.db.prisma.systemSettings.update({ where: { id: 1 }, data: { moneyLimitFailMode: "closed" } });
      await t.hub.catalog.invalidate({ kind: "settings" });
      await redis.resume();
      await expect.poll(async () => (await post(t, limited.key.key)).status, { timeout: 8000, interval: 200 }).toBe(402);
      expect((await ledgerNano(t, { keyId: limited.key.id })).nano).toBe(3 * 4_500_000);
    } finally {
      fake.setDefault(undefined);
      await t.stop();
      await redis.stop();
    }
  }, 30_000);
});
