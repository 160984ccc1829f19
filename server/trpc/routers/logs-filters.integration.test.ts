/**
 * The log page's filters and totals (issue 11): totals cover every row the filters match (not
 * only the page) and count failures; "errors only", request id, session and key filters; a
 * member's key filter offers only their own user's keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { requestLogRow } from "../../../test-support/log-records.ts";

let t: TestHub;
let memberKey: string;
let aliceKeyId: number;
let bobKeyId: number;

interface ListOut {
  items: Array<{ requestId: string; statusCode: number }>;
  total: number;
  totals: { requests: number; errors: number; costUsd: number; inputTokens: number; outputTokens: number };
}

beforeAll(async () => {
  t = await startTestHub();
  const alice = await t.admin<{ id: number }>("users/create", { name: "alice" });
  const bob = await t.admin<{ id: number }>("users/create", { name: "bob" });
  const web = await t.admin<{ id: number; key: string }>("keys/create", { userId: alice.id, name: "alice-web", canLoginWebUi: true });
  memberKey = web.key;
  aliceKeyId = web.id;
  bobKeyId = (await t.admin<{ id: number }>("keys/create", { userId: bob.id, name: "bob-cli" })).id;
  const rows = [
    { requestId: "a-ok-1", userId: alice.id, keyId: aliceKeyId, statusCode: 200, costUsd: "0.250000000", sessionId: "sess-1" },
    { requestId: "a-ok-2", userId: alice.id, keyId: aliceKeyId, statusCode: 200, costUsd: "0.500000000", sessionId: "sess-2" },
    { requestId: "a-429", userId: alice.id, keyId: aliceKeyId, statusCode: 429, costUsd: null, errorType: "quota_exceeded", errorMessage: "Daily limit reached" },
    { requestId: "b-502", userId: bob.id, keyId: bobKeyId, statusCode: 502, costUsd: null, errorType: "bad_gateway" },
  ];
  for (const row of rows) t.hub.logWriter.enqueue({ requestLog: requestLogRow(row) });
  await t.flushLogs();
});

afterAll(async () => {
  await t?.stop();
});

const list = (input: object, token?: string) => (token ? t.adminRaw("logs/list", input, token).then((r) => r.json() as Promise<ListOut>) : t.admin<ListOut>("logs/list", input));

describe("log totals", () => {
  it("sum every matching row, failures included, whatever the page size", async () => {
    const out = await list({ pageSize: 1 });
    expect(out.items).toHaveLength(1);
    expect(out.totals).toEqual({ requests: 4, errors: 2, costUsd: 0.75, inputTokens: 40, outputTokens: 20 });
  });

  it("follow the filters", async () => {
    const out = await list({ keyId: bobKeyId });
    expect(out.totals).toMatchObject({ requests: 1, errors: 1, costUsd: 0 });
  });
});

describe("log filters", () => {
  it("'errors only' keeps answers of 400 and above", async () => {
    const out = await list({ errorsOnly: true });
    expect(out.items.map((i) => i.requestId).sort()).toEqual(["a-429", "b-502"]);
  });

  it("find one request by its id and a conversation by its session", async () => {
    expect((await list({ requestId: "a-ok-2" })).items.map((i) => i.requestId)).toEqual(["a-ok-2"]);
    expect((await list({ sessionId: "sess-1" })).items.map((i) => i.requestId)).toEqual(["a-ok-1"]);
  });

  it("refuse an over-long request id instead of searching for it", async () => {
    const res = await t.adminRaw("logs/list", { requestId: "x".repeat(201) });
    expect(res.status).toBe(400);
  });

  it("offer a member only their own user's keys, and count only their rows", async () => {
    const res = await t.adminRaw("logs/filterOptions", {}, memberKey);
    const options = (await res.json()) as { keys: Array<{ id: number; name: string }> };
    expect(options.keys.map((k) => k.name)).toEqual(["alice-web"]);
    const out = await list({}, memberKey);
    expect(out.totals).toMatchObject({ requests: 3, errors: 1 });
  });
});

// Last: it adds 10 000 rows that the tests above do not expect.
describe("a filter matching more rows than the list counts", () => {
  it("stops counting at 10 000 and leaves the totals out instead of summing the whole set", async () => {
    const columns = (
      await t.hub.db.sql<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_name = 'request_log' AND column_name NOT IN ('id', 'request_id') AND is_generated = 'NEVER'`,
      )
    )
      .map((c) => `"${c.column_name}"`)
      .join(", ");
    // 10 000 copies of bob's failed request: with the original, 10 001 rows match bob's key.
    await t.hub.db.sql(
      `INSERT INTO request_log (request_id, ${columns})
       SELECT 'bulk-' || g, ${columns} FROM request_log, generate_series(1, 10000) AS g WHERE request_id = 'b-502'`,
    );
    const capped = await t.admin<ListOut & { totalCapped: boolean }>("logs/list", { keyId: bobKeyId });
    expect(capped).toMatchObject({ total: 10_000, totalCapped: true, totals: null });
    expect(capped.items).toHaveLength(50);
    // A narrower filter still gets its totals.
    const narrow = await t.admin<ListOut & { totalCapped: boolean }>("logs/list", { keyId: aliceKeyId });
    expect(narrow).toMatchObject({ total: 3, totalCapped: false, totals: { requests: 3, errors: 1 } });
  });
});
