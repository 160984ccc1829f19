/**
 * The procedures behind the sessions, leaderboard, availability and overview pages, against a
 * real hub (PostgreSQL, Redis) with history written through the log writer — so every figure
 * has passed through the request-log trigger into the rollups the pages read. The hub's clock
 * is fixed, so "today", "this week" and "active" are known instants.
 *
 * Cast: alice and bob are members with dashboard keys; the admin token administers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { requestLogRow } from "../../../test-support/log-records.ts";
import { BreakerWatch } from "../../jobs/breaker-watch.ts";
import { createLogger } from "../../logger.ts";
import type { Store } from "../../store/store.ts";
import { createCaller } from "../root.ts";

const NOW = Date.UTC(2026, 11, 9, 12, 0, 0); // Wednesday 12:00 UTC (the hub's time zone is UTC)
const MIN = 60_000;
const HOUR = 3_600_000;

let t: TestHub;
let alice: { id: number; keyId: number; key: string };
let bob: { id: number; keyId: number; key: string };
let p1: { id: number; name: string };
let p2: { id: number; name: string };

interface Board {
  memberView: string;
  restricted: boolean;
  items: Array<{ rank: number; id: string | null; name: string | null; isSelf: boolean; requests: number; tokens: number; costUsd: number; cacheHitRatio: number | null }>;
}

async function member(name: string) {
  const user = await t.admin<{ id: number }>("users/create", { name });
  const key = await t.admin<{ id: number; key: string }>("keys/create", { userId: user.id, name: `${name}-web`, canLoginWebUi: true });
  return { id: user.id, keyId: key.id, key: key.key };
}

async function call<T>(path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await t.adminRaw(path, body, token);
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  t = await startTestHub({ now: () => NOW });
  alice = await member("alice");
  bob = await member("bob");
  p1 = await t.admin("providers/create", { name: "pool-one", url: "http://127.0.0.1:9", key: "sk-upstream-one-123456", providerType: "claude" });
  p2 = await t.admin("providers/create", { name: "pool-two", url: "http://127.0.0.1:9", key: "sk-upstream-two-123456", providerType: "claude" });
  const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();
  const rows = [
    // alice, today, one session on pool-one: two successes and a timeout; cache reads on the first.
    requestLogRow({ requestId: "a1", createdAt: at(3 * HOUR), userId: alice.id, keyId: alice.keyId, providerId: p1.id, model: "m-alpha", sessionId: "s-alice", costUsd: "0.100000000", inputTokens: 100, cacheReadTokens: 300, outputTokens: 50, ttfbMs: 120, durationMs: 900, userAgent: "claude-cli/2.0.14 (external, cli)" }),
    requestLogRow({ requestId: "a2", createdAt: at(2 * MIN), userId: alice.id, keyId: alice.keyId, providerId: p1.id, model: "m-alpha", sessionId: "s-alice", costUsd: "0.200000000", inputTokens: 100, outputTokens: 50, ttfbMs: 180, durationMs: 1100, userAgent: "claude-cli/2.0.14 (external, cli)" }),
    requestLogRow({ requestId: "a3", createdAt: at(1 * MIN), userId: alice.id, keyId: alice.keyId, providerId: p1.id, model: "m-alpha", sessionId: "s-alice", costUsd: null, inputTokens: 0, outputTokens: 0, statusCode: 502, errorType: "timeout", ttfbMs: null, durationMs: 30000, userAgent: "claude-cli/2.0.14 (external, cli)" }),
    // bob, today, on pool-two, a session that went quiet 2 hours ago; and a refused request (no provider).
    requestLogRow({ requestId: "b1", createdAt: at(2 * HOUR + 5 * MIN), userId: bob.id, keyId: bob.keyId, providerId: p2.id, model: "m-beta", sessionId: "s-bob", costUsd: "1.000000000", inputTokens: 1000, outputTokens: 500, ttfbMs: 400, durationMs: 5000 }),
    requestLogRow({ requestId: "b2", createdAt: at(2 * HOUR), userId: bob.id, keyId: bob.keyId, providerId: p2.id, model: "m-beta", sessionId: "s-bob", costUsd: "1.000000000", inputTokens: 1000, outputTokens: 500, ttfbMs: 600, durationMs: 7000 }),
    requestLogRow({ requestId: "b3", createdAt: at(HOUR), userId: bob.id, keyId: bob.keyId, providerId: null, model: "m-beta", costUsd: null, inputTokens: 0, outputTokens: 0, statusCode: 429, errorType: "rate_limited", blockedBy: "rpm" }),
    // alice, on Monday (this week, not today) and 40 days ago (outside this month too).
    requestLogRow({ requestId: "a-old", createdAt: at(2 * 24 * HOUR + HOUR), userId: alice.id, keyId: alice.keyId, providerId: p1.id, model: "m-alpha", costUsd: "5.000000000" }),
    requestLogRow({ requestId: "a-older", createdAt: at(40 * 24 * HOUR), userId: alice.id, keyId: alice.keyId, providerId: p1.id, model: "m-alpha", costUsd: "9.000000000" }),
  ];
  for (const row of rows) t.hub.logWriter.enqueue({ requestLog: row });
  await t.flushLogs();
  // alice's session is bound to pool-one in the store, as the gateway's settlement leaves it.
  await t.hub.store.admit({
    requestId: "bind-a", now: NOW, scopes: [], estimateNano: 0, session: { id: "s-alice", bindingKey: `${alice.keyId}:s-alice` },
    candidates: [{ providerId: p1.id, priority: 0, reclaimSessions: false, disableSessionReuse: false, breaker: { failureThreshold: 3, openDurationMs: MIN, halfOpenSuccessThreshold: 1, halfOpenMaxProbes: 1 }, limits: { scope: `p:${p1.id}`, rpm: null, concurrentSessions: null, windows: [], signature: "s" } }],
    enforce: true, holdMs: MIN, passthrough: false,
  });
  await t.hub.store.settle({ requestId: "bind-a", now: NOW, admittedAt: NOW, costNano: 0, providerId: p1.id, breaker: "none", breakerConfig: null, bind: { bindingKey: `${alice.keyId}:s-alice`, providerId: p1.id, ttlMs: 10 * MIN }, scopes: [] });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe("leaderboard", () => {
  it("ranks users by cost for today, this week and this month, in the system time zone", async () => {
    const today = await t.admin<Board>("leaderboard/get", { dimension: "user", period: "today" });
    expect(today.items.map((i) => [i.name, i.requests, i.costUsd])).toEqual([
      ["bob", 3, 2],
      ["alice", 3, expect.closeTo(0.3, 9)],
    ]);
    const week = await t.admin<Board>("leaderboard/get", { dimension: "user", period: "week" });
    expect(week.items.map((i) => [i.name, i.costUsd])).toEqual([["alice", expect.closeTo(5.3, 9)], ["bob", 2]]);
    const custom = await t.admin<Board>("leaderboard/get", { dimension: "user", period: "custom", fromDay: "2026-10-01", toDay: "2026-10-31" });
    expect(custom.items.map((i) => [i.name, i.costUsd])).toEqual([["alice", 9]]);
  });

  it("ranks by requests, tokens and cache-hit ratio, and ranks keys, providers and models", async () => {
    const byCache = await t.admin<Board>("leaderboard/get", { dimension: "user", sortBy: "cacheHit" });
    // alice read 300 of her 500 prompt tokens from the cache; bob none.
    expect(byCache.items.map((i) => [i.name, i.cacheHitRatio])).toEqual([["alice", 0.6], ["bob", 0]]);
    const byTokens = await t.admin<Board>("leaderboard/get", { dimension: "user", sortBy: "tokens" });
    expect(byTokens.items.map((i) => [i.name, i.tokens])).toEqual([["bob", 3000], ["alice", 600]]);
    const providers = await t.admin<Board>("leaderboard/get", { dimension: "provider", sortBy: "requests" });
    expect(providers.items.map((i) => [i.name, i.requests])).toEqual([["pool-one", 3], ["pool-two", 2]]);
    const models = await t.admin<Board>("leaderboard/get", { dimension: "model" });
    expect(models.items.map((i) => i.name)).toEqual(["m-beta", "m-alpha"]);
    const keys = await t.admin<Board>("leaderboard/get", { dimension: "key" });
    expect(keys.items.map((i) => i.name)).toEqual(["bob-web", "alice-web"]);
  });

  it("refuses a range that ends before it starts or spans more than a year, and unbounded limits", async () => {
    expect((await call("leaderboard/get", { period: "custom", fromDay: "2026-12-05", toDay: "2026-12-01" })).status).toBe(400);
    expect((await call("leaderboard/get", { period: "custom", fromDay: "2024-01-01", toDay: "2026-12-01" })).status).toBe(400);
    expect((await call("leaderboard/get", { period: "custom", fromDay: "2026-13-01", toDay: "2026-12-01" })).status).toBe(400);
    expect((await call("leaderboard/get", { limit: 100_000 })).status).toBe(400);
  });

  it("shows a member only themselves by default, and anonymized ranks when the admin says so", async () => {
    const self = await call<Board>("leaderboard/get", { dimension: "user" }, alice.key);
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ memberView: "self", restricted: true });
    expect(self.body.items).toEqual([expect.objectContaining({ name: "alice", isSelf: true, rank: 1 })]);
    expect(JSON.stringify(self.body)).not.toContain("bob");

    expect((await call("leaderboard/setMemberView", { memberView: "anonymized" }, alice.key)).status).toBe(403);
    await t.admin("leaderboard/setMemberView", { memberView: "anonymized" });
    const anon = await call<Board>("leaderboard/get", { dimension: "user" }, alice.key);
    expect(anon.body.items.map((i) => [i.rank, i.name, i.id, i.isSelf])).toEqual([
      [1, null, null, false],
      [2, "alice", String(alice.id), true],
    ]);
    expect(JSON.stringify(anon.body)).not.toContain("bob");
    await t.admin("leaderboard/setMemberView", { memberView: "self" });
  });

  it("lets a member rank only their own keys, and never providers or models", async () => {
    const keys = await call<Board>("leaderboard/get", { dimension: "key" }, alice.key);
    expect(keys.body.items.map((i) => i.name)).toEqual(["alice-web"]);
    expect((await call("leaderboard/get", { dimension: "provider" }, alice.key)).status).toBe(403);
    expect((await call("leaderboard/get", { dimension: "model" }, alice.key)).status).toBe(403);
  });
});

interface SessionList {
  items: Array<{ sessionId: string; userName: string; keyName: string; client: string | null; model: string; boundProviderName: string | null; lastProviderName: string | null; requests: number; failures: number; tokens: number; costUsd: number; active: boolean }>;
}

describe("sessions", () => {
  it("lists sessions active within SESSION_TTL with their bound provider, and the last day's", async () => {
    const active = await t.admin<SessionList>("sessions/list", { scope: "active" });
    expect(active.items).toEqual([
      expect.objectContaining({ sessionId: "s-alice", userName: "alice", keyName: "alice-web", client: "claude-cli/2.0.14", model: "m-alpha", boundProviderName: "pool-one", lastProviderName: "pool-one", requests: 3, failures: 1, tokens: 600, active: true }),
    ]);
    expect(active.items[0]!.costUsd).toBeCloseTo(0.3, 9);
    const recent = await t.admin<SessionList>("sessions/list", { scope: "recent" });
    expect(recent.items.map((s) => [s.sessionId, s.active, s.boundProviderName])).toEqual([
      ["s-alice", true, "pool-one"],
      ["s-bob", false, null],
    ]);
  });

  it("shows a member their own sessions, without providers", async () => {
    const mine = await call<SessionList>("sessions/list", { scope: "recent" }, bob.key);
    expect(mine.body.items.map((s) => [s.sessionId, s.boundProviderName, s.lastProviderName])).toEqual([["s-bob", null, null]]);
    expect(JSON.stringify(mine.body)).not.toContain("pool-two");
    expect((await call("sessions/distribution", {}, bob.key)).status).toBe(403);
  });

  it("lists a session's requests newest first, for its owner and admins only", async () => {
    const { items } = await t.admin<{ items: Array<{ requestId: string; providerName: string; statusCode: number }> }>("sessions/requests", { keyId: alice.keyId, sessionId: "s-alice" });
    expect(items.map((r) => [r.requestId, r.statusCode, r.providerName])).toEqual([["a3", 502, "pool-one"], ["a2", 200, "pool-one"], ["a1", 200, "pool-one"]]);
    const own = await call<{ items: Array<{ providerName: string }> }>("sessions/requests", { keyId: alice.keyId, sessionId: "s-alice" }, alice.key);
    expect(own.body.items.map((r) => r.providerName)).toEqual(["upstream", "upstream", "upstream"]);
    const other = await call<{ items: unknown[] }>("sessions/requests", { keyId: alice.keyId, sessionId: "s-alice" }, bob.key);
    expect(other.body.items).toEqual([]);
    expect((await call("sessions/requests", { keyId: alice.keyId, sessionId: "x".repeat(201) })).status).toBe(400);
  });

  it("counts active sessions per provider and what is in flight", async () => {
    const d = await t.admin<{ activeSessions: number; providers: Array<{ name: string; activeSessions: number; inFlightRequests: number }> }>("sessions/distribution", {});
    expect(d.activeSessions).toBe(1);
    expect(d.providers).toEqual([
      expect.objectContaining({ name: "pool-one", activeSessions: 1, inFlightRequests: 0 }),
      expect.objectContaining({ name: "pool-two", activeSessions: 0, inFlightRequests: 0 }),
    ]);
  });

  it("still lists sessions when the store does not answer, with their bindings unknown", async () => {
    // The hub's own services, but a store whose binding read fails (as an unreachable Redis's would).
    const store = Object.create(t.hub.store, { sessionBindings: { value: () => Promise.reject(new Error("connection refused")) } }) as Store;
    const { hub } = t;
    const caller = createCaller({
      env: hub.env, db: hub.db.prisma, store, catalog: hub.catalog, secrets: hub.secrets, logger: hub.logger, logWriter: hub.logWriter,
      now: () => NOW, viewer: { kind: "admin", via: "admin_token" }, ip: undefined,
    });
    const list = await caller.sessions.list({ scope: "active" });
    expect(list.bindingsKnown).toBe(false);
    expect(list.items.map((s) => [s.sessionId, s.boundProviderName])).toEqual([["s-alice", null]]);
    expect((await t.admin<{ bindingsKnown: boolean }>("sessions/list", { scope: "active" })).bindingsKnown).toBe(true);
  });

  it("unbinds a session from its provider in the store (admins only)", async () => {
    expect((await call("sessions/unbind", { keyId: alice.keyId, sessionId: "s-alice" }, alice.key)).status).toBe(403);
    expect(await t.hub.store.sessionBindings([`${alice.keyId}:s-alice`], NOW)).toEqual(new Map([[`${alice.keyId}:s-alice`, p1.id]]));
    expect(await t.admin("sessions/unbind", { keyId: alice.keyId, sessionId: "s-alice" })).toEqual({ unbound: true });
    expect(await t.hub.store.sessionBindings([`${alice.keyId}:s-alice`], NOW)).toEqual(new Map());
    const active = await t.admin<SessionList>("sessions/list", { scope: "active" });
    expect(active.items[0]).toMatchObject({ sessionId: "s-alice", boundProviderName: null });
    expect(await t.admin("sessions/unbind", { keyId: alice.keyId, sessionId: "s-alice" })).toEqual({ unbound: false });
  });
});

interface AvailabilityView {
  items: Array<{
    name: string;
    served: number;
    failures: number;
    successRate: number | null;
    ttfbMs: { p50: number | null; p95: number | null; p99: number | null };
    durationMs: { p50: number | null; p95: number | null; p99: number | null };
    errors: Array<{ errorClass: string; count: number }>;
    series: Array<{ at: string; requests: number }>;
  }>;
}

describe("availability", () => {
  it("reports success rate, latency percentiles and error classes per provider over 24 h", async () => {
    const { items } = await t.admin<AvailabilityView>("availability/get", { dimension: "provider", span: "24h" });
    const one = items.find((i) => i.name === "pool-one")!;
    expect(one).toMatchObject({ served: 3, failures: 1, errors: [{ errorClass: "timeout", count: 1 }] });
    expect(one.successRate).toBeCloseTo(2 / 3, 9);
    // TTFB 120 and 180 ms fall in the 100–150 and 150–200 buckets.
    expect(one.ttfbMs.p50).toBeGreaterThanOrEqual(100);
    expect(one.ttfbMs.p50).toBeLessThanOrEqual(150);
    expect(one.ttfbMs.p99).toBeLessThanOrEqual(200);
    expect(one.durationMs.p99).toBeGreaterThanOrEqual(20000);
    const two = items.find((i) => i.name === "pool-two")!;
    expect(two).toMatchObject({ served: 2, failures: 0, successRate: 1, errors: [] });
    expect(two.series.reduce((s, p) => s + p.requests, 0)).toBe(2);
  });

  it("reads the last hour from the log, with the same figures", async () => {
    const { items } = await t.admin<AvailabilityView>("availability/get", { dimension: "model", span: "1h" });
    expect(items.map((i) => [i.name, i.served, i.failures])).toEqual([["m-alpha", 2, 1]]);
    expect(items[0]!.errors).toEqual([{ errorClass: "timeout", count: 1 }]);
  });

  it("is for administrators only", async () => {
    expect((await call("availability/get", {}, alice.key)).status).toBe(403);
    expect((await call("availability/breakers", {}, alice.key)).status).toBe(403);
  });

  it("shows each breaker's state now and the changes the breaker watch recorded", async () => {
    const breaker = { failureThreshold: 1, openDurationMs: 10 * MIN, halfOpenSuccessThreshold: 1, halfOpenMaxProbes: 1 };
    const candidate = { providerId: p2.id, priority: 0, reclaimSessions: false, disableSessionReuse: false, breaker, limits: { scope: `p:${p2.id}`, rpm: null, concurrentSessions: null, windows: [], signature: "s" } };
    await t.hub.store.admit({ requestId: "fail-1", now: NOW, scopes: [], estimateNano: 0, session: null, candidates: [candidate], enforce: true, holdMs: MIN, passthrough: false });
    await t.hub.store.settle({ requestId: "fail-1", now: NOW, admittedAt: NOW, costNano: 0, providerId: p2.id, breaker: "failure", breakerConfig: breaker, bind: null, scopes: [] });
    let clock = NOW;
    const watch = new BreakerWatch({ db: t.hub.db.prisma, store: t.hub.store, logger: createLogger("silent"), now: () => clock, providerIds: () => [p1.id, p2.id], intervalMs: 1000 });
    expect(await watch.tick()).toBe(1);
    // Same state at the next look: nothing new.
    clock += 1000;
    expect(await watch.tick()).toBe(0);
    const view = await t.admin<{ items: Array<{ name: string; state: string; history: Array<{ from: string; to: string }> }> }>("availability/breakers", {});
    expect(view.items.find((i) => i.name === "pool-two")).toMatchObject({ state: "open", history: [{ from: "closed", to: "open" }] });
    expect(view.items.find((i) => i.name === "pool-one")).toMatchObject({ state: "closed", history: [] });
    // Reset: the next look records the close.
    await t.admin("providers/resetBreaker", { id: p2.id });
    clock += 1000;
    expect(await watch.tick()).toBe(1);
    const after = await t.admin<{ items: Array<{ name: string; state: string; history: Array<{ from: string; to: string }> }> }>("availability/breakers", {});
    expect(after.items.find((i) => i.name === "pool-two")!.history.map((h) => `${h.from}>${h.to}`)).toEqual(["open>closed", "closed>open"]);
  });

  it("looks once per interval across instances", async () => {
    const make = () => new BreakerWatch({ db: t.hub.db.prisma, store: t.hub.store, logger: createLogger("silent"), now: () => NOW + 3600_000, providerIds: () => [p1.id], intervalMs: 1000 });
    const [a, b] = await Promise.all([make().tick(), make().tick()]);
    // Nothing changed for pool-one; what matters is that the second look did not run at all.
    expect(a + b).toBe(0);
    expect(await t.hub.store.tryLock(`breaker-watch:${Math.floor((NOW + 3600_000) / 1000)}`, 1000, NOW + 3600_000)).toBeNull();
  });
});

interface Overview {
  restricted: boolean;
  totals: { requests: number; costUsd: number; errors: number; errorRate: number | null };
  series: Array<{ at: string; requests: number; costUsd: number }>;
  split: { keys: Array<{ id: string; name: string }>; series: Array<{ at: string; values: Record<string, { requests: number }> }> };
  top: { users: Array<{ name: string; costUsd: number }>; models: Array<{ name: string }>; providers: Array<{ name: string }> };
  live: { inFlightRequests: number; activeSessions: number } | null;
}

describe("overview", () => {
  it("gives today's totals, an hourly series, the split by provider, the top lists and what is live", async () => {
    const o = await t.admin<Overview>("overview/get", { span: "today", split: "provider" });
    expect(o.totals).toMatchObject({ requests: 6, errors: 2 });
    expect(o.totals.costUsd).toBeCloseTo(2.3, 9);
    expect(o.totals.errorRate).toBeCloseTo(2 / 6, 9);
    expect(o.series).toHaveLength(12); // 00:00 … 11:00
    expect(o.series.reduce((s, p) => s + p.requests, 0)).toBe(6);
    // 09:00–10:00 holds alice's first request and bob's first.
    expect(o.series.find((p) => p.at === new Date(NOW - 3 * HOUR).toISOString())).toMatchObject({ requests: 2 });
    expect(o.split.keys.map((k) => k.name)).toEqual(["pool-two", "pool-one"]);
    const splitTotal = o.split.series.reduce((s, p) => s + Object.values(p.values).reduce((a, v) => a + v.requests, 0), 0);
    expect(splitTotal).toBe(5); // the refused request reached no provider
    expect(o.top.users.map((u) => u.name)).toEqual(["bob", "alice"]);
    expect(o.top.models.map((m) => m.name)).toEqual(["m-beta", "m-alpha"]);
    expect(o.live).toEqual({ inFlightRequests: 0, activeSessions: 1 });
  });

  it("counts 30 days by local day, and leaves out what is older", async () => {
    const o = await t.admin<Overview>("overview/get", { span: "30d" });
    expect(o.series).toHaveLength(30);
    expect(o.totals.costUsd).toBeCloseTo(7.3, 9);
  });

  it("shows a member their own figures only", async () => {
    const { status, body } = await call<Overview>("overview/get", { span: "7d", split: "provider" }, alice.key);
    expect(status).toBe(200);
    expect(body).toMatchObject({ restricted: true, live: null, top: { models: [], providers: [] } });
    expect(body.top.users.map((u) => u.name)).toEqual(["alice"]);
    expect(body.totals.requests).toBe(4);
    expect(body.totals.costUsd).toBeCloseTo(5.3, 9);
    expect(JSON.stringify(body)).not.toMatch(/bob|pool-/);
  });
});
