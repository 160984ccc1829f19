/**
 * Gemini traffic end to end: the official @google/genai SDK (and raw fetch where the SDK cannot
 * reach) talks to a real hub (PostgreSQL, Redis, HTTP over loopback), which talks to the fake
 * Gemini and Code Assist upstream. The Code Assist provider authenticates with an OAuth
 * credential whose token the hub refreshes against a token endpoint started here.
 */
import { ApiError, GoogleGenAI, Type } from "@google/genai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";

let fake: FakeUpstream;
let t: TestHub;
let tenant: Awaited<ReturnType<typeof seedTenant>>;
let ai: GoogleGenAI;
/** A provider tried once, with no other in its group: an upstream failure reaches the client as it is. */
let single: Awaited<ReturnType<typeof seedTenant>>;

interface LogItem {
  requestId: string;
  statusCode: number;
  endpoint: string;
  apiFormat: string;
  model: string | null;
  redirectedModel: string | null;
  responseModel: string | null;
  isStream: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  costUsd: number | null;
  errorType: string | null;
  providerName: string | null;
}

async function lastLog(): Promise<LogItem> {
  await t.flushLogs();
  const { items } = await t.admin<{ items: LogItem[] }>("logs/list", { pageSize: 1 });
  return items[0];
}

/** USD per token, from the hub's default price list (server/domain/default-prices.ts). */
const FLASH = { input: 0.3e-6, output: 2.5e-6, read: 0.03e-6 };
const PRO = { input: 1.25e-6, output: 10e-6, read: 0.125e-6 };

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  tenant = await seedTenant(t, fake.url, { providerType: "gemini" });
  ai = new GoogleGenAI({ apiKey: tenant.key.key, httpOptions: { baseUrl: t.url } });
  single = await seedTenant(t, fake.url, {
    providerType: "gemini",
    user: { providerGroup: "gemini-single" },
    provider: { groupTag: "gemini-single", maxRetryAttempts: 1 },
  });
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

beforeEach(() => fake.reset());

function post(path: string, body: unknown, headers: Record<string, string> = { "x-goog-api-key": tenant.key.key }) {
  return fetch(`${t.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

const hello = { contents: [{ role: "user", parts: [{ text: "hello" }] }] };

describe("Gemini API through the hub, with @google/genai", () => {
  it("answers generateContent and bills the tokens with cached tokens taken out of the input", async () => {
    fake.enqueue({ text: "Hi from Gemini", usage: { inputTokens: 1000, outputTokens: 200, reasoningTokens: 50, cacheReadTokens: 4000 } });
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hello" });
    expect(response.text).toBe("Hi from Gemini");
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 5000, cachedContentTokenCount: 4000, candidatesTokenCount: 150, thoughtsTokenCount: 50 });

    const seen = fake.requests[0];
    expect(seen.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    const log = await lastLog();
    expect(log).toMatchObject({
      statusCode: 200,
      endpoint: "/v1beta/models/gemini-2.5-flash:generateContent",
      apiFormat: "gemini",
      model: "gemini-2.5-flash",
      responseModel: "gemini-2.5-flash",
      isStream: false,
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadTokens: 4000,
      providerName: tenant.provider.name,
    });
    expect(log.costUsd).toBeCloseTo(1000 * FLASH.input + 200 * FLASH.output + 4000 * FLASH.read, 12);
  });

  it("streams generateContentStream over SSE with Google's CRLF framing, billing the last usageMetadata", async () => {
    fake.enqueue({ text: "one two three four", chunks: 4, usage: { inputTokens: 2000, outputTokens: 300, cacheReadTokens: 10000 } });
    const stream = await ai.models.generateContentStream({ model: "gemini-2.5-pro", contents: "count" });
    const texts: string[] = [];
    for await (const chunk of stream) if (chunk.text) texts.push(chunk.text);
    expect(texts.join("")).toBe("one two three four");
    expect(texts).toHaveLength(4);
    expect(fake.requests[0].query).toEqual({ alt: "sse" });

    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, isStream: true, model: "gemini-2.5-pro", inputTokens: 2000, outputTokens: 300, cacheReadTokens: 10000 });
    expect(log.costUsd).toBeCloseTo(2000 * PRO.input + 300 * PRO.output + 10000 * PRO.read, 12);
  });

  it("relays the SSE bytes unchanged", async () => {
    const behaviour = JSON.stringify({ text: "exact bytes", chunks: 3 });
    const direct = await (await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, { method: "POST", headers: { "x-fake-behaviour": behaviour }, body: JSON.stringify(hello) })).text();
    const res = await fetch(`${t.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "x-goog-api-key": tenant.key.key, "x-fake-behaviour": behaviour },
      body: JSON.stringify(hello),
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const viaHub = await res.text();
    expect(viaHub).toContain("\r\n\r\n");
    const normalise = (s: string) => s.replace(/"(responseId|thoughtSignature)":"[^"]*"/g, '"$1":"X"');
    expect(normalise(viaHub)).toBe(normalise(direct));
  });

  it("passes countTokens through without billing it", async () => {
    fake.enqueue({ countTokens: 321 });
    const count = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: "how many?" });
    expect(count.totalTokens).toBe(321);
    expect(fake.requests[0].path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, model: "gemini-2.5-flash", costUsd: null });
    expect(await t.hub.db.prisma.usageLedger.count({ where: { requestId: log.requestId } })).toBe(0);
  });

  it("passes a function call through", async () => {
    fake.enqueue({ text: "", toolCall: { name: "get_weather", input: { city: "Paris", days: 3 } } });
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "weather in Paris?",
      config: {
        tools: [{ functionDeclarations: [{ name: "get_weather", description: "weather", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } } }] }],
      },
    });
    expect(response.functionCalls).toEqual([expect.objectContaining({ name: "get_weather", args: { city: "Paris", days: 3 } })]);
    expect(fake.requests[0].json).toMatchObject({ tools: [{ functionDeclarations: [{ name: "get_weather" }] }] });
  });

  it("relays an upstream 429 in Google's envelope", async () => {
    // The default behaviour (not a queued one), so that any retry by the hub sees the 429 too.
    fake.setDefault({ kind: "status", status: 429, retryAfter: "0" });
    const client = new GoogleGenAI({ apiKey: single.key.key, httpOptions: { baseUrl: t.url } });
    const error = await client.models.generateContent({ model: "gemini-2.5-flash", contents: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain("RESOURCE_EXHAUSTED");

    fake.setDefault({ kind: "status", status: 429, retryAfter: "12" });
    const raw = await post("/v1beta/models/gemini-2.5-flash:generateContent", hello, { "x-goog-api-key": single.key.key });
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).toBe("12");
    const json = (await raw.json()) as { error: { code: number; status: string; details: unknown[] } };
    expect(json.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(json.error.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "12s" });
  });

  it("sends the provider's key as x-goog-api-key and never the hub key, neither as a header nor as ?key=", async () => {
    await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "x" });
    const viaQuery = await fetch(`${t.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=${encodeURIComponent(tenant.key.key)}&alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(hello),
    });
    expect(viaQuery.status).toBe(200);
    await viaQuery.text();
    expect(fake.requests).toHaveLength(2);
    for (const seen of fake.requests) {
      expect(seen.headers["x-goog-api-key"]).toBe(tenant.upstreamKey);
      expect(seen.headers.authorization).toBeUndefined();
      expect(seen.query.key).toBeUndefined();
      expect(JSON.stringify(seen)).not.toContain(tenant.key.key);
    }
    expect(fake.requests[1].query).toEqual({ alt: "sse" });
  });

  it("streams a JSON array when alt=sse is absent, and bills it", async () => {
    fake.enqueue({ text: "array stream", chunks: 3, usage: { inputTokens: 40, outputTokens: 12, cacheReadTokens: 8 } });
    const res = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", hello);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const chunks = (await res.json()) as Array<{ candidates: Array<{ content: { parts: Array<{ text: string }> }; finishReason?: string }> }>;
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text).join("")).toBe("array stream");
    expect(chunks.at(-1)!.candidates[0].finishReason).toBe("STOP");
    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, isStream: true, inputTokens: 40, outputTokens: 12, cacheReadTokens: 8 });
    expect(log.costUsd).toBeCloseTo(40 * FLASH.input + 12 * FLASH.output + 8 * FLASH.read, 12);
  });

  it("rewrites the model in the path when the provider redirects it", async () => {
    const s = await seedTenant(t, fake.url, {
      providerType: "gemini",
      user: { providerGroup: "redirect" },
      provider: { groupTag: "redirect", modelRedirects: [{ match: "exact", pattern: "gemini-latest", target: "gemini-2.5-flash" }] },
    });
    const client = new GoogleGenAI({ apiKey: s.key.key, httpOptions: { baseUrl: t.url } });
    await client.models.generateContent({ model: "gemini-latest", contents: "x" });
    expect(fake.requests[0].path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(await lastLog()).toMatchObject({ model: "gemini-latest", redirectedModel: "gemini-2.5-flash" });
  });
});

describe("Gemini faults, answered in Google's envelope", () => {
  it("refuses a missing hub key and malformed JSON in Google's envelope", async () => {
    const missing = await post("/v1beta/models/gemini-2.5-flash:generateContent", hello, {});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    const res = await fetch(`${t.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: "POST", headers: { "x-goog-api-key": tenant.key.key }, body: '{"contents": [' });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { details: Array<{ requestId?: string }> } };
    expect(json).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
    expect(json.error.details[0].requestId).toBe(res.headers.get("x-request-id"));
    expect(fake.requests).toHaveLength(0);
  });

  it("does not pass off a 200 with an error body as a success", async () => {
    fake.setDefault({ kind: "fake-200", message: "project suspended" });
    const res = await post("/v1beta/models/gemini-2.5-flash:generateContent", hello, { "x-goog-api-key": single.key.key });
    expect(res.status).toBe(502);
    // Verbose errors are off and pass-through on by default: the upstream's words, not the hub's detail.
    expect(await res.json()).toMatchObject({ error: { code: 502, status: "UNAVAILABLE", message: "project suspended" } });
  });

  it("ends an SSE stream that breaks after the first byte with a CRLF-framed error chunk", async () => {
    fake.enqueue({ kind: "reset-mid-stream", afterEvents: 2, chunks: 5 });
    const res = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", hello);
    expect(res.status).toBe(200);
    const events = (await res.text()).split("\r\n\r\n").filter(Boolean);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(events.at(-1)!.replace(/^data: /, ""))).toMatchObject({ error: { code: 502, status: "UNAVAILABLE" } });
  });
});

describe("Code Assist (Gemini CLI with Google login) through the hub", () => {
  let tokenServer: Server;
  let tokenRequests: URLSearchParams[];
  let codeAssist: Awaited<ReturnType<typeof seedTenant>>;

  beforeAll(async () => {
    tokenRequests = [];
    tokenServer = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        tokenRequests.push(new URLSearchParams(body));
        // Slow enough that concurrent requests overlap with the refresh.
        setTimeout(() => {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ access_token: "ya29.refreshed-by-hub", expires_in: 3599, token_type: "Bearer" }));
        }, 100);
      });
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
    const credential = {
      access_token: "ya29.expired",
      refresh_token: "1//refresh-token-of-test",
      client_id: "test-client.apps.googleusercontent.com",
      client_secret: "test-client-secret",
      expiry_date: Date.now() - 60_000,
      token_uri: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`,
    };
    codeAssist = await seedTenant(t, fake.url, {
      providerType: "gemini-cli",
      user: { providerGroup: "codeassist" },
      provider: { groupTag: "codeassist", key: JSON.stringify(credential) },
    });
  });

  afterAll(() => new Promise<void>((resolve) => tokenServer.close(() => resolve())));

  const wrapped = (model: string) => ({ model, project: "proj-1", user_prompt_id: "prompt-1", request: { ...hello, session_id: "cli-session-1" } });

  it("refreshes the expired OAuth token once for concurrent requests and relays wrapped answers", async () => {
    // Concurrent requests reach the fake in any order: each carries its own behaviour.
    const usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 50 };
    const headers = { authorization: `Bearer ${codeAssist.key.key}` };
    const [json, stream] = await Promise.all([
      post("/v1internal:generateContent", wrapped("gemini-2.5-pro"), { ...headers, "x-fake-behaviour": JSON.stringify({ text: "wrapped answer", usage }) }),
      post("/v1internal:streamGenerateContent?alt=sse", wrapped("gemini-2.5-pro"), {
        ...headers,
        "x-fake-behaviour": JSON.stringify({ text: "wrapped stream", chunks: 2, usage }),
      }),
    ]);
    expect(json.status).toBe(200);
    expect(stream.status).toBe(200);
    const body = (await json.json()) as { response: { candidates: Array<{ content: { parts: Array<{ text: string }> } }> }; traceId: string };
    expect(body.response.candidates[0].content.parts[0].text).toBe("wrapped answer");
    expect(body.traceId).toBeTruthy();
    const events = (await stream.text()).split("\r\n\r\n").filter(Boolean).map((e) => JSON.parse(e.replace(/^data: /, "")));
    expect(events.map((e) => e.response.candidates[0].content.parts[0].text).join("")).toBe("wrapped stream");

    expect(tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(tokenRequests[0])).toMatchObject({ grant_type: "refresh_token", refresh_token: "1//refresh-token-of-test", client_id: "test-client.apps.googleusercontent.com" });
    expect(fake.requests).toHaveLength(2);
    for (const seen of fake.requests) {
      expect(seen.headers.authorization).toBe("Bearer ya29.refreshed-by-hub");
      expect(seen.headers["x-goog-api-client"]).toBe("GeminiCLI/1.0");
      expect(seen.headers["x-goog-api-key"]).toBeUndefined();
      expect(JSON.stringify(seen)).not.toContain(codeAssist.key.key);
      expect(seen.json).toMatchObject({ model: "gemini-2.5-pro", project: "proj-1", request: { session_id: "cli-session-1" } });
    }

    await t.flushLogs();
    const { items } = await t.admin<{ items: LogItem[] }>("logs/list", { pageSize: 2 });
    for (const log of items) {
      expect(log).toMatchObject({ statusCode: 200, apiFormat: "gemini-cli", model: "gemini-2.5-pro", inputTokens: 100, outputTokens: 20, cacheReadTokens: 50 });
      expect(log.costUsd).toBeCloseTo(100 * PRO.input + 20 * PRO.output + 50 * PRO.read, 12);
    }
    expect(items.map((l) => l.isStream).sort()).toEqual([false, true]);
  });

  it("reuses the refreshed token and passes countTokens through unbilled", async () => {
    fake.enqueue({ countTokens: 17 });
    const res = await post("/v1internal:countTokens", { request: { model: "models/gemini-2.5-flash", contents: hello.contents } }, { "x-goog-api-key": codeAssist.key.key });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ totalTokens: 17 });
    expect(fake.requests[0].headers.authorization).toBe("Bearer ya29.refreshed-by-hub");
    expect(tokenRequests).toHaveLength(1);
    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, apiFormat: "gemini-cli", model: "gemini-2.5-flash", costUsd: null });
  });
});
