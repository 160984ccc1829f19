/**
 * quotas.* over the REST mirror against a real hub (PostgreSQL + Redis): spend recorded in the
 * ledger and by real proxied requests shows up against every limit; "reset total" zeroes the
 * total window and leaves the ledger alone; only admins see everyone, any key sees its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../../e2e/fake-upstream/index.ts";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { ledgerRowFor, requestLogRow } from "../../../test-support/log-records.ts";

interface Limit {
  kind: string;
  unit: string;
  used: number;
  reserved: number;
  limit: number | null;
  source: string | null;
  mode: string | null;
  resetTime: string | null;
  windowStart: string | null;
  resetAt: string | null;
}
interface Entity {
  id: number;
  name: string;
  scope: string;
  userName: string | null;
  limits: Limit[];
}

let t: TestHub;
let fake: FakeUpstream;
let alice: { id: number };
let aliceKey: { id: number; key: string };
let bobKey: { id: number; key: string };
let provider: { id: number };

const limitOf = (entity: Entity | undefined, kind: string) => entity?.limits.find((l) => l.kind === kind);
const list = async (path: string, body: unknown = {}) => (await t.admin<{ items: Entity[] }>(path, body)).items;

let seq = 0;
/** One billed request in the ledger (and the request log), as the gateway's settle step writes it. */
function billedRecord(hub: TestHub, userId: number, keyId: number, providerId: number | null, costUsd: string) {
  const requestLog = requestLogRow({
    requestId: `req_quota_${++seq}`,
    createdAt: new Date(Date.now() - 1000).toISOString(),
    userId,
    keyId,
    providerId,
    model: "claude-sonnet-4-5",
    outputTokens: 10,
    costUsd,
  });
  hub.hub.logWriter.enqueue({ requestLog, ledger: ledgerRowFor(requestLog) });
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  alice = await t.admin("users/create", { name: "alice", rpmLimit: 30, limitDailyUsd: 10, dailyResetTime: "06:00", limitTotalUsd: 100, limitConcurrentSessions: 3 });
  aliceKey = await t.admin("keys/create", { userId: alice.id, name: "alice-web", canLoginWebUi: true, limit5hUsd: 2 });
  const bob = await t.admin<{ id: number }>("users/create", { name: "bob" });
  bobKey = await t.admin("keys/create", { userId: bob.id, name: "bob-cli" });
  provider = await t.admin("providers/create", { name: "fake", url: fake.url, key: "sk-upstream-quota-test", providerType: "claude", limitDailyUsd: 50 });
  // Spend from before the hub looked: only the ledger knows it.
  billedRecord(t, alice.id, aliceKey.id, provider.id, "1.250000000");
  billedRecord(t, alice.id, aliceKey.id, provider.id, "0.500000000");
  await t.flushLogs();
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

describe("quotas as an admin", () => {
  it("shows every user limit with the ledger's spend, the reset time of fixed windows and none for rolling ones", async () => {
    const users = await list("quotas/users");
    const a = users.find((u) => u.id === alice.id);
    expect(a?.scope).toBe(`u:${alice.id}`);
    expect(a?.limits.map((l) => l.kind)).toEqual(["rpm", "5h", "daily", "weekly", "monthly", "total", "concurrentSessions"]);
    expect(limitOf(a, "daily")).toMatchObject({ unit: "usd", used: 1.75, limit: 10, mode: "fixed", resetTime: "06:00" });
    const daily = limitOf(a, "daily")!;
    expect(Date.parse(daily.resetAt!)).toBeGreaterThan(Date.now());
    expect(new Date(daily.resetAt!).toISOString()).toMatch(/T06:00:00\.000Z$/); // hub time zone is UTC
    expect(limitOf(a, "5h")).toMatchObject({ used: 1.75, limit: null, mode: "rolling", resetAt: null });
    expect(limitOf(a, "total")).toMatchObject({ used: 1.75, limit: 100, resetAt: null, windowStart: null });
    expect(limitOf(a, "rpm")).toMatchObject({ unit: "requests", limit: 30 });
    expect(limitOf(a, "concurrentSessions")).toMatchObject({ unit: "sessions", used: 0, limit: 3 });
    const b = users.find((u) => u.name === "bob");
    expect(limitOf(b, "daily")).toMatchObject({ used: 0, limit: null });
  });

  it("shows a key's effective limits and where each comes from", async () => {
    const keys = await list("quotas/keys", { userId: alice.id });
    expect(keys).toHaveLength(1);
    const k = keys[0];
    expect(k).toMatchObject({ id: aliceKey.id, scope: `k:${aliceKey.id}`, userName: "alice" });
    expect(limitOf(k, "5h")).toMatchObject({ used: 1.75, limit: 2, source: "own" });
    expect(limitOf(k, "daily")).toMatchObject({ used: 1.75, limit: 10, source: "user", resetTime: "06:00" });
    expect(limitOf(k, "weekly")).toMatchObject({ limit: null, source: null, mode: "fixed" });
  });

  it("shows a provider's own limits", async () => {
    const providers = await list("quotas/providers");
    expect(limitOf(providers.find((p) => p.id === provider.id), "daily")).toMatchObject({ used: 1.75, limit: 50 });
  });

  it("counts the cost of real proxied requests as soon as they settle", async () => {
    fake.enqueue({ usage: { inputTokens: 100_000, outputTokens: 10_000 } });
    const response = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": aliceKey.key, "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    await t.flushLogs();
    const ledger = await t.hub.db.prisma.usageLedger.aggregate({ where: { userId: alice.id }, _sum: { costUsd: true } });
    const spent = Number(ledger._sum.costUsd);
    expect(spent).toBeGreaterThan(1.75);
    const [k] = await list("quotas/keys", { userId: alice.id });
    expect(limitOf(k, "daily")?.used).toBeCloseTo(spent, 9);
    expect(limitOf(k, "rpm")?.used).toBe(1);
    const p = (await list("quotas/providers")).find((x) => x.id === provider.id);
    expect(limitOf(p, "total")?.used).toBeCloseTo(spent, 9);
  });

  it("resets a total: the total window starts again at zero, other windows and the ledger stay", async () => {
    const before = await t.hub.db.prisma.usageLedger.count();
    const [k0] = await list("quotas/keys", { userId: alice.id });
    const daily = limitOf(k0, "daily")!.used;
    expect(daily).toBeGreaterThan(0);

    const reset = await t.admin<{ ok: boolean; totalCostResetAt: string }>("quotas/resetTotal", { target: "user", id: alice.id });
    expect(reset.ok).toBe(true);
    const a = (await list("quotas/users")).find((u) => u.id === alice.id);
    expect(limitOf(a, "total")).toMatchObject({ used: 0, limit: 100, windowStart: reset.totalCostResetAt });
    expect(limitOf(a, "daily")?.used).toBeCloseTo(daily, 9);
    // The user's reset clips the total of their keys too.
    const [k] = await list("quotas/keys", { userId: alice.id });
    expect(limitOf(k, "total")?.used).toBe(0);
    expect(limitOf(k, "daily")?.used).toBeCloseTo(daily, 9);

    await t.admin("quotas/resetTotal", { target: "provider", id: provider.id });
    expect(limitOf((await list("quotas/providers")).find((p) => p.id === provider.id), "total")?.used).toBe(0);
    await t.admin("quotas/resetTotal", { target: "key", id: aliceKey.id });

    expect(await t.hub.db.prisma.usageLedger.count()).toBe(before);
    const row = await t.hub.db.prisma.user.findUnique({ where: { id: alice.id } });
    expect(row?.totalCostResetAt?.toISOString()).toBe(reset.totalCostResetAt);
    await expect.poll(() => t.hub.db.prisma.auditLog.count({ where: { action: "quotas.resetTotal", targetType: "user", targetId: String(alice.id) } })).toBe(1);
  });

  it("404s for an unknown target", async () => {
    expect((await t.adminRaw("quotas/resetTotal", { target: "key", id: 999_999 })).status).toBe(404);
    expect((await t.adminRaw("quotas/resetTotal", { target: "group", id: 1 })).status).toBe(400);
  });
});

describe("quotas as a user", () => {
  it("keeps the lists and the reset admin-only", async () => {
    for (const path of ["quotas/users", "quotas/keys", "quotas/providers"]) expect((await t.adminRaw(path, {}, aliceKey.key)).status).toBe(403);
    expect((await t.adminRaw("quotas/resetTotal", { target: "key", id: aliceKey.id }, aliceKey.key)).status).toBe(403);
  });

  it("shows any key (even one without dashboard access) its own key and user limits", async () => {
    const res = await t.adminRaw("quotas/mine", {}, bobKey.key);
    expect(res.status).toBe(200);
    const mine = (await res.json()) as { timezone: string; key: Entity; user: Entity };
    expect(mine.timezone).toBe("UTC");
    expect(mine.key).toMatchObject({ id: bobKey.id, name: "bob-cli" });
    expect(mine.user).toMatchObject({ name: "bob" });

    const asAlice = (await (await t.adminRaw("quotas/mine", {}, aliceKey.key)).json()) as { key: Entity; user: Entity };
    expect(limitOf(asAlice.key, "5h")).toMatchObject({ limit: 2, source: "own" });
    expect(limitOf(asAlice.user, "daily")?.used).toBeGreaterThan(1.75);
  });

  it("gives the admin token, which belongs to no user, no quotas", async () => {
    expect(await t.admin("quotas/mine", {})).toMatchObject({ key: null, user: null });
  });
});

describe("quotas while the store is unreachable", () => {
  it("falls back to the ledger's settled spend", async () => {
    const down = await startTestHub({ env: { REDIS_URL: "redis://127.0.0.1:1", REDIS_COMMAND_TIMEOUT_MS: "200" } });
    try {
      const user = await down.admin<{ id: number }>("users/create", { name: "offline", limitDailyUsd: 3 });
      const key = await down.admin<{ id: number }>("keys/create", { userId: user.id, name: "offline-key" });
      billedRecord(down, user.id, key.id, null, "0.750000000");
      await down.flushLogs();
      const { items } = await down.admin<{ items: Array<Entity & { measuredFrom: string }> }>("quotas/users", {});
      const offline = items.find((u) => u.id === user.id);
      expect(offline?.measuredFrom).toBe("ledger");
      expect(limitOf(offline, "daily")).toMatchObject({ used: 0.75, limit: 3 });
      expect(limitOf(offline, "5h")?.used).toBe(0.75);
    } finally {
      await down.stop();
    }
  });
});
