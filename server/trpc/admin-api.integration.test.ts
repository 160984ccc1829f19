/**
 * The admin API over real HTTP (REST mirror under /api/actions, and login), against a real hub
 * with PostgreSQL and Redis. Every procedure is exercised as an admin and as a user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, TEST_ADMIN_TOKEN, type TestHub } from "../../test-support/hub.ts";
import { requestLogRow } from "../../test-support/log-records.ts";

let t: TestHub;
let alice: { id: number; name: string };
let bob: { id: number; name: string };
let aliceKey: string; // dashboard access
let bobKey: string; // no dashboard access

beforeAll(async () => {
  t = await startTestHub({ env: { LOGIN_MAX_FAILURES: "3", LOGIN_LOCKOUT_SECONDS: "60" } });
  alice = await t.admin("users/create", { name: "alice", description: "team lead", tags: ["lead"] });
  bob = await t.admin("users/create", { name: "bob" });
  const k1 = await t.admin<{ id: number; key: string }>("keys/create", { userId: alice.id, name: "alice-web", canLoginWebUi: true });
  aliceKey = k1.key;
  bobKey = (await t.admin<{ key: string }>("keys/create", { userId: bob.id, name: "bob-cli" })).key;
});

afterAll(async () => {
  await t?.stop();
});

const call = (path: string, body: unknown, token?: string) => t.adminRaw(path, body, token);

describe("authentication of the admin API", () => {
  it("refuses calls without credentials or with a wrong token", async () => {
    const anonymous = await fetch(`${t.url}/api/actions/users/list`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(anonymous.status).toBe(401);
    expect((await call("users/list", {}, "wrong-token")).status).toBe(401);
  });

  it("accepts the admin token as Bearer", async () => {
    const res = await call("users/list", {});
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Array<{ name: string; keyCount: number }> };
    expect(items.map((u) => u.name)).toEqual(["alice", "bob"]);
    expect(items[0].keyCount).toBe(1);
  });
});

describe("users", () => {
  it("validates input with field errors", async () => {
    const res = await call("users/create", { name: "" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string; code: string };
    expect(body.code).toBe("BAD_REQUEST");
  });

  it("refuses a duplicate name with 409, the hub's message and its stable code", async () => {
    const res = await call("users/create", { name: "alice" });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { message: string; data?: { hubCode?: string } };
    expect(body.message).toBe("A user with this name already exists.");
    expect(body.data?.hubCode).toBe("userExists");
  });

  it("creates with limits and updates them under the same field names", async () => {
    const u = await t.admin<{ id: number; limitDailyUsd: number | null; dailyResetTime: string; rpmLimit: number | null }>("users/create", {
      name: "carol",
      rpmLimit: 30,
      limitDailyUsd: 12.5,
      dailyResetMode: "fixed",
      dailyResetTime: "18:00",
      limit5hUsd: 3,
      limitWeeklyUsd: 50,
      limitMonthlyUsd: 150,
      limitTotalUsd: 1000,
      limitConcurrentSessions: 2,
    });
    expect(u).toMatchObject({ rpmLimit: 30, limitDailyUsd: 12.5, dailyResetTime: "18:00" });
    const updated = await t.admin<{ limitDailyUsd: number | null; rpmLimit: number | null }>("users/update", { id: u.id, limitDailyUsd: null, rpmLimit: 60 });
    expect(updated).toMatchObject({ limitDailyUsd: null, rpmLimit: 60 });
    await t.admin("users/delete", { id: u.id });
    const { items } = await t.admin<{ items: Array<{ id: number }> }>("users/list", {});
    expect(items.find((x) => x.id === u.id)).toBeUndefined();
  });

  it("is admin-only for changes; a dashboard user lists only themself", async () => {
    expect((await call("users/create", { name: "mallory" }, aliceKey)).status).toBe(403);
    const res = await call("users/list", {}, aliceKey);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Array<{ name: string }> };
    expect(items.map((u) => u.name)).toEqual(["alice"]);
  });

  it("is closed to keys without dashboard access", async () => {
    expect((await call("users/list", {}, bobKey)).status).toBe(403);
  });
});

describe("keys", () => {
  it("returns the full key only from create, and stores only its hash", async () => {
    const created = await t.admin<{ id: number; key: string; keyMasked: string }>("keys/create", { userId: bob.id, name: "second" });
    expect(created.key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(created.keyMasked).toContain("…");
    const listed = await t.admin<{ items: Array<Record<string, unknown>> }>("keys/list", { userId: bob.id });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const row = await t.hub.db.prisma.apiKey.findUnique({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it("shows a dashboard user only their own keys", async () => {
    const res = await call("keys/list", {}, aliceKey);
    const { items } = (await res.json()) as { items: Array<{ userId: number }> };
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((k) => k.userId === alice.id)).toBe(true);
    expect((await call("keys/create", { userId: alice.id, name: "x" }, aliceKey)).status).toBe(403);
  });

  it("404s for an unknown user", async () => {
    expect((await call("keys/create", { userId: 999_999, name: "x" })).status).toBe(404);
  });
});

describe("providers", () => {
  it("never returns the upstream key, only a mask, and keeps it when an update omits it", async () => {
    const secret = "sk-ant-api03-verysecretvalue-1234";
    const p = await t.admin<{ id: number; keyMasked: string }>("providers/create", {
      name: "anthropic",
      url: "https://api.anthropic.com",
      key: secret,
      providerType: "claude",
      weight: 3,
      priority: 1,
      modelRedirects: [{ match: "exact", pattern: "claude-3-5-sonnet-latest", target: "claude-3-5-sonnet-20241022" }],
    });
    expect(p.keyMasked).toBe("sk-an…1234");
    const updated = await t.admin<{ weight: number }>("providers/update", { id: p.id, weight: 5 });
    expect(updated.weight).toBe(5);
    const list = await t.admin<{ items: unknown[] }>("providers/list", {});
    expect(JSON.stringify(list)).not.toContain(secret);
    const row = await t.hub.db.prisma.provider.findUnique({ where: { id: p.id } });
    expect(row!.keyEncrypted).not.toContain(secret);
    expect(t.hub.secrets.decrypt(row!.keyEncrypted)).toBe(secret);
  });

  it("rejects an unknown provider type and a non-http URL", async () => {
    expect((await call("providers/create", { name: "x", url: "https://x.example", key: "k", providerType: "bard" })).status).toBe(400);
    expect((await call("providers/create", { name: "x", url: "file:///etc/passwd", key: "k", providerType: "claude" })).status).toBe(400);
  });

  it("is admin-only", async () => {
    expect((await call("providers/list", {}, aliceKey)).status).toBe(403);
  });
});

describe("logs and me", () => {
  it("lets any logged-in key see its own usage", async () => {
    const res = await call("me/usage", {}, bobKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userName: "bob", keyName: "bob-cli", today: { requests: 0 } });
  });

  it("scopes logs to the caller", async () => {
    const now = new Date().toISOString();
    const row = (userId: number, requestId: string) =>
      requestLogRow({ requestId, createdAt: now, userId, keyId: null, inputTokens: 1, outputTokens: 1, costUsd: "0.000001000", decisionChain: { candidates: [], filtered: [], attempts: [] } });
    t.hub.logWriter.enqueue({ requestLog: row(alice.id, "req_alice_1") });
    t.hub.logWriter.enqueue({ requestLog: row(bob.id, "req_bob_1") });
    await t.flushLogs();
    const asAlice = (await (await call("logs/list", {}, aliceKey)).json()) as { items: Array<{ requestId: string }>; total: number };
    expect(asAlice.items.map((i) => i.requestId)).toEqual(["req_alice_1"]);
    const asAdmin = await t.admin<{ total: number }>("logs/list", {});
    expect(asAdmin.total).toBe(2);
    expect((await call("logs/get", { requestId: "req_bob_1" }, aliceKey)).status).toBe(404);
    expect((await call("logs/get", { requestId: "req_bob_1" })).status).toBe(200);
  });
});

describe("login", () => {
  const login = (token: string, ip?: string) =>
    fetch(`${t.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(ip ? { "x-forwarded-for": ip } : {}) },
      body: JSON.stringify({ token }),
    });

  it("logs the admin in with an httpOnly, SameSite=Lax cookie that the API accepts", async () => {
    const res = await login(TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, role: "admin", redirectTo: "/dashboard" });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^cch_session=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure"); // ENABLE_SECURE_COOKIES=false in this hub
    const session = cookie.split(";")[0];
    const me = await fetch(`${t.url}/api/actions/me/session`, { method: "POST", headers: { cookie: session, "content-type": "application/json" }, body: "{}" });
    expect(await me.json()).toMatchObject({ loggedIn: true, role: "admin", dashboard: true });
  });

  it("sends a dashboard key to /dashboard and any other key to /my-usage", async () => {
    expect(await (await login(aliceKey)).json()).toMatchObject({ ok: true, redirectTo: "/dashboard" });
    expect(await (await login(bobKey)).json()).toMatchObject({ ok: true, redirectTo: "/my-usage" });
  });

  it("logs a disabled key out at once", async () => {
    const k = await t.admin<{ id: number; key: string }>("keys/create", { userId: alice.id, name: "temp", canLoginWebUi: true });
    const cookie = (await login(k.key)).headers.get("set-cookie")!.split(";")[0];
    const sessionOf = async () =>
      (await (await fetch(`${t.url}/api/actions/me/session`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: "{}" })).json()) as { loggedIn: boolean };
    expect((await sessionOf()).loggedIn).toBe(true);
    await t.admin("keys/update", { id: k.id, isEnabled: false });
    expect((await sessionOf()).loggedIn).toBe(false);
  });

  it("refuses a forged cookie", async () => {
    const res = await fetch(`${t.url}/api/actions/users/list`, { method: "POST", headers: { cookie: "cch_session=eyJraW5kIjoiYWRtaW4ifQ.forged", "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
  });

  it("locks an address out after repeated failures, even for the right token", async () => {
    // The hub does not trust X-Forwarded-For (TRUST_PROXY=false): every attempt here is from 127.0.0.1,
    // so run this last.
    for (let i = 0; i < 2; i++) expect((await login("wrong")).status).toBe(401);
    const third = await login("wrong");
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await login(TEST_ADMIN_TOKEN)).status).toBe(429);
  });
});

describe("API documents", () => {
  it("serves the OpenAPI document with every procedure as POST /api/actions/{router}/{procedure}", async () => {
    const doc = (await (await fetch(`${t.url}/api/actions/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const path of ["/users/create", "/users/list", "/keys/create", "/providers/create", "/logs/list"]) {
      expect(doc.paths[path]).toHaveProperty("post");
    }
  });

  it("serves Swagger UI without a CDN", async () => {
    const html = await (await fetch(`${t.url}/api/actions/docs/`)).text();
    expect(html).toContain("swagger-ui");
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
  });
});

