/**
 * Who may call what, for every procedure of the router, over real HTTP (tRPC and the REST
 * mirror) against a real hub. The procedures are read from the router itself: a new procedure
 * without a line in ACCESS fails this test until someone decides who may call it.
 *
 * Over tRPC each call carries an input no procedure accepts (an array). Authorization runs
 * before input validation, so a caller who may call gets 400 and nothing runs, while a caller
 * who may not gets 401 or 403. The REST mirror turns any JSON body into an object first, so
 * there the input is {}: procedures whose fields are all optional do run for callers who may
 * call them (reads, an empty settings update, a price sync from a dead loopback URL), and
 * "allowed" means any answer other than 401, 403 or a server error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, TEST_ADMIN_TOKEN, type TestHub } from "../../test-support/hub.ts";
import { appRouter } from "./root.ts";

/** Who may call a procedure. */
type Access =
  | "public" // anyone, without credentials
  | "user" // any valid credential, including a /my-usage-only key
  | "dashboard" // dashboard users: keys with dashboard access, and administrators
  | "admin"; // the admin token, or a dashboard key of a user with the admin role

const ACCESS: Record<string, Access> = {
  "me.session": "public",
  "me.usage": "user",
  "users.create": "admin",
  "users.list": "dashboard",
  "users.update": "admin",
  "users.delete": "admin",
  "users.usage": "dashboard",
  "keys.create": "admin",
  "keys.list": "dashboard",
  "keys.update": "admin",
  "keys.delete": "admin",
  "providers.health": "admin",
  "providers.resetBreaker": "admin",
  "providers.test": "admin",
  "providers.create": "admin",
  "providers.list": "admin",
  "providers.update": "admin",
  "providers.delete": "admin",
  "logs.list": "user",
  "logs.get": "user",
  "logs.filterOptions": "user",
  "stats.overview": "dashboard",
  "quotas.users": "admin",
  "quotas.keys": "admin",
  "quotas.providers": "admin",
  "quotas.mine": "user",
  "quotas.resetTotal": "admin",
  "prices.list": "dashboard",
  "prices.upsert": "admin",
  "prices.delete": "admin",
  "prices.sync": "admin",
  "settings.get": "dashboard",
  "settings.update": "admin",
  "rules.list": "admin",
  "rules.create": "admin",
  "rules.update": "admin",
  "rules.delete": "admin",
  "rules.test": "admin",
  "groups.list": "admin",
  "groups.create": "admin",
  "groups.update": "admin",
  "groups.delete": "admin",
  "sensitiveWords.list": "admin",
  "sensitiveWords.create": "admin",
  "sensitiveWords.update": "admin",
  "sensitiveWords.delete": "admin",
  "sensitiveWords.test": "admin",
  "filters.list": "admin",
  "filters.create": "admin",
  "filters.update": "admin",
  "filters.delete": "admin",
  "filters.reorder": "admin",
  "filters.test": "admin",
  "settings.display": "public",
  "settings.jobs": "admin",
  "sessions.list": "dashboard",
  "sessions.distribution": "admin",
  "sessions.requests": "dashboard",
  "sessions.unbind": "admin",
  "leaderboard.get": "dashboard",
  "leaderboard.setMemberView": "admin",
  "availability.get": "admin",
  "availability.breakers": "admin",
  "overview.get": "dashboard",
  "notifications.list": "admin",
  "notifications.create": "admin",
  "notifications.update": "admin",
  "notifications.delete": "admin",
  "notifications.test": "admin",
  "notifications.deliveries": "admin",
  "notifications.settings": "admin",
  "notifications.updateSettings": "admin",
  "audit.list": "admin",
  "audit.filterOptions": "admin",
};

type Identity = "anonymous" | "usageOnlyKey" | "adminRoleUsageOnlyKey" | "member" | "adminRoleMember" | "adminToken";
type Outcome = "allowed" | "UNAUTHORIZED" | "FORBIDDEN";

const IDENTITIES: Identity[] = ["anonymous", "usageOnlyKey", "adminRoleUsageOnlyKey", "member", "adminRoleMember", "adminToken"];

const EXPECTED: Record<Access, Record<Identity, Outcome>> = {
  public: {
    anonymous: "allowed",
    usageOnlyKey: "allowed",
    adminRoleUsageOnlyKey: "allowed",
    member: "allowed",
    adminRoleMember: "allowed",
    adminToken: "allowed",
  },
  user: {
    anonymous: "UNAUTHORIZED",
    usageOnlyKey: "allowed",
    adminRoleUsageOnlyKey: "allowed",
    member: "allowed",
    adminRoleMember: "allowed",
    adminToken: "allowed",
  },
  dashboard: {
    anonymous: "UNAUTHORIZED",
    usageOnlyKey: "FORBIDDEN",
    // The admin role administers only through a key allowed on the dashboard.
    adminRoleUsageOnlyKey: "FORBIDDEN",
    member: "allowed",
    adminRoleMember: "allowed",
    adminToken: "allowed",
  },
  admin: {
    anonymous: "UNAUTHORIZED",
    usageOnlyKey: "FORBIDDEN",
    adminRoleUsageOnlyKey: "FORBIDDEN",
    member: "FORBIDDEN",
    adminRoleMember: "allowed",
    adminToken: "allowed",
  },
};

interface ProcedureInfo {
  path: string;
  type: "query" | "mutation";
  restPath: string | undefined;
}

function routerProcedures(): ProcedureInfo[] {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: { openapi?: { path?: string } } } }>;
  return Object.entries(procedures).map(([path, p]) => ({
    path,
    type: p._def.type as "query" | "mutation",
    restPath: p._def.meta?.openapi?.path,
  }));
}

const PROCEDURES = routerProcedures();
// An array: JSON that body parsers accept (they refuse a bare string) and no procedure takes.
const BAD_INPUT = ["not an input of any procedure"];

let t: TestHub;
const tokens: Partial<Record<Identity, string>> = { adminToken: TEST_ADMIN_TOKEN };

beforeAll(async () => {
  t = await startTestHub();
  // prices.sync runs for the admins of the REST half: let it fail at once, without the internet.
  await t.admin("settings/update", { priceSyncUrl: "http://127.0.0.1:9/prices.json" });
  const member = await t.admin<{ id: number }>("users/create", { name: "member" });
  const boss = await t.admin<{ id: number }>("users/create", { name: "boss", role: "admin" });
  const key = (userId: number, name: string, canLoginWebUi: boolean) =>
    t.admin<{ key: string }>("keys/create", { userId, name, canLoginWebUi }).then((k) => k.key);
  tokens.usageOnlyKey = await key(member.id, "cli", false);
  tokens.member = await key(member.id, "web", true);
  tokens.adminRoleUsageOnlyKey = await key(boss.id, "cli", false);
  tokens.adminRoleMember = await key(boss.id, "web", true);
});

afterAll(async () => {
  await t?.stop();
});

function trpcOutcome(status: number): Outcome | `status ${number}` {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "FORBIDDEN";
  // Past authorization, the bad input is refused before anything runs.
  if (status === 400) return "allowed";
  return `status ${status}`;
}

function restOutcome(status: number): Outcome | `status ${number}` {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "FORBIDDEN";
  // 400 (missing fields), 404, 409, 502 (the price sync's dead URL) are answers past authorization.
  if (status < 500 || status === 502) return "allowed";
  return `status ${status}`;
}

function headers(identity: Identity): Record<string, string> {
  const token = tokens[identity];
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function viaTrpc(p: ProcedureInfo, identity: Identity): Promise<number> {
  const input = encodeURIComponent(JSON.stringify(BAD_INPUT));
  const res =
    p.type === "query"
      ? await fetch(`${t.url}/api/trpc/${p.path}?input=${input}`, { headers: headers(identity) })
      : await fetch(`${t.url}/api/trpc/${p.path}`, {
          method: "POST",
          headers: { ...headers(identity), "content-type": "application/json" },
          body: JSON.stringify(BAD_INPUT),
        });
  await res.arrayBuffer();
  return res.status;
}

async function viaRest(p: ProcedureInfo, identity: Identity): Promise<number> {
  const res = await fetch(`${t.url}/api/actions${p.restPath}`, {
    method: "POST",
    headers: { ...headers(identity), "content-type": "application/json" },
    body: "{}",
  });
  await res.arrayBuffer();
  return res.status;
}

describe("authorization matrix", () => {
  it("has an expected access level for every procedure of the router, and none for procedures that are gone", () => {
    const inRouter = PROCEDURES.map((p) => p.path).sort();
    expect(inRouter.filter((path) => !(path in ACCESS))).toEqual([]);
    expect(Object.keys(ACCESS).filter((path) => !inRouter.includes(path))).toEqual([]);
  });

  it("mirrors every procedure as REST", () => {
    expect(PROCEDURES.filter((p) => !p.restPath).map((p) => p.path)).toEqual([]);
  });

  describe.each(PROCEDURES.map((p) => [p.path, p] as const))("%s", (path, procedure) => {
    const expected = EXPECTED[ACCESS[path] ?? "admin"];

    it("answers each caller as expected over /api/trpc", async () => {
      const actual: Record<string, string> = {};
      for (const identity of IDENTITIES) actual[identity] = trpcOutcome(await viaTrpc(procedure, identity));
      expect(actual).toEqual(expected);
    });

    it("answers each caller as expected over /api/actions", async () => {
      const actual: Record<string, string> = {};
      for (const identity of IDENTITIES) actual[identity] = restOutcome(await viaRest(procedure, identity));
      expect(actual).toEqual(expected);
    });
  });
});
