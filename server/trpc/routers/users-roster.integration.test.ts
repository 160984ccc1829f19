/**
 * The roster's numbers (issue 11): today's and this month's spend, requests today (failures
 * included) and last activity per user; a user's per-day series, which a member may read for
 * themself only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { ledgerRowFor, requestLogRow } from "../../../test-support/log-records.ts";

let t: TestHub;
let aliceId: number;
let bobId: number;
let aliceWebKey: string;

beforeAll(async () => {
  t = await startTestHub();
  aliceId = (await t.admin<{ id: number }>("users/create", { name: "alice", providerGroup: "vip-routing" })).id;
  bobId = (await t.admin<{ id: number }>("users/create", { name: "bob" })).id;
  const web = await t.admin<{ id: number; key: string }>("keys/create", { userId: aliceId, name: "web", canLoginWebUi: true, providerGroup: "vip-routing" });
  aliceWebKey = web.key;
  const ok = requestLogRow({ requestId: "a1", userId: aliceId, keyId: web.id, costUsd: "1.250000000" });
  t.hub.logWriter.enqueue({ requestLog: ok, ledger: ledgerRowFor(ok) });
  t.hub.logWriter.enqueue({ requestLog: requestLogRow({ requestId: "a2", userId: aliceId, keyId: web.id, statusCode: 429, costUsd: null }) });
  await t.flushLogs();
});

afterAll(async () => {
  await t?.stop();
});

type Roster = { items: Array<{ name: string; activity: { todayCostUsd: number; monthCostUsd: number; todayRequests: number; lastActiveAt: string | null } }> };

describe("the roster", () => {
  it("shows each user's spend today and this month, requests today with failures, and last activity", async () => {
    const { items } = await t.admin<Roster>("users/list", {});
    const alice = items.find((u) => u.name === "alice")!;
    expect(alice.activity).toMatchObject({ todayCostUsd: 1.25, monthCostUsd: 1.25, todayRequests: 2 });
    expect(alice.activity.lastActiveAt).not.toBeNull();
    expect(items.find((u) => u.name === "bob")!.activity).toEqual({ todayCostUsd: 0, monthCostUsd: 0, todayRequests: 0, lastActiveAt: null });
  });

  it("gives a user's last 7 days, today last, failures counted", async () => {
    const out = await t.admin<{ days: Array<{ requests: number; errors: number; costUsd: number }> }>("users/usage", { userId: aliceId });
    expect(out.days).toHaveLength(7);
    expect(out.days.at(-1)).toMatchObject({ requests: 2, errors: 1, costUsd: 1.25 });
    expect(out.days.slice(0, 6).every((d) => d.requests === 0)).toBe(true);
  });

  it("lets a member read their own series but not another user's", async () => {
    expect((await t.adminRaw("users/usage", { userId: aliceId }, aliceWebKey)).status).toBe(200);
    expect((await t.adminRaw("users/usage", { userId: bobId }, aliceWebKey)).status).toBe(404);
  });
});

describe("routing internals", () => {
  it("are not shown to a member: their user's and keys' provider groups read as unset", async () => {
    for (const route of ["users/list", "keys/list"]) {
      const text = await (await t.adminRaw(route, {}, aliceWebKey)).text();
      expect(text, route).not.toContain("vip-routing");
    }
    const { items } = await t.admin<{ items: Array<{ providerGroup: string | null }> }>("keys/list", { userId: aliceId });
    expect(items[0].providerGroup).toBe("vip-routing");
  });
});

describe("a member's own usage", () => {
  it("counts failed requests among today's requests, and gives the last 7 days of the key", async () => {
    const res = await t.adminRaw("me/usage", {}, aliceWebKey);
    const out = (await res.json()) as { today: { requests: number; costUsd: number }; days: Array<{ requests: number; errors: number }> };
    expect(out.today).toMatchObject({ requests: 2, costUsd: 1.25 });
    expect(out.days).toHaveLength(7);
    expect(out.days.at(-1)).toMatchObject({ requests: 2, errors: 1 });
  });
});
