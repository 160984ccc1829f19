/**
 * Login, Bearer guessing, lockout addresses, cross-site refusal and logout on a real hub
 * (PostgreSQL, Redis). The hub trusts one proxy (TRUST_PROXY=true), so each test speaks from
 * its own address through X-Forwarded-For and their lockout counters stay apart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, TEST_ADMIN_TOKEN, type TestHub } from "../../test-support/hub.ts";

let t: TestHub;
let memberKey: string;

beforeAll(async () => {
  t = await startTestHub({ env: { LOGIN_MAX_FAILURES: "3", LOGIN_LOCKOUT_SECONDS: "60", TRUST_PROXY: "true" } });
  const user = await t.admin<{ id: number }>("users/create", { name: "member" });
  memberKey = (await t.admin<{ key: string }>("keys/create", { userId: user.id, name: "member-web", canLoginWebUi: true })).key;
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const JSON_TYPE = { "content-type": "application/json" };

function login(token: string, forwardedFor: string, headers: Record<string, string> = {}) {
  return fetch(`${t.url}/api/auth/login`, { method: "POST", headers: { ...JSON_TYPE, "x-forwarded-for": forwardedFor, ...headers }, body: JSON.stringify({ token }) });
}

function callAs(token: string, forwardedFor: string) {
  return fetch(`${t.url}/api/actions/users/list`, { method: "POST", headers: { ...JSON_TYPE, authorization: `Bearer ${token}`, "x-forwarded-for": forwardedFor }, body: "{}" });
}

function sessionOf(cookie: string, headers: Record<string, string> = {}) {
  return fetch(`${t.url}/api/actions/me/session`, { method: "POST", headers: { ...JSON_TYPE, cookie, ...headers }, body: "{}" });
}

async function adminCookie(forwardedFor: string): Promise<string> {
  const res = await login(TEST_ADMIN_TOKEN, forwardedFor);
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0];
}

describe("Bearer admin-token guessing", () => {
  it("locks the address out after LOGIN_MAX_FAILURES wrong tokens, the right token included", async () => {
    const guesser = "203.0.113.10";
    expect((await callAs("guess-1", guesser)).status).toBe(401);
    expect((await callAs("guess-2", guesser)).status).toBe(401);
    const third = await callAs("guess-3", guesser);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await callAs(TEST_ADMIN_TOKEN, guesser)).status).toBe(429);
    // Another address is not affected.
    expect((await callAs(TEST_ADMIN_TOKEN, "203.0.113.11")).status).toBe(200);
  });
});

describe("login lockout", () => {
  it("is not reset by a member's good login from the same address", async () => {
    const office = "203.0.113.20";
    expect((await login("wrong-1", office)).status).toBe(401);
    expect((await login("wrong-2", office)).status).toBe(401);
    expect((await login(memberKey, office)).status).toBe(200);
    expect((await login("wrong-3", office)).status).toBe(429);
  });

  it("counts against the address the proxy saw, not the left-most X-Forwarded-For entry the client wrote", async () => {
    for (let i = 1; i <= 2; i++) expect((await login("wrong", `198.51.100.${i}, 203.0.113.30`)).status).toBe(401);
    expect((await login("wrong", "198.51.100.3, 203.0.113.30")).status).toBe(429);
  });

  it("cannot be triggered by a cross-site form", async () => {
    const victim = "203.0.113.40";
    for (let i = 0; i < 5; i++) {
      const res = await login("wrong", victim, { origin: "https://attacker.example", "sec-fetch-site": "cross-site" });
      expect(res.status).toBe(403);
    }
    expect((await login(TEST_ADMIN_TOKEN, victim)).status).toBe(200);
  });
});

describe("session cookies", () => {
  it("treat a malformed cch_session cookie as not logged in, not as a server error", async () => {
    const res = await fetch(`${t.url}/api/actions/users/list`, { method: "POST", headers: { ...JSON_TYPE, cookie: "cch_session=%E0%A4%A" }, body: "{}" });
    expect(res.status).toBe(401);
  });

  it("refuse a cookie-authenticated change from Origin: null", async () => {
    const cookie = await adminCookie("203.0.113.50");
    const res = await fetch(`${t.url}/api/actions/users/create`, { method: "POST", headers: { ...JSON_TYPE, cookie, origin: "null" }, body: JSON.stringify({ name: "via-null-origin" }) });
    expect(res.status).toBe(403);
    const { items } = await t.admin<{ items: Array<{ name: string }> }>("users/list", {});
    expect(items.map((u) => u.name)).not.toContain("via-null-origin");
  });

  it("stop working after logout, even a copy of the cookie kept elsewhere", async () => {
    const cookie = await adminCookie("203.0.113.60");
    expect(await (await sessionOf(cookie)).json()).toMatchObject({ loggedIn: true });
    const out = await fetch(`${t.url}/api/auth/logout`, { method: "POST", headers: { cookie } });
    expect(out.status).toBe(200);
    expect(await (await sessionOf(cookie)).json()).toMatchObject({ loggedIn: false });
    // Another session of the same admin is not affected.
    expect(await (await sessionOf(await adminCookie("203.0.113.61"))).json()).toMatchObject({ loggedIn: true });
  });
});
