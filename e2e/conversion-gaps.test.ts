/**
 * Format conversion, the remaining pairs of issue 8: a non-streaming client on ChatGPT's Codex
 * backend (which only streams), Gemini CLI's own routes on providers of another format, and
 * Responses compaction on a non-codex provider. Real hub, real PostgreSQL/Redis, the fake
 * upstream answering in its own format.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_ONBOARDED_PROJECT, startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;

beforeAll(async () => {
  [fake, t] = await Promise.all([startFakeUpstream(), startTestHub()]);
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});
beforeEach(() => fake.reset());

interface LogRow {
  statusCode: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  costUsd: number | null;
  errorType: string | null;
  errorMessage: string | null;
  conversion: string | null;
  decisionChain: { conversion?: { label: string; dropped: string[] }; attempts: Array<{ conversion?: string }> };
}

async function logOf(requestId: string | null | undefined): Promise<LogRow> {
  await t.flushLogs();
  return t.admin<LogRow>("logs/get", { requestId });
}

let groups = 0;
/** A tenant whose only provider is a `codex` provider at ChatGPT's Codex backend (the fake's /backend-api/codex). */
async function onCodexBackend(provider: Record<string, unknown> = {}) {
  const group = `gaps-chatgpt-${++groups}`;
  return seedTenant(t, `${fake.url}/backend-api/codex`, {
    providerType: "codex",
    user: { providerGroup: group },
    provider: { groupTag: group, allowFormatConversion: true, ...provider },
  });
}

/** A tenant whose only provider is of `providerType`, conversion on. */
async function tenantOn(providerType: string, provider: Record<string, unknown> = {}) {
  const group = `gaps-${++groups}`;
  const base = providerType === "gemini" || providerType === "gemini-cli" ? fake.url : `${fake.url}/v1`;
  return seedTenant(t, base, { providerType, user: { providerGroup: group }, provider: { groupTag: group, allowFormatConversion: true, ...provider } });
}

const weatherTool = {
  name: "get_weather",
  description: "Weather of a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

describe("a non-streaming client on ChatGPT's Codex backend (streams only)", () => {
  it("the fake backend refuses a body without stream: true, like the real one", async () => {
    const res = await fetch(`${fake.url}/backend-api/codex/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5", input: "hi" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: "Stream must be set to true" });
  });

  it("Anthropic messages.create gets one JSON message with the tool call, and the exact usage is billed", async () => {
    const tenant = await onCodexBackend();
    fake.enqueue({
      text: "Let me look.",
      toolCall: { name: "get_weather", input: { city: "Paris" } },
      usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 1000 },
    });
    const { data: message, response } = await new Anthropic({ baseURL: t.url, apiKey: tenant.key.key, maxRetries: 0 }).messages
      .create({ model: "gpt-5", max_tokens: 500, tools: [weatherTool], messages: [{ role: "user", content: "Weather in Paris?" }] })
      .withResponse();

    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(message.type).toBe("message");
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.find((b) => b.type === "text")).toMatchObject({ text: "Let me look." });
    expect(message.content.find((b) => b.type === "tool_use")).toMatchObject({ name: "get_weather", input: { city: "Paris" } });
    expect(message.usage).toMatchObject({ input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 1000 });

    // What the backend got: a streamed Responses request.
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].path).toMatch(/\/backend-api\/codex\/responses$/);
    expect(fake.requests[0].json).toMatchObject({ model: "gpt-5", stream: true, store: false });

    const row = await logOf(response.headers.get("x-request-id"));
    expect(row).toMatchObject({ statusCode: 200, conversion: "claude → openai-responses", inputTokens: 120, outputTokens: 30, cacheReadTokens: 1000 });
    expect(row.decisionChain.conversion?.dropped.join("\n")).toMatch(/only streams/);
  });

  it("bills the aggregated answer exactly as the same usage streamed through the same backend", async () => {
    const usage = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 5000 };
    const tenant = await onCodexBackend();
    const ask = async (stream: boolean) => {
      fake.enqueue({ usage });
      const res = await fetch(`${t.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": tenant.key.key, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-5", max_tokens: 300, stream, messages: [{ role: "user", content: "price me" }] }),
      });
      expect(res.status).toBe(200);
      await res.text();
      return logOf(res.headers.get("x-request-id"));
    };
    const streamed = await ask(true);
    const aggregated = await ask(false);
    expect(aggregated).toMatchObject({ inputTokens: 1000, outputTokens: 200, cacheReadTokens: 5000 });
    expect(streamed.costUsd).toBeGreaterThan(0);
    expect(aggregated.costUsd).toBe(streamed.costUsd);
  });

  it("OpenAI chat.completions.create (no stream) gets a chat.completion with the tool call", async () => {
    const tenant = await onCodexBackend();
    fake.enqueue({ text: "", toolCall: { name: "get_weather", input: { city: "Oslo" } }, usage: { inputTokens: 40, outputTokens: 12 } });
    const completion = await new OpenAI({ baseURL: `${t.url}/v1`, apiKey: tenant.key.key, maxRetries: 0 }).chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: weatherTool.input_schema } }],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0].finish_reason).toBe("tool_calls");
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(call?.type === "function" ? call.function : undefined).toMatchObject({ name: "get_weather" });
    expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({ city: "Oslo" });
    expect(completion.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 12 });
    expect(fake.requests[0].json).toMatchObject({ stream: true });
  });

  it("an error event in the backend's stream reaches the client as an error in its own envelope", async () => {
    const tenant = await onCodexBackend({ maxRetryAttempts: 1 });
    fake.enqueue({ kind: "stream-error", afterEvents: 2, message: "The model is overloaded." });
    const error = await new Anthropic({ baseURL: t.url, apiKey: tenant.key.key, maxRetries: 0 }).messages
      .create({ model: "gpt-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBeGreaterThanOrEqual(500);
    expect(apiError.error).toMatchObject({ type: "error", error: { type: expect.any(String), message: expect.any(String) } });
    const row = await logOf(apiError.requestID ?? apiError.headers?.get("x-request-id"));
    expect(row.conversion).toBe("claude → openai-responses");
    expect(row.errorMessage).toMatch(/overloaded/);
  });

  it("a very long answer that fails after the hold limit ends as the client's error envelope, never a partial message", async () => {
    const tenant = await onCodexBackend({ maxRetryAttempts: 1 });
    // 20 deltas of 20 KiB: past the dispatcher's 256 KiB hold limit before the error event.
    fake.enqueue({ kind: "stream-error", text: "x".repeat(400 * 1024), chunks: 20, afterEvents: 18 });
    const res = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": tenant.key.key, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { message: expect.stringMatching(/failed before the answer was complete/) } });
    const row = await logOf(res.headers.get("x-request-id"));
    expect(row.errorType).toBeTruthy();
  });

  it("a backend stream cut short is a failed attempt, failed over to the next provider", async () => {
    const group = `gaps-failover-${++groups}`;
    const tenant = await seedTenant(t, `${fake.url}/backend-api/codex`, {
      providerType: "codex",
      user: { providerGroup: group },
      provider: { groupTag: group, allowFormatConversion: true, priority: 0, maxRetryAttempts: 1 },
    });
    await seedTenant(t, `${fake.url}/v1`, { providerType: "claude", provider: { groupTag: group, priority: 1, name: `gaps-native-${groups}` } });
    fake.enqueue({ kind: "truncated-stream", text: "cut short", chunks: 2 }, { text: "from the native one" });
    const message = await new Anthropic({ baseURL: t.url, apiKey: tenant.key.key, maxRetries: 0 }).messages.create({
      model: "gpt-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: "from the native one" })]);
    expect(fake.requests.map((r) => r.path)).toEqual([expect.stringMatching(/\/backend-api\/codex\/responses$/), expect.stringMatching(/\/v1\/messages$/)]);
  });
});


async function post(path: string, key: string, body: unknown, auth: "google" | "bearer") {
  const headers: Record<string, string> = { "content-type": "application/json", ...(auth === "google" ? { "x-goog-api-key": key } : { authorization: `Bearer ${key}` }) };
  const res = await fetch(`${t.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, requestId: res.headers.get("x-request-id") };
}

describe("Gemini CLI's own routes on a provider of another format", () => {
  const count = { request: { model: "models/gemini-2.5-pro", contents: [{ role: "user", parts: [{ text: "How many tokens is this?" }] }] } };

  it("countTokens asks a claude provider's count_tokens and answers in Gemini's shape", async () => {
    const tenant = await tenantOn("claude", { modelRedirects: [{ match: "exact", pattern: "gemini-2.5-pro", target: "claude-sonnet-4-5" }] });
    fake.enqueue({ countTokens: 321 });
    const res = await post("/v1internal:countTokens", tenant.key.key, count, "google");
    expect(res).toMatchObject({ status: 200, json: { totalTokens: 321 } });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].path).toBe("/v1/messages/count_tokens");
    expect(fake.requests[0].json).toMatchObject({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: [{ type: "text", text: "How many tokens is this?" }] }] });
    const row = await logOf(res.requestId);
    expect(row.conversion).toBe("gemini-cli → claude");
  });

  it("countTokens on an openai-compatible provider is the hub's estimate; nothing is sent", async () => {
    const tenant = await tenantOn("openai-compatible");
    const res = await post("/v1internal:countTokens", tenant.key.key, count, "google");
    // "How many tokens is this?" is 24 characters: 6 tokens at 4 characters a token.
    expect(res).toMatchObject({ status: 200, json: { totalTokens: 6 } });
    expect(fake.requests).toHaveLength(0);
  });

  it("housekeeping (loadCodeAssist, onboardUser) is refused with a 400 in Google's envelope naming the call and the provider type", async () => {
    const tenant = await tenantOn("claude");
    for (const operation of ["loadCodeAssist", "onboardUser"]) {
      const res = await post(`/v1internal:${operation}`, tenant.key.key, { metadata: { ideType: "IDE_UNSPECIFIED", pluginType: "GEMINI" } }, "google");
      expect(res.status).toBe(400);
      const error = res.json.error as { code: number; status: string; message: string };
      expect(error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
      expect(error.message).toContain(operation);
      expect(error.message).toMatch(/provider type claude/);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("housekeeping with conversion off stays the plain 'no provider' answer", async () => {
    const tenant = await tenantOn("claude", { allowFormatConversion: false });
    const res = await post("/v1internal:loadCodeAssist", tenant.key.key, { metadata: {} }, "google");
    expect(res.status).not.toBe(400);
    expect(JSON.stringify(res.json)).toMatch(/No provider is available/);
  });
});

describe("Responses compaction on a provider of another format", () => {
  it("is a 400 in OpenAI's envelope naming compaction and the provider type; nothing is sent", async () => {
    const tenant = await tenantOn("claude");
    const error = await new OpenAI({ baseURL: `${t.url}/v1`, apiKey: tenant.key.key, maxRetries: 0 }).post("/responses/compact", { body: { model: "gpt-5", input: "hi" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/compaction.*provider type claude.*only codex providers/);
    expect(fake.requests).toHaveLength(0);
  });

  it("still goes to a codex provider of the group, even behind a converting provider of a better priority", async () => {
    const group = `gaps-compact-${++groups}`;
    const tenant = await seedTenant(t, `${fake.url}/v1`, { providerType: "claude", user: { providerGroup: group }, provider: { groupTag: group, priority: 0, allowFormatConversion: true } });
    await seedTenant(t, `${fake.url}/v1`, { providerType: "codex", provider: { groupTag: group, priority: 5 } });
    const res = await post("/v1/responses/compact", tenant.key.key, { model: "gpt-5", input: "hi" }, "bearer");
    expect(res.status).toBe(200);
    expect(fake.requests.map((r) => r.path)).toEqual(["/v1/responses/compact"]);
  });
});

describe("a converted request on a Code Assist account never onboarded", () => {
  it("onboards the account once with its default tier, as Gemini CLI's first sign-in does, and sends the project it got", async () => {
    // A token that is still valid (no refresh); the fake treats "never-onboarded" tokens as new accounts.
    const credential = { access_token: "ya29.never-onboarded", refresh_token: "1//r", client_id: "c", client_secret: "s", expiry_date: Date.now() + 3_600_000, token_uri: "http://127.0.0.1:9/token" };
    const tenant = await tenantOn("gemini-cli", { key: JSON.stringify(credential) });
    const client = new Anthropic({ baseURL: t.url, apiKey: tenant.key.key, maxRetries: 0 });
    fake.enqueue({ text: "first" }, { text: "second" });
    const [a, b] = await Promise.all(
      ["one", "two"].map((content) => client.messages.create({ model: "gemini-2.5-pro", max_tokens: 50, messages: [{ role: "user", content }] })),
    );
    expect([a.content[0], b.content[0]].map((c) => (c as { text: string }).text).sort()).toEqual(["first", "second"]);

    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    // One lookup for both requests: loadCodeAssist, onboardUser, one poll of its operation, then the two generations.
    expect(paths.slice(0, 3)).toEqual(["POST /v1internal:loadCodeAssist", "POST /v1internal:onboardUser", "GET /v1internal/operations/onboard-fake"]);
    expect(paths.slice(3)).toEqual(["POST /v1internal:generateContent", "POST /v1internal:generateContent"]);
    expect(fake.requests[1].json).toEqual({ tierId: "free-tier", metadata: { ideType: "IDE_UNSPECIFIED", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" } });
    for (const r of fake.requests.slice(3)) expect(r.json).toMatchObject({ project: FAKE_ONBOARDED_PROJECT, model: "gemini-2.5-pro" });
  });
});
