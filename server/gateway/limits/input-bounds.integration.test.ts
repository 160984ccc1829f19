/**
 * Through a real hub over loopback: a malformed Gemini path is answered (it used to throw before
 * the request's error handling and leave the connection open forever), and over-long client
 * values are refused in the client's envelope without reaching the request log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../../e2e/fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { INPUT_BOUNDS } from "./input-bounds.ts";

let fake: FakeUpstream;
let t: TestHub;
let key: string;

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  key = (await seedTenant(t, fake.url)).key.key;
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

async function logCount(): Promise<number> {
  await t.flushLogs();
  return (await t.admin<{ total: number }>("logs/list", { pageSize: 1 })).total;
}

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

describe("request bounds through the hub", () => {
  it("answers a Gemini path with a malformed percent escape with 400 in Gemini's envelope, key or not", async () => {
    for (const headers of [{}, { "x-goog-api-key": key }] as Array<Record<string, string>>) {
      const res = await post("/v1beta/models/%ZZ:generateContent", "{}", headers);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
    }
  });

  it("refuses an over-long User-Agent with 431 and an over-long query with 414, and logs neither", async () => {
    const before = await logCount();
    const ua = await post("/v1/messages", '{"model":"claude-sonnet-4-5","max_tokens":1,"messages":[]}', { "x-api-key": key, "user-agent": "u".repeat(INPUT_BOUNDS.userAgentChars + 1) });
    expect(ua.status).toBe(431);
    expect(await ua.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    const query = await post(`/v1/chat/completions?${"q".repeat(INPUT_BOUNDS.queryChars)}`, '{"model":"gpt-5"}', { authorization: `Bearer ${key}` });
    expect(query.status).toBe(414);
    expect(await query.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    expect(await logCount()).toBe(before);
  });

  it("refuses an over-long model in the body with 400 and keeps no part of it in the log", async () => {
    const model = "m".repeat(INPUT_BOUNDS.modelChars + 1);
    const res = await post("/v1/messages", JSON.stringify({ model, max_tokens: 1, messages: [] }), { "x-api-key": key });
    expect(res.status).toBe(400);
    await t.flushLogs();
    const { items } = await t.admin<{ items: Array<{ model: string | null; statusCode: number }> }>("logs/list", { pageSize: 1 });
    expect(items[0]).toMatchObject({ statusCode: 400, model: null });
  });

  it("refuses a model PostgreSQL cannot store (a NUL, a lone surrogate) in the body and in a Gemini path", async () => {
    const before = await logCount();
    const body = await post("/v1/messages", '{"model":"claude-sonnet-4-5\\u0000x","max_tokens":1,"messages":[]}', { "x-api-key": key });
    expect(body.status).toBe(400);
    const surrogate = await post("/v1/messages", '{"model":"claude-\\ud800","max_tokens":1,"messages":[]}', { "x-api-key": key });
    expect(surrogate.status).toBe(400);
    const path = await post("/v1beta/models/gemini%00x:generateContent", "{}", { "x-goog-api-key": key });
    expect(path.status).toBe(400);
    expect(await path.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
    // The body's refusals are logged (without the model); the path's is answered before any log row.
    expect(await logCount()).toBe(before + 2);
  });
});
