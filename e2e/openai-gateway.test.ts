/**
 * OpenAI traffic end to end: the official openai SDK talks to a real hub (PostgreSQL, Redis,
 * HTTP over loopback), which talks to the fake upstream: Chat Completions through an
 * `openai-compatible` provider, the Responses API through a `codex` provider.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;
/** Its key is the one every test uses; its provider is the openai-compatible one. */
let chatTenant: Awaited<ReturnType<typeof seedTenant>>;
let codexTenant: Awaited<ReturnType<typeof seedTenant>>;
let client: OpenAI;

/** Priced in default-prices.ts: gpt-4o $2.50 in / $1.25 cached / $10 out, gpt-5 $1.25 / $0.125 / $10 per MTok. */
const CHAT_MODEL = "gpt-4o";
const RESPONSES_MODEL = "gpt-5";
const PER_MTOK = 1e-6;

interface LogItem {
  requestId: string;
  statusCode: number;
  endpoint: string;
  apiFormat: string;
  model: string | null;
  redirectedModel: string | null;
  responseModel: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreation5mTokens: number;
  cacheReadTokens: number;
  costUsd: number | null;
  providerName: string | null;
  errorType: string | null;
  isStream: boolean;
}

async function logFor(requestId: string): Promise<LogItem> {
  await t.flushLogs();
  return t.admin<LogItem>("logs/get", { requestId });
}

async function lastLog(): Promise<LogItem> {
  await t.flushLogs();
  const { items } = await t.admin<{ items: LogItem[] }>("logs/list", { pageSize: 1 });
  return items[0];
}

/** A raw POST with the tenant's key (for byte-level checks the SDK would hide). */
function post(path: string, body: string | object, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${chatTenant.key.key}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  chatTenant = await seedTenant(t, fake.url, { providerType: "openai-compatible" });
  // A base URL ending in /v1, as OpenAI's own is usually written: the path must not double it.
  codexTenant = await seedTenant(t, `${fake.url}/v1`, { providerType: "codex" });
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: chatTenant.key.key, maxRetries: 0 });
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

beforeEach(() => fake.reset());

describe("chat completions through an openai-compatible provider", () => {
  it("answers a JSON request and bills it with cached tokens out of the input", async () => {
    fake.enqueue({ text: "Hi from upstream", usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 4000 } });
    const { data, response } = await client.chat.completions
      .create({ model: CHAT_MODEL, messages: [{ role: "user", content: "hello" }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe("Hi from upstream");
    expect(data.usage).toMatchObject({ prompt_tokens: 5200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 4000 } });

    const log = await logFor(response.headers.get("x-request-id")!);
    expect(log).toMatchObject({
      statusCode: 200,
      endpoint: "/v1/chat/completions",
      apiFormat: "openai-chat",
      model: CHAT_MODEL,
      isStream: false,
      inputTokens: 1200,
      cacheReadTokens: 4000,
      outputTokens: 300,
      providerName: chatTenant.provider.name,
    });
    expect(log.costUsd).toBeCloseTo((1200 * 2.5 + 4000 * 1.25 + 300 * 10) * PER_MTOK, 9);
  });

  it("streams without a usage chunk when the client did not ask for one, yet bills the stream", async () => {
    fake.enqueue({ text: "streamed words here", chunks: 4, usage: { inputTokens: 40, outputTokens: 20, cacheReadTokens: 60 } });
    const stream = await client.chat.completions.create({ model: CHAT_MODEL, stream: true, messages: [{ role: "user", content: "hi" }] });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("streamed words here");
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.some((c) => "usage" in c)).toBe(false);

    // The hub asked for the usage the client did not.
    expect(fake.requests[0].json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, isStream: true, inputTokens: 40, cacheReadTokens: 60, outputTokens: 20, responseModel: CHAT_MODEL });
    expect(log.costUsd).toBeCloseTo((40 * 2.5 + 60 * 1.25 + 20 * 10) * PER_MTOK, 9);
  });

  it("gives the client the very bytes the upstream sends to a client that did not ask for usage", async () => {
    const behaviour = JSON.stringify({ text: "exact bytes please", chunks: 3, toolCall: { name: "lookup", input: { q: "x" } } });
    const body = JSON.stringify({ model: CHAT_MODEL, stream: true, messages: [{ role: "user", content: "x" }] });
    const direct = await (await fetch(`${fake.url}/v1/chat/completions`, { method: "POST", headers: { "x-fake-behaviour": behaviour }, body })).text();
    const viaHub = await (await post("/v1/chat/completions", body, { "x-fake-behaviour": behaviour })).text();
    const normalise = (s: string) => s.replace(/"(id|created)":("[^"]*"|\d+)/g, '"$1":"X"');
    expect(viaHub).not.toContain("usage");
    expect(normalise(viaHub)).toBe(normalise(direct));
  });

  it("passes the usage chunk through when the client asked for it, and sends its body unchanged", async () => {
    fake.enqueue({ text: "with usage", usage: { inputTokens: 10, outputTokens: 5 } });
    const body = `{"model":"${CHAT_MODEL}", "stream":true, "stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}`;
    const text = await (await post("/v1/chat/completions", body)).text();
    expect(fake.requests[0].body.toString()).toBe(body);
    const events = text.trim().split("\n\n").map((e) => e.slice("data: ".length));
    expect(events.at(-1)).toBe("[DONE]");
    expect(JSON.parse(events.at(-2)!)).toMatchObject({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 5 } });
    expect(JSON.parse(events[0])).toHaveProperty("usage", null);
    const log = await lastLog();
    expect(log).toMatchObject({ inputTokens: 10, outputTokens: 5 });
    expect(log.costUsd).toBeCloseTo((10 * 2.5 + 5 * 10) * PER_MTOK, 9);
  });

  it("streams a tool call that the SDK assembles", async () => {
    fake.enqueue({ text: "", toolCall: { name: "get_weather", input: { city: "Paris", days: 3 } } });
    const completion = await client.chat.completions
      .stream({
        model: CHAT_MODEL,
        messages: [{ role: "user", content: "weather?" }],
        tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      })
      .finalChatCompletion();
    expect(completion.choices[0].finish_reason).toBe("tool_calls");
    const call = completion.choices[0].message.tool_calls![0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris", days: 3 });
    expect(completion.usage).toBeUndefined();
  });

  it("authenticates upstream with the provider's key only", async () => {
    await client.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: "user", content: "x" }] });
    const seen = fake.requests[0];
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.headers.authorization).toBe(`Bearer ${chatTenant.upstreamKey}`);
    expect(seen.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(chatTenant.key.key);
  });

  it("rewrites only the model on a redirect, together with the usage request", async () => {
    const redirected = await seedTenant(t, fake.url, {
      providerType: "openai-compatible",
      user: { providerGroup: "redirect" },
      provider: { groupTag: "redirect", modelRedirects: [{ match: "exact", pattern: CHAT_MODEL, target: "gpt-4o-2024-11-20" }] },
    });
    const body = `{"model":"${CHAT_MODEL}","messages":[{"role":"user","content":"x"}],"stream":true}`;
    await (await post("/v1/chat/completions", body, { authorization: `Bearer ${redirected.key.key}` })).text();
    expect(fake.requests[0].body.toString()).toBe(`{"model":"gpt-4o-2024-11-20","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":true}}`);
    const log = await lastLog();
    expect(log).toMatchObject({ model: CHAT_MODEL, redirectedModel: "gpt-4o-2024-11-20", inputTokens: 25, outputTokens: 10 });
  });
});

describe("the Responses API through a codex provider", () => {
  const usage = { inputTokens: 1000, cacheReadTokens: 9000, outputTokens: 500, reasoningTokens: 200 };
  const expectedCost = (1000 * 1.25 + 9000 * 0.125 + 500 * 10) * PER_MTOK;

  it("answers a JSON request and bills it with cached tokens out of the input", async () => {
    fake.enqueue({ text: "Responses hello", usage });
    const { data, response } = await client.responses.create({ model: RESPONSES_MODEL, input: "hello" }).withResponse();
    expect(data.output_text).toBe("Responses hello");
    expect(data.usage).toMatchObject({ input_tokens: 10000, input_tokens_details: { cached_tokens: 9000 }, output_tokens: 500 });

    const seen = fake.requests[0];
    expect(seen.path).toBe("/v1/responses");
    expect(seen.headers.authorization).toBe(`Bearer ${codexTenant.upstreamKey}`);
    expect(JSON.stringify(seen.headers)).not.toContain(chatTenant.key.key);

    const log = await logFor(response.headers.get("x-request-id")!);
    expect(log).toMatchObject({
      statusCode: 200,
      endpoint: "/v1/responses",
      apiFormat: "openai-responses",
      model: RESPONSES_MODEL,
      isStream: false,
      inputTokens: 1000,
      cacheReadTokens: 9000,
      outputTokens: 500,
      providerName: codexTenant.provider.name,
    });
    expect(log.costUsd).toBeCloseTo(expectedCost, 9);
  });

  it("streams events that responses.stream() assembles, and bills from response.completed", async () => {
    fake.enqueue({ text: "one two three", chunks: 3, thinking: "let me think", usage });
    const stream = client.responses.stream({ model: RESPONSES_MODEL, input: "count", reasoning: { effort: "low", summary: "auto" } });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas).toHaveLength(3);
    expect(deltas.join("")).toBe("one two three");
    expect(final.status).toBe("completed");
    expect(final.output_text).toBe("one two three");
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "message"]);

    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, isStream: true, inputTokens: 1000, cacheReadTokens: 9000, outputTokens: 500, responseModel: RESPONSES_MODEL });
    expect(log.costUsd).toBeCloseTo(expectedCost, 9);
  });

  it("streams a function call with its complete arguments", async () => {
    fake.enqueue({ text: "", toolCall: { name: "exec_command", input: { cmd: "ls -la" } } });
    const events: string[] = [];
    const stream = await client.responses.create({
      model: RESPONSES_MODEL,
      input: "list files",
      stream: true,
      tools: [{ type: "function", name: "exec_command", strict: false, parameters: { type: "object", properties: { cmd: { type: "string" } } } }],
    });
    let done: OpenAI.Responses.ResponseOutputItemDoneEvent | undefined;
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === "response.output_item.done") done = event;
    }
    expect(events[0]).toBe("response.created");
    expect(events.at(-1)).toBe("response.completed");
    expect(events).toContain("response.function_call_arguments.delta");
    expect(done?.item).toMatchObject({ type: "function_call", name: "exec_command", arguments: JSON.stringify({ cmd: "ls -la" }) });
  });

  it("bills compaction from the usage the upstream reports (it runs the model)", async () => {
    fake.enqueue({ usage: { inputTokens: 3000, outputTokens: 800 } });
    const compacted = await client.responses.compact({
      model: RESPONSES_MODEL,
      input: [{ role: "user", content: "a long conversation" }],
    } as OpenAI.Responses.ResponseCompactParams);
    expect(compacted.output.at(-1)).toMatchObject({ type: "compaction" });
    expect(fake.requests[0].path).toBe("/v1/responses/compact");

    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, endpoint: "/v1/responses/compact", inputTokens: 3000, outputTokens: 800 });
    expect(Number(log.costUsd)).toBeGreaterThan(0);
    expect(await t.hub.db.prisma.usageLedger.count({ where: { requestId: log.requestId } })).toBe(1);
  });
});

describe("errors, in OpenAI's envelope", () => {
  const chatBody = { model: CHAT_MODEL, messages: [{ role: "user" as const, content: "x" }] };
  /** Faults get providers of their own, so that their breaker counts touch no other test. */
  let faults: OpenAI;

  beforeAll(async () => {
    const chat = await seedTenant(t, fake.url, { providerType: "openai-compatible", user: { providerGroup: "faults" }, provider: { groupTag: "faults", allowFormatConversion: false } });
    await seedTenant(t, fake.url, { providerType: "codex", user: { providerGroup: "faults" }, provider: { groupTag: "faults" } });
    faults = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: chat.key.key, maxRetries: 0 });
  });

  it("answers the hub's own refusals in OpenAI's envelope", async () => {
    const invalid = await post("/v1/chat/completions", '{"model":"gpt-4o","messages":[');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: { message: expect.stringContaining("not valid JSON"), type: "invalid_request_error", param: null, code: null } });

    const noKey = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: "sk-not-a-real-key", maxRetries: 0 });
    const error = await noKey.responses.create({ model: RESPONSES_MODEL, input: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: "authentication_error", code: "invalid_api_key", message: expect.stringContaining("Invalid API key") });
    expect(fake.requests).toHaveLength(0);
  });

  it("relays an upstream error status with the upstream's own envelope", async () => {
    // Every attempt (the hub retries a 429) gets the same answer.
    fake.setDefault({ kind: "status", status: 429, message: "Rate limit reached for requests. Please try again in 2s.", retryAfter: "0" });
    const error = await faults.chat.completions.create(chatBody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, type: "requests", code: "rate_limit_exceeded", message: expect.stringContaining("try again in 2s") });
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("0");

    fake.setDefault({ kind: "status", status: 400, code: "context_length_exceeded", message: "This model's maximum context length is 400000 tokens." });
    const tooLong = await faults.responses.create({ model: RESPONSES_MODEL, input: "x" }).catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ status: 400, type: "invalid_request_error", code: "context_length_exceeded" });
  });

  it("answers 502 when the upstream is unreachable", async () => {
    const dead = await seedTenant(t, "http://127.0.0.1:9", { providerType: "openai-compatible", user: { providerGroup: "dead" }, provider: { groupTag: "dead" } });
    const res = await post("/v1/chat/completions", chatBody, { authorization: `Bearer ${dead.key.key}` });
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body).toMatchObject({ error: { type: "server_error", code: "bad_gateway", param: null } });
    expect(JSON.stringify(body)).not.toContain(dead.upstreamKey);
  });

  it("does not pass off a 200 with an error body as a success", async () => {
    fake.setDefault({ kind: "fake-200", message: "upstream account suspended" });
    const error = await faults.chat.completions.create(chatBody).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, type: "server_error", message: "502 upstream account suspended" }); // pass-through is on by default: the upstream's words

    fake.setDefault({ kind: "fake-200", html: true });
    const html = await faults.responses.create({ model: RESPONSES_MODEL, input: "x" }).catch((e: unknown) => e);
    expect(html).toMatchObject({ status: 502, type: "server_error" });
    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 502, costUsd: null });
  });

  it("turns a response.failed before any output into an error status the client can retry", async () => {
    fake.setDefault({ kind: "stream-error", afterEvents: 2, code: "server_error", message: "The model crashed" });
    const error = await faults.responses.create({ model: RESPONSES_MODEL, input: "x", stream: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, message: expect.stringContaining("The model crashed") });
    // Retried first: a failure before any output costs the client nothing.
    expect(fake.requests.length).toBeGreaterThan(1);
  });

  it("relays a response.failed that arrives after the output began", async () => {
    fake.enqueue({ kind: "stream-error", afterEvents: 5, code: "rate_limit_exceeded", message: "Rate limit reached. Please try again in 3s." });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of await faults.responses.create({ model: RESPONSES_MODEL, input: "x", stream: true })) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "response.failed", response: { status: "failed", error: { code: "rate_limit_exceeded" } } });
    expect(events.some((e) => e.type === "response.output_text.delta")).toBe(true);
  });

  it("ends a chat stream that breaks after the first byte with an error event the SDK raises", async () => {
    fake.enqueue({ kind: "reset-mid-stream", afterEvents: 3, chunks: 6 });
    const stream = await faults.chat.completions.create({ ...chatBody, stream: true });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(received.join("").length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ type: "server_error", code: "bad_gateway", message: expect.stringContaining("broke off") });
    const log = await lastLog();
    expect(log).toMatchObject({ statusCode: 200, errorType: "network_error" });
  });

  it("ends a Responses stream that breaks after the first byte with response.failed", async () => {
    fake.enqueue({ kind: "reset-mid-stream", afterEvents: 5, chunks: 6 });
    const res = await post("/v1/responses", { model: RESPONSES_MODEL, input: "x", stream: true });
    expect(res.status).toBe(200);
    const last = (await res.text()).trimEnd().split("\n\n").at(-1)!;
    expect(last.split("\n")[0]).toBe("event: response.failed");
    expect(JSON.parse(last.split("\n")[1].slice("data: ".length))).toMatchObject({
      type: "response.failed",
      sequence_number: 5,
      response: { status: "failed", error: { code: "bad_gateway" }, output: [] },
    });
  });
});
