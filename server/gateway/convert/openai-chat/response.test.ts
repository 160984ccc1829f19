import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { summarizeOpenAiChatJson } from "../../formats/openai-chat/response.ts";
import type { Response } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { MalformedChatResponse, openAiChatCodec } from "./index.ts";

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
}

function ctxFor(body: Record<string, unknown>): EncodeContext {
  return { model: body.model as string, requestId: "req_0123abcd", includeUsage: false, sse: false, now: body.created as number };
}

/** The fields of a vendor body that the encoder does not produce (documented normalised form). */
function normalised(body: Record<string, unknown>) {
  const { service_tier: _tier, system_fingerprint: _fp, ...rest } = body;
  const choices = (rest.choices as Record<string, unknown>[]).map((choice) => {
    const { annotations: _annotations, ...message } = choice.message as Record<string, unknown>;
    return { ...choice, message: { refusal: null, ...message } };
  });
  return { ...rest, choices };
}

describe("decodeResponse: golden responses", () => {
  it("text with cached prompt tokens: input excludes the cached ones", () => {
    const expected: Response = {
      id: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
      model: "gpt-4o-2024-08-06",
      parts: [{ type: "text", text: "Paris is overcast at 14 °C, while Tokyo is clear at 22 °C." }],
      stopReason: "end_turn",
      usage: { inputTokens: 93, outputTokens: 46, cacheReadTokens: 1024, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
    };
    expect(openAiChatCodec.decodeResponse(fixture("response-text.json"))).toEqual(expected);
  });

  it("parallel tool calls", () => {
    const expected: Response = {
      id: "chatcmpl-C3nQx1bVhYp8Wd2LkJ0aS5tRzE7uF",
      model: "gpt-4.1-2025-04-14",
      parts: [
        { type: "tool_call", id: "call_Vq1Kx8bJcT0nE3", name: "get_weather", input: { city: "Paris", unit: "celsius" } },
        { type: "tool_call", id: "call_9mPzL2wQaR7yHd", name: "get_weather", input: { city: "Tokyo", unit: "celsius" } },
      ],
      stopReason: "tool_use",
      usage: { inputTokens: 82, outputTokens: 51, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
    };
    expect(openAiChatCodec.decodeResponse(fixture("response-tools.json"))).toEqual(expected);
  });

  it("DeepSeek reasoning_content becomes a thinking part ahead of the text; reasoning tokens stay inside output", () => {
    const response = openAiChatCodec.decodeResponse(fixture("response-reasoning.json"));
    expect(response.parts).toEqual([
      { type: "thinking", text: "Compare 9.11 and 9.8: the tenths digit 1 < 8, so 9.11 < 9.8.", origin: "openai-chat" },
      { type: "text", text: "9.11 is smaller than 9.8." },
    ]);
    expect(response.usage).toEqual({ inputTokens: 17, outputTokens: 210, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 196 });
  });

  it("usage agrees with the hub's billing parser for the same body", () => {
    for (const name of ["response-text.json", "response-tools.json", "response-reasoning.json"]) {
      const body = fixture(name);
      const billed = summarizeOpenAiChatJson(Buffer.from(JSON.stringify(body)), { defaultCacheTtl: "5m", usageInjected: false }).usage;
      const usage = openAiChatCodec.decodeResponse(body).usage;
      expect([usage.inputTokens, usage.outputTokens, usage.cacheReadTokens, usage.cacheWrite5mTokens]).toEqual([
        billed.inputTokens,
        billed.outputTokens,
        billed.cacheReadTokens,
        billed.cacheCreation5mTokens,
      ]);
    }
  });

  it("finish reasons", () => {
    const body = (finish: unknown, message: Record<string, unknown> = { role: "assistant", content: "x" }) => ({ id: "chatcmpl-1", model: "m", choices: [{ index: 0, message, finish_reason: finish }] });
    expect(openAiChatCodec.decodeResponse(body("length")).stopReason).toBe("max_tokens");
    expect(openAiChatCodec.decodeResponse(body("content_filter")).stopReason).toBe("content_filter");
    expect(openAiChatCodec.decodeResponse(body(null)).stopReason).toBe("end_turn");
    // A compatible server that says "stop" after tool calls still wants them run.
    const withCall = { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] };
    expect(openAiChatCodec.decodeResponse(body("stop", withCall)).stopReason).toBe("tool_use");
    const refusal = openAiChatCodec.decodeResponse(body("stop", { role: "assistant", content: null, refusal: "I can't help with that." }));
    expect(refusal.stopReason).toBe("refusal");
    expect(refusal.parts).toEqual([{ type: "text", text: "I can't help with that." }]);
  });

  it("bad tool-call JSON is kept raw", () => {
    const response = openAiChatCodec.decodeResponse({
      id: "chatcmpl-1",
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: '{"x":' } }] }, finish_reason: "tool_calls" }],
    });
    expect(response.parts).toEqual([{ type: "tool_call", id: "c", name: "f", input: { _raw: '{"x":' } }]);
  });

  it("an error body or a body without a message is a MalformedChatResponse", () => {
    expect(() => openAiChatCodec.decodeResponse({ error: { message: "boom", type: "server_error" } })).toThrow(MalformedChatResponse);
    expect(() => openAiChatCodec.decodeResponse({ id: "x", choices: [] })).toThrow(/no choices\[0\]\.message/);
  });
});

describe("encodeResponse", () => {
  it.each(["response-text.json", "response-tools.json"])("%s comes back as the vendor sent it (normalised form)", (name) => {
    const body = fixture(name);
    const encoded = openAiChatCodec.encodeResponse(openAiChatCodec.decodeResponse(body), ctxFor(body));
    expect(encoded).toEqual(normalised(body));
  });

  it("DeepSeek reasoning comes back as reasoning_content; the DeepSeek-only usage members are not repeated", () => {
    const body = fixture("response-reasoning.json");
    const encoded = openAiChatCodec.encodeResponse(openAiChatCodec.decodeResponse(body), ctxFor(body));
    expect((encoded.choices as Record<string, unknown>[])[0].message).toEqual({
      role: "assistant",
      content: "9.11 is smaller than 9.8.",
      reasoning_content: "Compare 9.11 and 9.8: the tenths digit 1 < 8, so 9.11 < 9.8.",
      refusal: null,
    });
    // Not a chatcmpl id upstream: one is made from the request id.
    expect(encoded.id).toBe("chatcmpl-0123abcd");
  });

  it("a Claude-like answer: text blocks joined, thinking to reasoning_content, cache writes inside prompt_tokens", () => {
    const response: Response = {
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      model: "claude-sonnet-4-5",
      parts: [
        { type: "thinking", text: "Need the file.", signature: "sig", origin: "claude" },
        { type: "text", text: "Let me look." },
        { type: "tool_call", id: "toolu_01A", name: "Read", input: { file_path: "/a.ts" } },
        { type: "text", text: "Reading now." },
      ],
      stopReason: "tool_use",
      usage: { inputTokens: 10, outputTokens: 70, cacheReadTokens: 2000, cacheWrite5mTokens: 300, cacheWrite1hTokens: 200 },
    };
    const encoded = openAiChatCodec.encodeResponse(response, { model: "claude-sonnet-4-5", requestId: "req_ff", includeUsage: false, sse: false, now: 1700000000 });
    expect(encoded).toEqual({
      id: "chatcmpl-ff",
      object: "chat.completion",
      created: 1700000000,
      model: "claude-sonnet-4-5",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Let me look.\n\nReading now.",
            reasoning_content: "Need the file.",
            tool_calls: [{ id: "toolu_01A", type: "function", function: { name: "Read", arguments: '{"file_path":"/a.ts"}' } }],
            refusal: null,
          },
          logprobs: null,
          finish_reason: "tool_calls",
        },
      ],
      usage: {
        prompt_tokens: 2510,
        completion_tokens: 70,
        total_tokens: 2580,
        prompt_tokens_details: { cached_tokens: 2000, audio_tokens: 0, cache_write_tokens: 500 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    });
    // The hub's own Chat parser reads the same disjoint buckets back (cost stays exact).
    const billed = summarizeOpenAiChatJson(Buffer.from(JSON.stringify(encoded)), { defaultCacheTtl: "5m", usageInjected: false }).usage;
    expect(billed).toMatchObject({ inputTokens: 10, cacheReadTokens: 2000, cacheCreation5mTokens: 500, outputTokens: 70 });
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["content_filter", "content_filter"],
    ["pause_turn", "stop"],
  ] as const)("stop reason %s → finish_reason %s", (stopReason, finish) => {
    const response: Response = { id: "x", model: "m", parts: [], stopReason, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } };
    const encoded = openAiChatCodec.encodeResponse(response, { model: "m", requestId: "req_1", includeUsage: false, sse: false, now: 1 });
    expect((encoded.choices as Record<string, unknown>[])[0].finish_reason).toBe(finish);
  });
});
