/**
 * The admin API stays small when rows hold huge client text: request-log rows written before
 * the gateway bounded model names can carry megabytes, and any key may batch tRPC calls. A
 * batch of list calls over such rows once exhausted the heap and took every stream down.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, TEST_ADMIN_TOKEN, type TestHub } from "../../test-support/hub.ts";

const MB = 1024 * 1024;
const ROWS = 20;
const INDEXED = 200_000;

let t: TestHub;
let memberKey: string; // a /my-usage-only key: the least privileged caller that may read logs
let requestId: string;

beforeAll(async () => {
  t = await startTestHub();
  const user = await t.admin<{ id: number }>("users/create", { name: "mallory" });
  const key = await t.admin<{ id: number; key: string }>("keys/create", { userId: user.id, name: "cli" });
  memberKey = key.key;
  // Written straight into the table, as an old row would be: no bound applies on this path.
  // model and session_id are indexed, and a btree entry must compress to 2.7 KB: 200 000 characters
  // of one letter does; the unindexed columns hold a full megabyte.
  await t.hub.db.prisma.$executeRaw`
    INSERT INTO request_log (request_id, created_at, user_id, key_id, endpoint, api_format, model, redirected_model,
                             response_model, status_code, error_type, error_message, session_id, user_agent, decision_chain)
    SELECT 'huge-' || i, now() - (i || ' seconds')::interval, ${user.id}, ${key.id}, '/v1/messages', 'claude',
           repeat('m', ${INDEXED}), repeat('r', ${MB}), repeat('p', ${MB}), 400, 'invalid_request', repeat('e', ${MB}),
           repeat('s', ${INDEXED}), repeat('u', ${MB}),
           jsonb_build_object('candidates', '[]'::jsonb, 'filtered', '[]'::jsonb,
                              'attempts', jsonb_build_array(jsonb_build_object('providerId', 1, 'providerName', 'p', 'reason', 'initial',
                                                                               'attempt', 1, 'startedAt', 0, 'model', repeat('m', ${MB}))))
    FROM generate_series(1, ${ROWS}) AS i`;
  await t.hub.db.prisma.$executeRaw`
    INSERT INTO usage_ledger (request_id, created_at, user_id, key_id, model, api_format, status_code)
    SELECT 'huge-' || i, now(), ${user.id}, ${key.id}, repeat('m', ${MB}) || i, 'claude', 200 FROM generate_series(1, ${ROWS}) AS i`;
  requestId = "huge-1";
});

afterAll(async () => {
  await t?.stop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function batchUrl(calls: number, input: unknown = { page: 1, pageSize: 200 }) {
  const paths = Array.from({ length: calls }, () => "logs.list").join(",");
  const inputs = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, input]));
  return `${t.url}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
}

describe("tRPC batches", () => {
  it("refuses a GET batch of 40 list calls with 400", async () => {
    const res = await fetch(batchUrl(40), { headers: bearer(memberKey) });
    expect(res.status).toBe(400);
    expect(Buffer.byteLength(await res.text())).toBeLessThan(10_000);
  });

  it("refuses a POST batch of 11 calls before running any of them", async () => {
    const names = Array.from({ length: 11 }, (_, i) => `batched-${i}`);
    const body = Object.fromEntries(names.map((name, i) => [i, { name }]));
    const res = await fetch(`${t.url}/api/trpc/${names.map(() => "users.create").join(",")}?batch=1`, {
      method: "POST",
      headers: { ...bearer(TEST_ADMIN_TOKEN), "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const { items } = await t.admin<{ items: Array<{ name: string }> }>("users/list", {});
    expect(items.filter((u) => u.name.startsWith("batched-"))).toEqual([]);
  });
});

describe("lists over rows with megabyte strings", () => {
  it("returns a page of 200 rows with each string cut, in a response far smaller than one row", async () => {
    const res = await fetch(batchUrl(1), { headers: bearer(memberKey) });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(200_000);
    const [{ result }] = JSON.parse(text) as Array<{ result: { data: { items: Array<Record<string, string>>; total: number } } }>;
    expect(result.data.total).toBe(ROWS);
    expect(result.data.items).toHaveLength(ROWS);
    const row = result.data.items[0];
    for (const field of ["model", "redirectedModel", "responseModel", "errorMessage", "sessionId"]) {
      expect(row[field].length).toBeLessThanOrEqual(201);
      expect(row[field].endsWith("…")).toBe(true);
    }
  });

  it("answers a full batch of ten lists with a bounded body, and the hub keeps serving", async () => {
    const res = await fetch(batchUrl(10), { headers: bearer(memberKey) });
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBeLessThan(2_000_000);
    const health = await fetch(`${t.url}/api/trpc/me.session`, { headers: bearer(memberKey) });
    expect(health.status).toBe(200);
  });

  it("bounds the detail view of one such row, decision chain included", async () => {
    const res = await t.adminRaw("logs/get", { requestId }, memberKey);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(100_000);
    const detail = JSON.parse(text) as { model: string; userAgent: string; decisionChain: unknown };
    expect(detail.model.startsWith("mmmm")).toBe(true);
    expect(detail.userAgent.endsWith("…")).toBe(true);
    // A decision chain of over a megabyte is not read at all; the row is still shown.
    expect(detail.decisionChain).toBeNull();
  });

  it("offers model filter options cut to a bounded length", async () => {
    const res = await t.adminRaw("logs/filterOptions", {}, memberKey);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(100_000);
    expect((JSON.parse(text) as { models: string[] }).models.length).toBeGreaterThan(0);
  });
});
