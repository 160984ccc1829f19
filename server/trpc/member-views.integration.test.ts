/**
 * What non-admins see of the request log: their own rows only (a /my-usage-only key: its own
 * key's rows), with the provider shown as "upstream" and the hub's classified error instead of
 * the upstream's text. And keys cannot be given an expiry that has already passed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../test-support/hub.ts";
import { requestLogRow } from "../../test-support/log-records.ts";

const PROVIDER_NAME = "acme-secret-pool";
const UPSTREAM_TEXT = "organization org-acme-7731 exceeded its billing quota";

let t: TestHub;
let dashboardKey: string; // alice, user role, may log in to the dashboard
let cliKey: string; // alice, /my-usage only
let aliceId: number;

interface Item {
  requestId: string;
  keyName: string | null;
  providerId: number | null;
  providerName: string | null;
  errorMessage: string | null;
}

beforeAll(async () => {
  t = await startTestHub();
  const alice = await t.admin<{ id: number }>("users/create", { name: "alice" });
  aliceId = alice.id;
  const web = await t.admin<{ id: number; key: string }>("keys/create", { userId: alice.id, name: "web", canLoginWebUi: true });
  const cli = await t.admin<{ id: number; key: string }>("keys/create", { userId: alice.id, name: "cli" });
  const other = await t.admin<{ id: number }>("keys/create", { userId: alice.id, name: "laptop" });
  dashboardKey = web.key;
  cliKey = cli.key;
  const provider = await t.admin<{ id: number }>("providers/create", {
    name: PROVIDER_NAME,
    url: "http://127.0.0.1:9",
    key: "sk-upstream-xyz-123456",
    providerType: "claude",
    groupTag: "vip-group",
  });
  const chain = {
    groups: ["vip-group"],
    candidates: [{ id: provider.id, name: PROVIDER_NAME, priority: 3, weight: 7 }],
    filtered: [{ id: 999, name: "other-tenant-pool", reason: "group_mismatch" }],
    attempts: [
      { providerId: provider.id, providerName: PROVIDER_NAME, reason: "initial", attempt: 1, startedAt: 0, statusCode: 429, errorClass: "provider_error", errorMessage: UPSTREAM_TEXT },
    ],
  };
  const rows = [
    { requestId: "via-web", keyId: web.id },
    { requestId: "via-cli", keyId: cli.id },
    { requestId: "via-laptop", keyId: other.id },
  ].map(({ requestId, keyId }) =>
    requestLogRow({
      requestId,
      userId: alice.id,
      keyId,
      providerId: provider.id,
      statusCode: 429,
      errorType: "upstream_http_error",
      errorMessage: `{"error":{"message":"${UPSTREAM_TEXT}"}}`,
      decisionChain: chain as never,
    }),
  );
  for (const row of rows) t.hub.logWriter.enqueue({ requestLog: row });
  await t.flushLogs();
});

afterAll(async () => {
  await t?.stop();
});

async function list(token?: string) {
  const res = token ? await t.adminRaw("logs/list", {}, token) : await t.adminRaw("logs/list", {});
  expect(res.status).toBe(200);
  return (await res.json()) as { items: Item[]; total: number };
}

describe("a member's request log", () => {
  it("shows the provider as 'upstream' and the hub's classified error, never the upstream's text", async () => {
    const res = await t.adminRaw("logs/list", {}, dashboardKey);
    const text = await res.text();
    const { items } = JSON.parse(text) as { items: Item[] };
    expect(items).toHaveLength(3);
    expect(text).not.toContain(PROVIDER_NAME);
    expect(text).not.toContain("org-acme-7731");
    expect(items[0]).toMatchObject({ providerId: null, providerName: "upstream", errorMessage: "The upstream answered with an error. (HTTP 429)" });
  });

  it("shows a detail with attempts but without provider names, groups, priorities, weights or upstream text", async () => {
    const res = await t.adminRaw("logs/get", { requestId: "via-web" }, dashboardKey);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of [PROVIDER_NAME, "other-tenant-pool", "vip-group", "org-acme-7731", '"priority"', '"weight"']) {
      expect(text).not.toContain(secret);
    }
    const detail = JSON.parse(text) as { decisionChain: { attempts: Array<{ providerName: string; statusCode: number }> } };
    expect(detail.decisionChain.attempts).toEqual([expect.objectContaining({ providerName: "upstream", statusCode: 429 })]);
  });

  it("still shows the admin everything", async () => {
    const { items } = await list();
    const row = items.find((i) => i.requestId === "via-web");
    expect(row).toMatchObject({ providerName: PROVIDER_NAME });
    expect(row?.errorMessage).toContain("org-acme-7731");
  });

  it("lets a /my-usage-only key read its own key's rows, not its sibling keys'", async () => {
    const { items, total } = await list(cliKey);
    expect(items.map((i) => i.requestId)).toEqual(["via-cli"]);
    expect(total).toBe(1);
    expect((await t.adminRaw("logs/list", { keyId: undefined, userId: aliceId }, cliKey).then((r) => r.json()) as { total: number }).total).toBe(1);
    expect((await t.adminRaw("logs/get", { requestId: "via-laptop" }, cliKey)).status).toBe(404);
  });
});

describe("key expiry", () => {
  it("refuses to create a key that has already expired, saying why", async () => {
    const res = await t.adminRaw("keys/create", { userId: aliceId, name: "stale", expiresAt: "2020-01-01T00:00:00Z" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/in the past/);
    const { items } = await t.admin<{ items: Array<{ name: string }> }>("keys/list", {});
    expect(items.map((k) => k.name)).not.toContain("stale");
  });

  it("refuses to move an existing key's expiry into the past, and accepts a future one", async () => {
    const key = await t.admin<{ id: number }>("keys/create", { userId: aliceId, name: "dated" });
    const past = await t.adminRaw("keys/update", { id: key.id, expiresAt: "2020-01-01T00:00:00Z" });
    expect(past.status).toBe(400);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const ok = await t.admin<{ expiresAt: string }>("keys/update", { id: key.id, expiresAt: future });
    expect(ok.expiresAt).toBe(future);
  });
});
