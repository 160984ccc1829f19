/**
 * Format conversion end to end (issue 8): official SDKs talk to a real hub whose only provider
 * speaks another format; the fake upstream answers in its own format, and what it received shows
 * the request was converted. Also: errors in the client's envelope, a broken upstream stream,
 * cost from converted usage, and same-format requests still byte-identical.
 */
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import WebSocket from "ws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_CODE_ASSIST_PROJECT, startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
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

let groups = 0;
/** A tenant in a group of its own whose only provider is of `providerType` (conversion on unless said otherwise). */
async function tenantOn(providerType: string, provider: Record<string, unknown> = {}) {
  const group = `conv-${++groups}`;
  const base = providerType === "gemini" || providerType === "gemini-cli" ? fake.url : `${fake.url}/v1`;
  return seedTenant(t, base, {
    providerType,
    user: { providerGroup: group },
    provider: { groupTag: group, allowFormatConversion: true, ...provider },
  });
}

interface LogRow {
  statusCode: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreation5mTokens: number;
  costUsd: number | null;
  errorType: string | null;
  errorMessage: string | null;
  conversion: string | null;
  decisionChain: {
    conversion?: { label: string; dropped: string[] };
    attempts: Array<{ conversion?: string }>;
  };
}

async function logOf(requestId: string | null | undefined): Promise<LogRow> {
  await t.flushLogs();
  return t.admin<LogRow>("logs/get", { requestId });
}

const weatherTool = {
  name: "get_weather",
  description: "Weather of a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

describe("Anthropic SDK on an openai-compatible provider", () => {
  it("runs a tool round, streaming, and bills the converted usage", async () => {
    const tenant = await tenantOn("openai-compatible");
    const client = new Anthropic({
      baseURL: t.url,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });

    fake.enqueue({
      text: "Let me look.",
      toolCall: { name: "get_weather", input: { city: "Paris" } },
      usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 1000 },
    });
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 500,
      tools: [weatherTool],
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((b) => b.type === "tool_use");
    expect(call).toMatchObject({
      name: "get_weather",
      input: { city: "Paris" },
    });
    expect(first.content.find((b) => b.type === "text")).toMatchObject({
      text: "Let me look.",
    });
    expect(first.usage).toMatchObject({
      input_tokens: 120,
      output_tokens: 30,
      cache_read_input_tokens: 1000,
    });

    // What the upstream got: a Chat Completions request with the tool as a function.
    const sent = fake.requests[0];
    expect(sent.path).toMatch(/\/v1\/chat\/completions$/);
    expect(sent.json).toMatchObject({
      model: "claude-sonnet-4-5",
      stream: true,
      tools: [{ type: "function", function: { name: "get_weather" } }],
    });

    const row = await logOf(stream.request_id ?? (await stream.withResponse()).response.headers.get("x-request-id"));
    expect(row).toMatchObject({
      statusCode: 200,
      conversion: "claude → openai-chat",
      inputTokens: 120,
      outputTokens: 30,
      cacheReadTokens: 1000,
    });
    expect(row.decisionChain.attempts[0].conversion).toBe("claude → openai-chat");

    // The tool result goes back as a Chat tool message with the same call id.
    fake.enqueue({ text: "Sunny, 21 °C." });
    const second = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 500,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: (call as { id: string }).id,
              content: "21 °C, sunny",
            },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: "Sunny, 21 °C.", citations: null }].map(({ citations: _c, ...b }) => expect.objectContaining(b)));
    const messages = (fake.requests[1].json as { messages: Array<Record<string, unknown>> }).messages;
    expect(messages.at(-1)).toMatchObject({
      role: "tool",
      tool_call_id: (call as { id: string }).id,
      content: "21 °C, sunny",
    });
  });
});

describe("Anthropic SDK on a gemini provider", () => {
  it("runs a tool round, streaming, and the tool result reaches Gemini as a functionResponse", async () => {
    const tenant = await tenantOn("gemini", {
      modelRedirects: [
        {
          match: "exact",
          pattern: "claude-sonnet-4-5",
          target: "gemini-2.5-flash",
        },
      ],
    });
    const client = new Anthropic({
      baseURL: t.url,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });

    fake.enqueue({
      text: "Checking.",
      toolCall: { name: "get_weather", input: { city: "Rome" } },
      usage: { inputTokens: 300, outputTokens: 40, cacheReadTokens: 200 },
    });
    const first = await client.messages
      .stream({
        model: "claude-sonnet-4-5",
        max_tokens: 500,
        tools: [weatherTool],
        messages: [{ role: "user", content: "Weather in Rome?" }],
      })
      .finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((b) => b.type === "tool_use") as {
      id: string;
      name: string;
      input: unknown;
    };
    expect(call).toMatchObject({
      name: "get_weather",
      input: { city: "Rome" },
    });
    expect(first.usage).toMatchObject({
      input_tokens: 300,
      output_tokens: 40,
      cache_read_input_tokens: 200,
    });
    // The redirect rule picked the Gemini model, which goes into the path; streaming over SSE.
    expect(fake.requests[0].path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(fake.requests[0].query).toEqual({ alt: "sse" });
    expect(fake.requests[0].json).toMatchObject({
      tools: [{ functionDeclarations: [{ name: "get_weather" }] }],
    });

    fake.enqueue({ text: "Warm: 25 °C." });
    const second = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 500,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Rome?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: call.id, content: "25 °C" }],
        },
      ],
    });
    expect(second.content[0]).toMatchObject({
      type: "text",
      text: "Warm: 25 °C.",
    });
    const contents = (
      fake.requests[1].json as {
        contents: Array<{
          role: string;
          parts: Array<Record<string, unknown>>;
        }>;
      }
    ).contents;
    expect(contents.at(-1)!.parts[0]).toMatchObject({
      functionResponse: { name: "get_weather" },
    });
    expect(fake.requests[1].path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
  });
});

describe("openai SDK on a claude provider", () => {
  it("Chat Completions: a tool round, JSON and streaming", async () => {
    const tenant = await tenantOn("claude");
    const client = new OpenAI({
      baseURL: `${t.url}/v1`,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });
    const tools = [
      {
        type: "function" as const,
        function: { name: "get_weather", parameters: weatherTool.input_schema },
      },
    ];

    fake.enqueue({
      text: "",
      toolCall: { name: "get_weather", input: { city: "Oslo" } },
    });
    const first = await client.chat.completions.create({
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools,
    });
    expect(first.choices[0].finish_reason).toBe("tool_calls");
    const call = first.choices[0].message.tool_calls![0] as {
      id: string;
      function: { name: string; arguments: string };
    };
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Oslo" });
    expect(fake.requests[0].path).toMatch(/\/v1\/messages$/);
    expect(fake.requests[0].json).toMatchObject({
      model: "claude-haiku-4-5",
      tools: [{ name: "get_weather" }],
    });
    // Anthropic needs its version header; the OpenAI SDK never sends one.
    expect(fake.requests[0].headers["anthropic-version"]).toBeTruthy();

    fake.enqueue({
      text: "Cold: -3 °C.",
      chunks: 3,
      usage: { inputTokens: 50, outputTokens: 7, cacheReadTokens: 500 },
    });
    const stream = await client.chat.completions.create({
      model: "claude-haiku-4-5",
      stream: true,
      stream_options: { include_usage: true },
      tools,
      messages: [
        { role: "user", content: "Weather in Oslo?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [call as OpenAI.Chat.ChatCompletionMessageToolCall],
        },
        { role: "tool", tool_call_id: call.id, content: "-3 °C" },
      ],
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Cold: -3 °C.");
    expect(usage).toMatchObject({
      prompt_tokens: 550,
      completion_tokens: 7,
      prompt_tokens_details: { cached_tokens: 500 },
    });
    const sent = fake.requests[1].json as {
      messages: Array<{
        role: string;
        content: Array<Record<string, unknown>>;
      }>;
    };
    expect(sent.messages.at(-1)!.content[0]).toMatchObject({
      type: "tool_result",
      tool_use_id: call.id,
    });
  });

  it("Responses: a tool round, JSON and streaming", async () => {
    const tenant = await tenantOn("claude");
    const client = new OpenAI({
      baseURL: `${t.url}/v1`,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });
    const tools = [
      {
        type: "function" as const,
        name: "get_weather",
        parameters: weatherTool.input_schema,
        strict: false,
      },
    ];

    fake.enqueue({
      text: "Looking.",
      toolCall: { name: "get_weather", input: { city: "Lima" } },
    });
    const first = await client.responses.create({
      model: "claude-haiku-4-5",
      instructions: "Be brief.",
      input: "Weather in Lima?",
      tools,
    });
    const call = first.output.find((item) => item.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ name: "get_weather" });
    expect(JSON.parse(call.arguments)).toEqual({ city: "Lima" });
    expect(first.output_text).toBe("Looking.");
    expect(fake.requests[0].json).toMatchObject({ system: "Be brief." });

    fake.enqueue({ text: "Mild.", chunks: 2 });
    const stream = client.responses.stream({
      model: "claude-haiku-4-5",
      tools,
      input: [
        { role: "user", content: "Weather in Lima?" },
        {
          type: "function_call",
          call_id: call.call_id,
          name: call.name,
          arguments: call.arguments,
        },
        {
          type: "function_call_output",
          call_id: call.call_id,
          output: "18 °C",
        },
      ],
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("Mild.");
    expect(final.status).toBe("completed");
    const sent = fake.requests[1].json as {
      messages: Array<{
        role: string;
        content: Array<Record<string, unknown>>;
      }>;
    };
    expect(sent.messages.at(-1)!.content[0]).toMatchObject({
      type: "tool_result",
      tool_use_id: call.call_id,
      content: "18 °C",
    });
  });

  it("Responses over the WebSocket transport", async () => {
    const tenant = await tenantOn("claude");
    fake.enqueue({
      text: "over the socket",
      chunks: 2,
      usage: { inputTokens: 40, outputTokens: 6 },
    });
    const ws = new WebSocket(`${t.url.replace("http", "ws")}/v1/responses`, {
      headers: { authorization: `Bearer ${tenant.key.key}` },
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    try {
      const events = await new Promise<Array<Record<string, unknown>>>((resolve) => {
        const seen: Array<Record<string, unknown>> = [];
        const onMessage = (data: WebSocket.RawData) => {
          const event = JSON.parse(data.toString()) as Record<string, unknown>;
          seen.push(event);
          if (["response.completed", "response.failed", "error"].includes(String(event.type))) {
            ws.off("message", onMessage);
            resolve(seen);
          }
        };
        ws.on("message", onMessage);
        ws.send(
          JSON.stringify({
            type: "response.create",
            model: "claude-haiku-4-5",
            store: false,
            input: [
              {
                type: "message",
                role: "user",
                content: [{ type: "input_text", text: "hi" }],
              },
            ],
          })
        );
      });
      expect(events[0].type).toBe("response.created");
      expect(events.at(-1)!.type).toBe("response.completed");
      expect(
        events
          .filter((e) => e.type === "response.output_text.delta")
          .map((e) => e.delta)
          .join("")
      ).toBe("over the socket");
      expect(fake.requests[0].path).toMatch(/\/v1\/messages$/);

      // An incremental turn (previous_response_id + the new input only): the Claude upstream gets the whole conversation.
      fake.enqueue({ text: "second answer" });
      const previous = (events.at(-1)!.response as { id: string }).id;
      const second = await new Promise<Array<Record<string, unknown>>>((resolve) => {
        const seen: Array<Record<string, unknown>> = [];
        const onMessage = (data: WebSocket.RawData) => {
          const event = JSON.parse(data.toString()) as Record<string, unknown>;
          seen.push(event);
          if (["response.completed", "response.failed", "error"].includes(String(event.type))) {
            ws.off("message", onMessage);
            resolve(seen);
          }
        };
        ws.on("message", onMessage);
        ws.send(JSON.stringify({ type: "response.create", model: "claude-haiku-4-5", store: false, previous_response_id: previous, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "and then?" }] }] }));
      });
      expect(second.at(-1)!.type).toBe("response.completed");
      const messages = (fake.requests[1].json as { messages: Array<{ role: string }> }).messages;
      expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    } finally {
      ws.close();
    }
  });
});

describe("@google/genai on a claude provider", () => {
  it("generateContent with a function call, and a stream", async () => {
    const tenant = await tenantOn("claude");
    const ai = new GoogleGenAI({
      apiKey: tenant.key.key,
      httpOptions: { baseUrl: t.url },
    });
    fake.enqueue({
      text: "",
      toolCall: { name: "get_weather", input: { city: "Kyiv" } },
      usage: { inputTokens: 70, outputTokens: 12 },
    });
    const response = await ai.models.generateContent({
      model: "claude-haiku-4-5",
      contents: "Weather in Kyiv?",
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: "get_weather",
                parametersJsonSchema: weatherTool.input_schema,
              },
            ],
          },
        ],
      },
    });
    expect(response.functionCalls?.[0]).toMatchObject({
      name: "get_weather",
      args: { city: "Kyiv" },
    });
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 70,
      candidatesTokenCount: 12,
    });
    expect(fake.requests[0].json).toMatchObject({
      model: "claude-haiku-4-5",
      tools: [{ name: "get_weather" }],
    });

    fake.enqueue({ text: "one two three", chunks: 3 });
    const stream = await ai.models.generateContentStream({
      model: "claude-haiku-4-5",
      contents: "count",
    });
    let text = "";
    for await (const chunk of stream) text += chunk.text ?? "";
    expect(text).toBe("one two three");
    expect(fake.requests[1].json).toMatchObject({ stream: true });
  });
});

describe("faults and billing on converted requests", () => {
  it("an upstream error reaches the client in its own envelope with the upstream's status", async () => {
    const tenant = await tenantOn("openai-compatible", { maxRetryAttempts: 1 });
    const client = new Anthropic({
      baseURL: t.url,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });
    fake.enqueue({
      kind: "status",
      status: 429,
      message: "Slow down, please.",
    });
    const error = await client.messages
      .create({
        model: "claude-haiku-4-5",
        max_tokens: 50,
        messages: [{ role: "user", content: "hi" }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      error: {
        type: "error",
        error: { type: "rate_limit_error", message: "Slow down, please." },
      },
    });
  });

  it("a feature the upstream cannot express is a 400 naming it and the provider type; nothing is sent", async () => {
    const tenant = await tenantOn("openai-compatible");
    const client = new Anthropic({
      baseURL: t.url,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });
    const error = await client.messages
      .create({
        model: "claude-haiku-4-5",
        max_tokens: 50,
        messages: [
          {
            role: "user",
            content: [
              {
                type: "document",
                source: { type: "url", url: "https://example.com/report.pdf" },
              },
              { type: "text", text: "Summarise" },
            ],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as { message: string }).message).toMatch(/document.*openai-compatible/i);
    expect(fake.requests).toHaveLength(0);
  });

  it("a stream the upstream breaks off ends with the client's error event, and the log says why", async () => {
    const tenant = await tenantOn("openai-compatible", { maxRetryAttempts: 1 });
    const client = new Anthropic({
      baseURL: t.url,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });
    fake.enqueue({
      kind: "reset-mid-stream",
      afterEvents: 3,
      text: "a long answer that breaks",
      chunks: 5,
    });
    const stream = client.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/api_error|broke off|error/i);
    const requestId = (await stream.withResponse()).response.headers.get("x-request-id");
    const row = await logOf(requestId);
    expect(row.conversion).toBe("claude → openai-chat");
    expect(row.errorType).toBeTruthy();
    expect(row.errorMessage).toBeTruthy();
  });

  it("an upstream stream without its terminal event ends with the client's error event", async () => {
    // Gemini's last chunk carries finishReason; a stream without it was cut short.
    const tenant = await tenantOn("gemini", { maxRetryAttempts: 1 });
    fake.enqueue({ kind: "truncated-stream", text: "cut short", chunks: 2 });
    const res = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": tenant.key.key,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 50,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain("event: message_start");
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    expect(text).not.toContain("event: message_stop");
    const row = await logOf(res.headers.get("x-request-id"));
    expect(row.errorMessage).toMatch(/stream/);
  });

  it("bills a converted request exactly as the same usage through a native provider", async () => {
    const usage = {
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadTokens: 5000,
    };
    const native = await tenantOn("claude");
    const converted = await tenantOn("openai-compatible");
    const ask = async (key: string) => {
      fake.enqueue({ usage });
      const res = await fetch(`${t.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 300,
          messages: [{ role: "user", content: "price me" }],
        }),
      });
      await res.text();
      return logOf(res.headers.get("x-request-id"));
    };
    const a = await ask(native.key.key);
    const b = await ask(converted.key.key);
    expect(b.conversion).toBe("claude → openai-chat");
    expect(a.conversion).toBeNull();
    expect(b).toMatchObject({
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadTokens: 5000,
    });
    expect(a.costUsd).toBeGreaterThan(0);
    expect(b.costUsd).toBe(a.costUsd);
  });
});

describe("same-format requests beside converting providers", () => {
  it("go to the native provider at the same priority, byte for byte as the client sent them", async () => {
    const group = `conv-mixed-${++groups}`;
    const tenant = await seedTenant(t, `${fake.url}/v1`, {
      providerType: "claude",
      user: { providerGroup: group },
      provider: { groupTag: group, weight: 1 },
    });
    await seedTenant(t, `${fake.url}/v1`, {
      providerType: "openai-compatible",
      provider: { groupTag: group, weight: 100, allowFormatConversion: true },
    });
    // Odd spacing and key order: a re-serialised body would not keep them.
    const body = `{ "max_tokens":50,  "model":"claude-haiku-4-5","messages":[{"role":"user","content":"exact \u00e9"}] }`;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${t.url}/v1/messages`, {
        method: "POST",
        headers: {
          "x-api-key": tenant.key.key,
          "content-type": "application/json",
        },
        body,
      });
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(fake.requests.map((r) => r.path)).toEqual(Array(5).fill("/v1/messages"));
    for (const request of fake.requests) expect(request.body.toString()).toBe(body);
  });

  it("a provider with conversion off is not used for another format", async () => {
    const tenant = await tenantOn("openai-compatible", {
      allowFormatConversion: false,
    });
    const res = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": tenant.key.key,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 50,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(res.status).toBe(503);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("token counts and model lists across formats", () => {
  it("count_tokens on a gemini provider asks Gemini's countTokens; on an openai-compatible one the hub estimates", async () => {
    const gemini = await tenantOn("gemini");
    const client = new Anthropic({
      baseURL: t.url,
      apiKey: gemini.key.key,
      maxRetries: 0,
    });
    fake.enqueue({ countTokens: 4321 });
    const counted = await client.messages.countTokens({
      model: "gemini-2.5-flash",
      system: "Be brief.",
      tools: [weatherTool],
      messages: [{ role: "user", content: "hello" }],
    });
    expect(counted.input_tokens).toBe(4321);
    expect(fake.requests[0].path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
    expect(fake.requests[0].json).toMatchObject({
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        systemInstruction: { parts: [{ text: "Be brief." }] },
      },
    });

    const chat = await tenantOn("openai-compatible");
    const estimating = new Anthropic({
      baseURL: t.url,
      apiKey: chat.key.key,
      maxRetries: 0,
    });
    const text = "word ".repeat(400); // 2000 characters
    const estimate = await estimating.messages.countTokens({
      model: "gpt-4o",
      messages: [{ role: "user", content: text }],
    });
    expect(estimate.input_tokens).toBe(500);
    expect(fake.requests).toHaveLength(1); // nothing sent upstream for the estimate
  });

  it("Gemini countTokens on a claude provider asks Anthropic's count_tokens", async () => {
    const tenant = await tenantOn("claude");
    const ai = new GoogleGenAI({
      apiKey: tenant.key.key,
      httpOptions: { baseUrl: t.url },
    });
    fake.enqueue({ countTokens: 77 });
    const counted = await ai.models.countTokens({
      model: "claude-haiku-4-5",
      contents: "how many?",
    });
    expect(counted.totalTokens).toBe(77);
    expect(fake.requests[0].path).toMatch(/\/v1\/messages\/count_tokens$/);
    expect(fake.requests[0].json).toMatchObject({
      model: "claude-haiku-4-5",
      messages: [{ role: "user" }],
    });
    expect((fake.requests[0].json as Record<string, unknown>).max_tokens).toBeUndefined();
  });

  it("/v1beta/models lists the models of providers that serve Gemini clients through conversion", async () => {
    const tenant = await tenantOn("claude", {
      allowedModels: [{ match: "exact", pattern: "claude-haiku-4-5" }],
    });
    const ai = new GoogleGenAI({
      apiKey: tenant.key.key,
      httpOptions: { baseUrl: t.url },
    });
    const names: string[] = [];
    for await (const m of await ai.models.list()) names.push(m.name ?? "");
    expect(names).toEqual(["models/claude-haiku-4-5"]);
  });
});

describe("failover, notes and Codex instructions on converted requests", () => {
  it("a failover to a provider of yet another format encodes the request again", async () => {
    const group = `conv-failover-${++groups}`;
    const tenant = await seedTenant(t, `${fake.url}/v1`, {
      providerType: "openai-compatible",
      user: { providerGroup: group },
      provider: { groupTag: group, priority: 0, maxRetryAttempts: 1 },
    });
    await seedTenant(t, fake.url, {
      providerType: "gemini",
      provider: { groupTag: group, priority: 1, allowFormatConversion: true },
    });
    fake.enqueue({ kind: "status", status: 503 }, { text: "from gemini" });
    const client = new Anthropic({
      baseURL: t.url,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });
    const { data: message, response } = await client.messages
      .create({
        model: "gemini-2.5-flash",
        max_tokens: 50,
        messages: [{ role: "user", content: "hi" }],
      })
      .withResponse();
    expect(message.content[0]).toMatchObject({
      type: "text",
      text: "from gemini",
    });
    expect(fake.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1beta/models/gemini-2.5-flash:generateContent"]);
    const row = await logOf(response.headers.get("x-request-id"));
    expect(row.conversion).toBe("claude → gemini");
    expect(row.decisionChain.attempts.map((a) => a.conversion)).toEqual(["claude → openai-chat", "claude → gemini"]);
  });

  it("features dropped because the target cannot say them are noted in the decision chain", async () => {
    const tenant = await tenantOn("gemini");
    const client = new Anthropic({
      baseURL: t.url,
      apiKey: tenant.key.key,
      maxRetries: 0,
    });
    fake.enqueue({ text: "ok" });
    const { response } = await client.messages
      .create({
        model: "gemini-2.5-flash",
        max_tokens: 50,
        system: [
          {
            type: "text",
            text: "A long, cached system prompt.",
            cache_control: { type: "ephemeral" },
          },
        ],
        messages: [{ role: "user", content: "hi" }],
      })
      .withResponse();
    const row = await logOf(response.headers.get("x-request-id"));
    expect(row.decisionChain.conversion?.label).toBe("claude → gemini");
    expect(row.decisionChain.conversion?.dropped.join("\n")).toMatch(/cache/i);
  });

  it("a request converted for ChatGPT's Codex backend loses the parameters that backend refuses, noted", async () => {
    const group = `conv-chatgpt-${++groups}`;
    const tenant = await seedTenant(t, `${fake.url}/backend-api/codex`, { providerType: "codex", user: { providerGroup: group }, provider: { groupTag: group, allowFormatConversion: true } });
    fake.enqueue({ text: "ok" });
    const { response } = await new Anthropic({ baseURL: t.url, apiKey: tenant.key.key, maxRetries: 0 }).messages
      .create({ model: "gpt-5", max_tokens: 500, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const sent = fake.requests[0].json as Record<string, unknown>;
    expect(sent).toMatchObject({ model: "gpt-5", store: false });
    expect(sent).not.toHaveProperty("max_output_tokens");
    const row = await logOf(response.headers.get("x-request-id"));
    expect(row.decisionChain.conversion?.dropped.join("\n")).toMatch(/max_output_tokens.*Codex backend/);
  });

  it("a request converted for a codex provider gets the instructions its strategy says", async () => {
    const auto = await tenantOn("codex");
    fake.enqueue({ text: "ok" });
    await new Anthropic({
      baseURL: t.url,
      apiKey: auto.key.key,
      maxRetries: 0,
    }).messages.create({
      model: "gpt-5",
      max_tokens: 50,
      system: "Client rules.",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(fake.requests[0].json).toMatchObject({
      instructions: "Client rules.",
    });

    const custom = await tenantOn("codex", {
      codexInstructionsStrategy: "custom",
      codexInstructions: "Admin rules.",
    });
    fake.enqueue({ text: "ok" });
    await new Anthropic({
      baseURL: t.url,
      apiKey: custom.key.key,
      maxRetries: 0,
    }).messages.create({
      model: "gpt-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(fake.requests[1].json).toMatchObject({
      instructions: "Admin rules.",
    });
  });
});

describe("Anthropic SDK on a gemini-cli (Code Assist) provider", () => {
  it("discovers the account's project once with loadCodeAssist and sends it with every converted request", async () => {
    // A token that is still valid: no refresh (and no token server) is needed.
    const credential = { access_token: "ya29.valid", refresh_token: "1//r", client_id: "c", client_secret: "s", expiry_date: Date.now() + 3_600_000, token_uri: "http://127.0.0.1:9/token" };
    const tenant = await tenantOn("gemini-cli", { key: JSON.stringify(credential) });
    const client = new Anthropic({ baseURL: t.url, apiKey: tenant.key.key, maxRetries: 0 });
    fake.enqueue({ text: "from code assist" }, { text: "again", chunks: 2 });
    const first = await client.messages.create({ model: "gemini-2.5-pro", max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
    expect(first.content[0]).toMatchObject({ type: "text", text: "from code assist" });
    const second = await client.messages.stream({ model: "gemini-2.5-pro", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }).finalMessage();
    expect(second.content[0]).toMatchObject({ type: "text", text: "again" });

    expect(fake.requests.map((r) => r.path)).toEqual(["/v1internal:loadCodeAssist", "/v1internal:generateContent", "/v1internal:streamGenerateContent"]);
    expect(fake.requests[0].headers.authorization).toBe("Bearer ya29.valid");
    for (const r of fake.requests.slice(1)) expect(r.json).toMatchObject({ project: FAKE_CODE_ASSIST_PROJECT, model: "gemini-2.5-pro", request: { contents: [{ role: "user" }] } });
  });
});

describe("the provider setting", () => {
  it("is on by default for new openai-compatible providers only, and the admin can change it", async () => {
    const created = async (providerType: string, extra: Record<string, unknown> = {}) =>
      t.admin<{ id: number; allowFormatConversion: boolean }>("providers/create", { name: `setting-${providerType}-${++groups}`, url: fake.url, key: "k", providerType, ...extra });
    expect((await created("openai-compatible")).allowFormatConversion).toBe(true);
    for (const type of ["claude", "claude-auth", "codex", "gemini"]) expect((await created(type)).allowFormatConversion).toBe(false);
    const off = await created("openai-compatible", { allowFormatConversion: false });
    expect(off.allowFormatConversion).toBe(false);
    const updated = await t.admin<{ allowFormatConversion: boolean }>("providers/update", { id: off.id, allowFormatConversion: true });
    expect(updated.allowFormatConversion).toBe(true);
  });
});

describe("a Gemini client streaming without alt=sse", () => {
  it("gets a JSON array of chunks from a converted stream", async () => {
    const tenant = await tenantOn("claude");
    fake.enqueue({ text: "array of chunks", chunks: 3, usage: { inputTokens: 9, outputTokens: 4 } });
    const res = await fetch(`${t.url}/v1beta/models/claude-haiku-4-5:streamGenerateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": tenant.key.key, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const chunks = (await res.json()) as Array<{ candidates?: Array<{ content?: { parts?: Array<{ text?: string }> }; finishReason?: string }>; usageMetadata?: Record<string, number> }>;
    expect(chunks.map((c) => c.candidates?.[0]?.content?.parts?.map((p) => p.text ?? "").join("") ?? "").join("")).toBe("array of chunks");
    expect(chunks.at(-1)!.candidates?.[0]?.finishReason).toBe("STOP");
    expect(chunks.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: 9, candidatesTokenCount: 4 });
    expect(fake.requests[0].json).toMatchObject({ stream: true });
  });
});
