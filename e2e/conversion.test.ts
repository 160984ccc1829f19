/**
 * Format conversion end to end (issue 8): official SDKs talk to a real hub whose only provider
 * speaks another format; the fake upstream answers in its own format, and what it received shows
 * the request was converted. Also: errors in the client's envelope, a broken upstream stream,
 * cost from converted usage, and same-format requests still byte-identical.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
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
  return seedTenant(t, base, { providerType, user: { providerGroup: group }, provider: { groupTag: group, allowFormatConversion: true, ...provider } });
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
  decisionChain: { conversion?: { label: string; dropped: string[] }; attempts: Array<{ conversion?: string }> };
}

async function logOf(requestId: string | null | undefined): Promise<LogRow> {
  await t.flushLogs();
  return t.admin<LogRow>("logs/get", { requestId });
}

const weatherTool = {
  name: "get_weather",
  description: "Weather of a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

describe("Anthropic SDK on an openai-compatible provider", () => {
  it("runs a tool round, streaming, and bills the converted usage", async () => {
    const tenant = await tenantOn("openai-compatible");
    const client = new Anthropic({ baseURL: t.url, apiKey: tenant.key.key, maxRetries: 0 });

    fake.enqueue({ text: "Let me look.", toolCall: { name: "get_weather", input: { city: "Paris" } }, usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 1000 } });
    const stream = client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 500, tools: [weatherTool], messages: [{ role: "user", content: "Weather in Paris?" }] });
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((b) => b.type === "tool_use");
    expect(call).toMatchObject({ name: "get_weather", input: { city: "Paris" } });
    expect(first.content.find((b) => b.type === "text")).toMatchObject({ text: "Let me look." });
    expect(first.usage).toMatchObject({ input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 1000 });

    // What the upstream got: a Chat Completions request with the tool as a function.
    const sent = fake.requests[0];
    expect(sent.path).toMatch(/\/v1\/chat\/completions$/);
    expect(sent.json).toMatchObject({ model: "claude-sonnet-4-5", stream: true, tools: [{ type: "function", function: { name: "get_weather" } }] });

    const row = await logOf(stream.request_id ?? (await stream.withResponse()).response.headers.get("x-request-id"));
    expect(row).toMatchObject({ statusCode: 200, conversion: "claude → openai-chat", inputTokens: 120, outputTokens: 30, cacheReadTokens: 1000 });
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
        { role: "user", content: [{ type: "tool_result", tool_use_id: (call as { id: string }).id, content: "21 °C, sunny" }] },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: "Sunny, 21 °C.", citations: null }].map(({ citations: _c, ...b }) => expect.objectContaining(b)));
    const messages = (fake.requests[1].json as { messages: Array<Record<string, unknown>> }).messages;
    expect(messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: (call as { id: string }).id, content: "21 °C, sunny" });
  });
});
