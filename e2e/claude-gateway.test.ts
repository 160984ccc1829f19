/**
 * Claude traffic end to end: the official @anthropic-ai/sdk talks to a real hub (PostgreSQL,
 * Redis, HTTP over loopback), which talks to the fake Anthropic upstream.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;
let tenant: Awaited<ReturnType<typeof seedTenant>>;
let client: Anthropic;
const MODEL = "claude-sonnet-4-5";

interface LogItem {
  requestId: string;
  statusCode: number;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreation5mTokens: number;
  cacheCreation1hTokens: number;
  cacheReadTokens: number;
  costUsd: number | null;
  ttfbMs: number | null;
  durationMs: number | null;
  userName: string | null;
  keyName: string | null;
  providerName: string | null;
  errorType: string | null;
  errorMessage: string | null;
  isStream: boolean;
}

async function logFor(requestId: string): Promise<LogItem> {
  await t.flushLogs();
  const detail = await t.admin<LogItem>("logs/get", { requestId });
  return detail;
}

async function lastLog(): Promise<LogItem> {
  await t.flushLogs();
  const { items } = await t.admin<{ items: LogItem[] }>("logs/list", { pageSize: 1 });
  return items[0];
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  tenant = await seedTenant(t, fake.url);
  client = new Anthropic({ baseURL: t.url, apiKey: tenant.key.key, maxRetries: 0 });
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

beforeEach(() => fake.reset());

describe("messages through the hub", () => {
  it("answers a JSON request and logs its tokens, cost, duration and status", async () => {
    fake.enqueue({ text: "Hi from upstream", usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 4000, cacheCreation5mTokens: 100 } });
    const response = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hello" }] }).withResponse();
    const message = response.data;
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: "Hi from upstream" })]);
    expect(message.usage).toMatchObject({ input_tokens: 1200, output_tokens: 300, cache_read_input_tokens: 4000 });

    const requestId = response.response.headers.get("x-request-id")!;
    expect(requestId).toMatch(/^req_/);
    const log = await logFor(requestId);
    expect(log).toMatchObject({
      statusCode: 200,
      model: MODEL,
      inputTokens: 1200,
      outputTokens: 300,
      cacheReadTokens: 4000,
      cacheCreation5mTokens: 100,
      userName: tenant.user.name,
      keyName: tenant.key.name,
      providerName: tenant.provider.name,
      isStream: false,
    });
    // Sonnet 4.5 list price: 1200×$3 + 300×$15 + 4000×$0.30 + 100×$3.75 per MTok
    expect(log.costUsd).toBeCloseTo(0.0036 + 0.0045 + 0.0012 + 0.000375, 9);
    expect(log.durationMs).toBeGreaterThanOrEqual(0);
    expect(log.ttfbMs).toBeGreaterThanOrEqual(0);
  });

  it("streams SSE through, with usage merged from message_start and message_delta", async () => {
    fake.enqueue({ text: "streamed words here", chunks: 5, usage: { inputTokens: 50, outputTokens: 20, cacheCreation1hTokens: 1000 } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hello" }] });
    const deltas: string[] = [];
    stream.on("text", (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.join("")).toBe("streamed words here");
    expect(deltas.length).toBe(5);
    expect(message.usage.output_tokens).toBe(20);

    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, isStream: true, inputTokens: 50, outputTokens: 20, cacheCreation1hTokens: 1000 });
    // 50×$3 + 20×$15 + 1000×$6 (1-hour write) per MTok
    expect(log.costUsd).toBeCloseTo(0.00015 + 0.0003 + 0.006, 9);
  });

  it("passes a tool_use block and its streamed JSON input through", async () => {
    fake.enqueue({ text: "Let me look.", toolCall: { name: "get_weather", input: { city: "Paris", days: 3 } } });
    const message = await client.messages
      .stream({
        model: MODEL,
        max_tokens: 100,
        tools: [{ name: "get_weather", description: "weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
        messages: [{ role: "user", content: "weather in Paris?" }],
      })
      .finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    const tool = message.content.find((b) => b.type === "tool_use");
    expect(tool).toMatchObject({ name: "get_weather", input: { city: "Paris", days: 3 } });
  });

  it("forwards headers, query and unknown fields unchanged, with the provider's credentials only", async () => {
    const raw = await fetch(`${t.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": tenant.key.key,
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14",
        "x-stainless-lang": "js",
        cookie: "session=secret",
      },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }], context_management: { edits: [] }, some_future_field: [1, { a: "b" }] }),
    });
    expect(raw.status).toBe(200);
    const seen = fake.requests[0];
    expect(seen.path).toBe("/v1/messages");
    expect(seen.query).toEqual({ beta: "true" });
    expect(seen.headers["anthropic-version"]).toBe("2023-06-01");
    expect(seen.headers["anthropic-beta"]).toBe("claude-code-20250219,interleaved-thinking-2025-05-14");
    expect(seen.headers["x-stainless-lang"]).toBe("js");
    expect(seen.headers.cookie).toBeUndefined();
    // type "claude": both Bearer and x-api-key, with the upstream key — never the client's key
    expect(seen.headers["x-api-key"]).toBe(tenant.upstreamKey);
    expect(seen.headers.authorization).toBe(`Bearer ${tenant.upstreamKey}`);
    expect(JSON.stringify(seen.headers)).not.toContain(tenant.key.key);
    expect(seen.json).toMatchObject({ context_management: { edits: [] }, some_future_field: [1, { a: "b" }] });
  });

  it("sends the request body to the upstream byte for byte", async () => {
    const body = `{"model":"${MODEL}",  "max_tokens":5,"messages":[{"role":"user","content":"\\u00e9 \\"quoted\\""}] , "metadata":{"user_id":"u"}}`;
    await fetch(`${t.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tenant.key.key}` }, body });
    expect(fake.requests[0].body.toString()).toBe(body);
  });

  it("relays the response stream byte for byte", async () => {
    const behaviour = JSON.stringify({ text: "exact bytes", chunks: 3 });
    const body = JSON.stringify({ model: MODEL, max_tokens: 5, stream: true, messages: [{ role: "user", content: "x" }] });
    const direct = await (await fetch(`${fake.url}/v1/messages`, { method: "POST", headers: { "x-fake-behaviour": behaviour }, body })).text();
    const viaHub = await (
      await fetch(`${t.url}/v1/messages`, { method: "POST", headers: { "x-api-key": tenant.key.key, "x-fake-behaviour": behaviour }, body })
    ).text();
    // Message ids differ per request; everything else is identical.
    const normalise = (s: string) => s.replace(/msg_[A-Za-z0-9]+/g, "msg_X").replace(/"(id|signature)":"[^"]*"/g, '"$1":"X"');
    expect(normalise(viaHub)).toBe(normalise(direct));
  });

  it("uses Bearer only for claude-auth providers", async () => {
    const other = await seedTenant(t, fake.url, { providerType: "claude-auth", user: { providerGroup: "relay" }, provider: { groupTag: "relay" } });
    const relayClient = new Anthropic({ baseURL: t.url, apiKey: other.key.key, maxRetries: 0 });
    await relayClient.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    const seen = fake.requests[0];
    expect(seen.headers.authorization).toBe(`Bearer ${other.upstreamKey}`);
    expect(seen.headers["x-api-key"]).toBeUndefined();
  });

  it("passes count_tokens through without billing it", async () => {
    fake.enqueue({ countTokens: 321 });
    const count = await client.messages.countTokens({ model: MODEL, messages: [{ role: "user", content: "how many?" }] });
    expect(count.input_tokens).toBe(321);
    const log = await lastLog();
    expect(log.statusCode).toBe(200);
    expect(log.costUsd).toBeNull();
    const ledger = await t.hub.db.prisma.usageLedger.count({ where: { requestId: log.requestId } });
    expect(ledger).toBe(0);
  });
});

describe("client aborts", () => {
  it("aborts the upstream call when the client disconnects mid-stream, and logs 499 with the usage seen", async () => {
    fake.enqueue({ text: "a b c d e f g h i j", chunks: 10, chunkDelayMs: 200, usage: { inputTokens: 77, outputTokens: 10 } });
    const controller = new AbortController();
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "long" }] }, { signal: controller.signal });
    let got = 0;
    stream.on("text", () => {
      got++;
      if (got === 2) controller.abort();
    });
    await expect(stream.finalMessage()).rejects.toThrow();
    // The upstream sees the disconnect promptly.
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 3000 }).toBe(true);
    await expect
      .poll(async () => (await lastLog()).statusCode, { timeout: 3000 })
      .toBe(499);
    const log = await lastLog();
    expect(log.inputTokens).toBe(77);
    expect(log.costUsd).toBeGreaterThan(0);
  });
});

describe("bad input and faults, answered in Anthropic's envelope with a request id", () => {
  async function post(body: string | object, headers: Record<string, string> = { "x-api-key": tenant.key.key }) {
    const res = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string };
    return { status: res.status, json, requestId: res.headers.get("x-request-id") };
  }
  const ok = { model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }] };

  it("invalid JSON → 400 invalid_request_error", async () => {
    const r = await post('{"model": "x", "messages": [');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(r.json.request_id).toBe(r.requestId);
    expect(fake.requests).toHaveLength(0);
  });

  it("a bad escape inside the model name → 400 invalid_request_error, not a hub failure", async () => {
    const r = await post('{"model": "claude-\\q", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "model: not valid JSON" } });
    expect(fake.requests).toHaveLength(0);
  });

  it("missing key → 401; unknown key → 401", async () => {
    const missing = await post(ok, {});
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({ type: "authentication_error", message: expect.stringContaining("Missing API key") });
    const unknown = await post(ok, { "x-api-key": "sk-not-a-real-key" });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.message).toBe("Invalid API key.");
  });

  it("disabled or expired key, disabled user → 401 saying which", async () => {
    const s = await seedTenant(t, fake.url);
    await t.admin("keys/update", { id: s.key.id, isEnabled: false });
    expect((await post(ok, { "x-api-key": s.key.key })).json.error.message).toBe("This API key is disabled.");
    await t.admin("keys/update", { id: s.key.id, isEnabled: true });
    // The admin API refuses an expiry in the past, so the key expires as time would expire it: in the row.
    await t.hub.db.prisma.apiKey.update({ where: { id: s.key.id }, data: { expiresAt: new Date("2020-01-01T00:00:00Z") } });
    await t.hub.catalog.invalidate({ kind: "key", id: s.key.id });
    expect((await post(ok, { "x-api-key": s.key.key })).json.error.message).toMatch(/^This API key expired at 2020-01-01/);
    await t.admin("keys/update", { id: s.key.id, expiresAt: null });
    await t.admin("users/update", { id: s.user.id, isEnabled: false });
    const r = await post(ok, { "x-api-key": s.key.key });
    expect(r.status).toBe(401);
    expect(r.json.error.message).toBe("The user of this API key is disabled.");
  });

  it("no enabled provider → 503 that says so", async () => {
    const s = await seedTenant(t, fake.url, { user: { providerGroup: "lonely" }, provider: { groupTag: "lonely", isEnabled: false } });
    const r = await post(ok, { "x-api-key": s.key.key });
    expect(r.status).toBe(503);
    expect(r.json.error.message).toMatch(/No provider is available/);
  });

  it("body over the limit → 413", async () => {
    const limited = await startTestHub({ env: { MAX_REQUEST_BODY_BYTES: "2048" } });
    try {
      const s = await seedTenant(limited, fake.url);
      const res = await fetch(`${limited.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": s.key.key },
        body: JSON.stringify({ ...ok, messages: [{ role: "user", content: "x".repeat(5000) }] }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { type: "request_too_large" } });
    } finally {
      await limited.stop();
    }
  });

  it("upstream unreachable → 502 with the request id, and no secret in the message", async () => {
    const s = await seedTenant(t, "http://127.0.0.1:9", { user: { providerGroup: "dead" }, provider: { groupTag: "dead" } });
    const r = await post(ok, { "x-api-key": s.key.key });
    expect(r.status).toBe(502);
    expect(r.json.error.type).toBe("api_error");
    expect(r.json.request_id).toMatch(/^req_/);
    expect(JSON.stringify(r.json)).not.toContain(s.upstreamKey);
  });

  it("relays an upstream error in the upstream's own envelope", async () => {
    fake.enqueue({ kind: "status", status: 400, message: "prompt is too long: 210000 tokens > 200000 maximum" });
    const r = await post(ok);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ type: "invalid_request_error", message: "prompt is too long: 210000 tokens > 200000 maximum" });
  });

  it("a 200 with an error body is not passed off as a success", async () => {
    // A group with one provider, whose two attempts both answer with a fake 200.
    const s = await seedTenant(t, fake.url, { user: { providerGroup: "fake200" }, provider: { groupTag: "fake200" } });
    fake.enqueue({ kind: "fake-200", message: "upstream account suspended" }, { kind: "fake-200", message: "upstream account suspended" });
    const r = await post(ok, { "x-api-key": s.key.key });
    expect(r.status).toBe(502);
    // Pass-through is on by default: the upstream's own words (see e2e/error-detail.test.ts).
    expect(r.json.error.message).toBe("upstream account suspended");
    expect(fake.requests).toHaveLength(2);
  });

  it("a stream that breaks after the first byte ends with a well-formed error event", async () => {
    fake.enqueue({ kind: "reset-mid-stream", afterEvents: 4, chunks: 6 });
    const res = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": tenant.key.key },
      body: JSON.stringify({ ...ok, stream: true }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("event: content_block_start");
    expect(text.trimEnd().split("\n\n").at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
  });
});

describe("system settings that act on requests", () => {
  interface Row {
    statusCode: number;
    costUsd: number | null;
    providerName: string | null;
    blockedBy: string | null;
  }

  it("answers Claude Code's Warmup requests locally when asked to: no provider, no cost, logged", async () => {
    await t.admin("settings/update", { interceptWarmupRequests: true });
    try {
      const warmup = { model: "claude-haiku-4-5", max_tokens: 1, system: "You are Claude Code.", messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "Warmup", cache_control: { type: "ephemeral" as const } }] }] };
      const streamed = await client.messages.stream(warmup).finalMessage();
      expect(streamed.content).toEqual([{ type: "text", text: "I'm ready to help." }]);
      const json = await client.messages.create(warmup).withResponse();
      expect(json.data.stop_reason).toBe("end_turn");
      expect(fake.requests).toHaveLength(0);

      const row = await logFor(json.response.headers.get("x-request-id")!);
      expect(row as unknown as Row).toMatchObject({ statusCode: 200, costUsd: null, providerName: null, blockedBy: "warmup" });

      // Anything else still goes upstream.
      await client.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "Warmup, then say hi" }] });
      expect(fake.requests).toHaveLength(1);
    } finally {
      await t.admin("settings/update", { interceptWarmupRequests: false });
    }
    await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 1, messages: [{ role: "user", content: "Warmup" }] });
    expect(fake.requests).toHaveLength(2);
  });

  it("refuses a CLI older than the minimum version, in Anthropic's envelope, before any upstream call", async () => {
    await t.admin("settings/update", { enableClientVersionCheck: true, minClientVersions: { "claude-cli": "2.0.0" } });
    try {
      const send = (userAgent: string) =>
        fetch(`${t.url}/v1/messages`, {
          method: "POST",
          headers: { "x-api-key": tenant.key.key, "content-type": "application/json", "user-agent": userAgent },
          body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
        });
      const old = await send("claude-cli/1.0.99 (external, cli)");
      expect(old.status).toBe(400);
      expect(await old.json()).toMatchObject({
        type: "error",
        error: { type: "invalid_request_error", code: "client_upgrade_required", current_version: "1.0.99", required_version: "2.0.0" },
      });
      expect(fake.requests).toHaveLength(0);
      const row = await logFor(old.headers.get("x-request-id")!);
      expect(row as unknown as Row).toMatchObject({ statusCode: 400, blockedBy: "client_version" });

      expect((await send("claude-cli/2.0.1 (external, cli)")).status).toBe(200);
      expect((await send("my-script/0.1")).status).toBe(200);
    } finally {
      await t.admin("settings/update", { enableClientVersionCheck: false, minClientVersions: {} });
    }
  });
});
