/**
 * Routes that used to bypass metering or leak the hub's credentials: MCP passthrough, the
 * passthrough model routes (count_tokens, compaction, Code Assist housekeeping) and `?key=`.
 * A real hub (PostgreSQL, Redis) and the recording fake upstream: every assertion about what
 * reached a vendor is made on what the fake upstream received.
 */
import http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});
beforeEach(() => fake.reset());

let groupSeq = 0;
function group() {
  const g = `g${++groupSeq}`;
  return { user: { providerGroup: g }, provider: { groupTag: g } };
}

/** A POST whose path goes on the wire exactly as written (fetch would normalise `..`). */
function rawPost(path: string, headers: Record<string, string>, body = "{}"): Promise<{ status: number; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: "POST", path, headers: { "content-type": "application/json", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const claudeBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }], ...extra });

describe("MCP passthrough relays only its vendor's tool endpoints", () => {
  it("relays MiniMax web_search and understand_image to the vendor's paths with the provider's key, never the hub key", async () => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, provider: { ...g.provider, mcpPassthroughType: "minimax" } });
    const search = await rawPost(`/v1/coding_plan/search?key=${s.key.key}`, {}, JSON.stringify({ q: "weather" }));
    const vlm = await rawPost("/v1/coding_plan/vlm", { authorization: `Bearer ${s.key.key}` }, JSON.stringify({ prompt: "what", image_url: "data:x" }));
    expect(search.status).toBe(404); // the fake upstream has no such endpoint: its own 404, relayed
    expect(vlm.status).toBe(404);
    expect(fake.requests.map((r) => r.path)).toEqual(["/v1/coding_plan/search", "/v1/coding_plan/vlm"]);
    for (const r of fake.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${s.upstreamKey}`);
      expect(r.query.key).toBeUndefined();
      expect(JSON.stringify(r.headers)).not.toContain(s.key.key);
    }
  });

  it("keeps an admin-set MCP URL's path as the base", async () => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, provider: { ...g.provider, mcpPassthroughType: "minimax", mcpPassthroughUrl: `${fake.url}/minimax-cn` } });
    await rawPost("/v1/coding_plan/search", { "x-api-key": s.key.key }, JSON.stringify({ q: "x" }));
    expect(fake.requests.map((r) => r.path)).toEqual(["/minimax-cn/v1/coding_plan/search"]);
  });

  it.each([
    "/v1/admin/keys",
    "/v1/coding_plan/search/../../admin",
    "/v1/../admin",
    "/v1/coding_plan/%2e%2e/%2e%2e/admin",
    "/v1/coding_plan/%2E%2E%2Fadmin",
    "/v1/coding_plan%2fsearch",
    "/v1/coding_plan/..%5cadmin",
    "/v1/coding_plan\\..\\admin",
    "/v1//coding_plan/search",
    "/v1/coding_plan/./search",
    "/v1/coding_plan/%252e%252e/admin",
  ])("refuses %s and forwards nothing", async (path) => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, provider: { ...g.provider, mcpPassthroughType: "minimax" } });
    const res = await rawPost(path, { authorization: `Bearer ${s.key.key}` });
    expect([400, 404]).toContain(res.status);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a GLM provider's callers anything but GLM's tool endpoint", async () => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, provider: { ...g.provider, mcpPassthroughType: "glm" } });
    expect((await rawPost("/v1/coding_plan/search", { authorization: `Bearer ${s.key.key}` })).status).toBe(404);
    await rawPost("/v1/paas/v4/chat/completions", { authorization: `Bearer ${s.key.key}` }, JSON.stringify({ model: "glm-4.5v", messages: [] }));
    expect(fake.requests.map((r) => r.path)).toEqual(["/api/paas/v4/chat/completions"]);
  });

  it("refuses an MCP call whose body is over the body limit without reading or forwarding it", async () => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, provider: { ...g.provider, mcpPassthroughType: "minimax" } });
    const url = new URL(t.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: "POST", path: "/v1/coding_plan/search", headers: { authorization: `Bearer ${s.key.key}`, "content-length": String(t.hub.env.MAX_REQUEST_BODY_BYTES + 1) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("{");
    });
    expect(status).toBe(413);
    expect(fake.requests).toHaveLength(0);
  });

  it("holds MCP calls to the key's requests per minute and logs each one", async () => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, key: { rpmLimit: 1 }, provider: { ...g.provider, mcpPassthroughType: "minimax" } });
    const first = await rawPost("/v1/coding_plan/search", { authorization: `Bearer ${s.key.key}` });
    const second = await rawPost("/v1/coding_plan/search", { authorization: `Bearer ${s.key.key}` });
    expect(first.status).not.toBe(429);
    expect(second.status).toBe(429);
    expect(fake.requests).toHaveLength(1);
    await t.flushLogs();
    const rows = await t.hub.db.prisma.requestLog.findMany({ where: { keyId: s.key.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.endpoint, r.apiFormat, r.statusCode])).toEqual([
      ["/v1/coding_plan/search", "mcp-minimax", first.status],
      ["/v1/coding_plan/search", "mcp-minimax", 429],
    ]);
  });

  it("refuses MCP calls from a user already over a money limit", async () => {
    fake.setDefault({ usage: { inputTokens: 1000, outputTokens: 100 } });
    try {
      const g = group();
      // One model request costs $0.0045, over the $0.001 daily limit: the next call is refused.
      const s = await seedTenant(t, fake.url, { ...g, user: { ...g.user, limitDailyUsd: 0.001 }, provider: { ...g.provider, mcpPassthroughType: "minimax" } });
      expect((await rawPost("/v1/messages", { "x-api-key": s.key.key }, claudeBody())).status).toBe(200);
      fake.reset();
      const refused = await rawPost("/v1/coding_plan/search", { authorization: `Bearer ${s.key.key}` });
      expect(refused.status).toBe(402);
      expect(fake.requests).toHaveLength(0);
    } finally {
      fake.setDefault(undefined);
    }
  });
});

describe("passthrough model routes answer to the caller's limits", () => {
  it("refuses count_tokens past the key's requests per minute", async () => {
    const s = await seedTenant(t, fake.url, { ...group(), key: { rpmLimit: 1 } });
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await rawPost("/v1/messages/count_tokens", { "x-api-key": s.key.key }, claudeBody())).status);
    expect(statuses).toEqual([200, 429]);
    expect(fake.requests).toHaveLength(1);
  });

  it("refuses count_tokens, compaction and Code Assist housekeeping once the user is over its money limit", async () => {
    fake.setDefault({ usage: { inputTokens: 1000, outputTokens: 100 } });
    try {
      const g = group();
      const s = await seedTenant(t, fake.url, { ...g, user: { ...g.user, limitDailyUsd: 0.001 } });
      await seedTenant(t, `${fake.url}/v1`, { providerType: "codex", ...g });
      await seedTenant(t, fake.url, { providerType: "gemini-cli", ...g });
      expect((await rawPost("/v1/messages", { "x-api-key": s.key.key }, claudeBody())).status).toBe(200);
      fake.reset();
      const auth = { authorization: `Bearer ${s.key.key}` };
      expect((await rawPost("/v1/messages/count_tokens", auth, claudeBody())).status).toBe(402);
      expect((await rawPost("/v1/responses/compact", auth, JSON.stringify({ model: "gpt-5", input: "hi" }))).status).toBe(402);
      expect((await rawPost("/v1internal:loadCodeAssist", auth, JSON.stringify({ metadata: {} }))).status).toBe(402);
      expect(fake.requests).toHaveLength(0);
    } finally {
      fake.setDefault(undefined);
    }
  });

  it("bills a compaction from the usage the upstream reports", async () => {
    const g = group();
    const s = await seedTenant(t, `${fake.url}/v1`, { providerType: "codex", ...g });
    const res = await fetch(`${t.url}/v1/responses/compact`, {
      method: "POST",
      headers: { authorization: `Bearer ${s.key.key}`, "content-type": "application/json", "x-fake-behaviour": JSON.stringify({ usage: { inputTokens: 10_000, outputTokens: 2_000 } }) },
      body: JSON.stringify({ model: "gpt-5", input: [{ role: "user", content: "long conversation" }] }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id")!;
    await res.text();
    await t.flushLogs();
    const ledger = await t.hub.db.prisma.usageLedger.findMany({ where: { requestId } });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ inputTokens: 10_000, outputTokens: 2_000 });
    expect(Number(ledger[0].costUsd)).toBeGreaterThan(0);
  });
});

describe("the hub key presented as ?key= never reaches an upstream", () => {
  const cases: Array<{ type: string; base: string; path: string; body: unknown; expectAuth: (key: string) => Record<string, string> }> = [
    { type: "claude", base: "", path: "/v1/messages", body: JSON.parse(claudeBody()), expectAuth: (k) => ({ "x-api-key": k, authorization: `Bearer ${k}` }) },
    { type: "claude-auth", base: "", path: "/v1/messages", body: JSON.parse(claudeBody()), expectAuth: (k) => ({ authorization: `Bearer ${k}` }) },
    { type: "openai-compatible", base: "", path: "/v1/chat/completions", body: { model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] }, expectAuth: (k) => ({ authorization: `Bearer ${k}` }) },
    { type: "codex", base: "/v1", path: "/v1/responses", body: { model: "gpt-5", input: "hi" }, expectAuth: (k) => ({ authorization: `Bearer ${k}` }) },
    { type: "gemini", base: "", path: "/v1beta/models/gemini-2.5-flash:generateContent", body: { contents: [{ role: "user", parts: [{ text: "hi" }] }] }, expectAuth: (k) => ({ "x-goog-api-key": k }) },
    {
      type: "gemini-cli",
      base: "",
      path: "/v1internal:generateContent",
      body: { model: "gemini-2.5-pro", project: "p", request: { contents: [{ role: "user", parts: [{ text: "hi" }] }] } },
      expectAuth: (k) => ({ "x-goog-api-key": k }),
    },
  ];

  it.each(cases)("$type: the upstream sees its own key only", async ({ type, base, path, body, expectAuth }) => {
    const s = await seedTenant(t, `${fake.url}${base}`, { providerType: type, ...group() });
    const res = await rawPost(`${path}?key=${encodeURIComponent(s.key.key)}&alt=json`, {}, JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(fake.requests).toHaveLength(1);
    const seen = fake.requests[0];
    expect(seen.query).not.toHaveProperty("key");
    expect(seen.query.alt).toBe("json"); // the client's other parameters still go through
    expect(JSON.stringify(seen.headers)).not.toContain(s.key.key);
    expect(seen.headers).toMatchObject(expectAuth(s.upstreamKey));
  });
});
