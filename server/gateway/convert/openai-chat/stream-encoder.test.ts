import { readFileSync } from "node:fs";
import OpenAI, { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { createOpenAiChatStreamTap } from "../../formats/openai-chat/response.ts";
import type { StreamEvent } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { openAiChatCodec } from "./index.ts";

type Raw = Record<string, unknown>;

function golden(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

function decodeAll(bytes: string): StreamEvent[] {
  const decoder = openAiChatCodec.createStreamDecoder();
  return [...decoder.push(Buffer.from(bytes)), ...decoder.end()];
}

function encodeAll(events: readonly StreamEvent[], ctx: EncodeContext): string {
  const encoder = openAiChatCodec.createStreamEncoder(ctx);
  return encoder.encode(events) + encoder.end();
}

/** The data of each event, parsed ("[DONE]" kept as text). */
function dataOf(stream: string): unknown[] {
  return stream
    .split("\n\n")
    .filter((event) => event !== "")
    .map((event) => {
      expect(event.startsWith("data: ")).toBe(true);
      const data = event.slice(6);
      return data === "[DONE]" ? data : JSON.parse(data);
    });
}

/**
 * A vendor stream in the form the encoder writes (documented): no service_tier or
 * system_fingerprint, a first delta of {"role":"assistant","content":""}, no refusal:null.
 */
function normalised(stream: string): unknown[] {
  return dataOf(stream).map((data, i) => {
    if (typeof data === "string") return data;
    const { service_tier: _tier, system_fingerprint: _fp, ...chunk } = data as Raw;
    const choices = (chunk.choices as Raw[]).map((choice) => {
      const { refusal: _refusal, ...delta } = choice.delta as Raw;
      return { ...choice, delta: i === 0 ? { role: "assistant", content: "" } : delta };
    });
    return { ...chunk, choices };
  });
}

function ctx(overrides: Partial<EncodeContext> = {}): EncodeContext {
  return { model: "m", requestId: "req_abc", includeUsage: true, sse: true, now: 1700000000, ...overrides };
}

const ZERO = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 };

/** A Claude-like answer: thinking, text, two tool calls. */
const CLAUDE_EVENTS: StreamEvent[] = [
  { type: "start", id: "msg_01", model: "claude-sonnet-4-5", usage: { inputTokens: 10 } },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "thinking_delta", index: 0, text: "Look at both." },
  { type: "signature_delta", index: 0, signature: "EqQB", origin: "claude" },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "text" } },
  { type: "text_delta", index: 1, text: "Reading \"both\" files." },
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { type: "tool_call", id: "toolu_A", name: "Read" } },
  { type: "tool_args_delta", index: 2, json: '{"file_path":' },
  { type: "tool_args_delta", index: 2, json: '"/a.ts"}' },
  { type: "block_stop", index: 2 },
  { type: "block_start", index: 3, block: { type: "tool_call", id: "toolu_B", name: "Read" } },
  { type: "tool_args_delta", index: 3, json: '{"file_path":"/b.ts"}' },
  { type: "block_stop", index: 3 },
  { type: "finish", stopReason: "tool_use", usage: { inputTokens: 10, outputTokens: 90, cacheReadTokens: 5000, cacheWrite5mTokens: 100, cacheWrite1hTokens: 0 } },
];

describe("stream encoder: golden streams come back", () => {
  it.each(["stream-text.sse", "stream-tools.sse"])("%s: decode then encode gives the vendor's chunks (normalised form)", (name) => {
    const bytes = golden(name);
    const first = dataOf(bytes)[0] as Raw;
    const out = encodeAll(decodeAll(bytes), ctx({ model: first.model as string, now: first.created as number }));
    expect(dataOf(out)).toEqual(normalised(bytes));
  });

  it("interleaved tool calls come out one after the other, each with its own index", () => {
    const out = encodeAll(decodeAll(golden("stream-tools-interleaved.sse")), ctx());
    const calls = dataOf(out)
      .filter((d): d is Raw => typeof d === "object" && (d as Raw).choices !== undefined && ((d as Raw).choices as Raw[]).length > 0)
      .map((d) => ((d.choices as Raw[])[0].delta as Raw).tool_calls)
      .filter(Boolean);
    expect(calls).toEqual([
      [{ index: 0, id: "call_a", type: "function", function: { name: "read_file", arguments: "" } }],
      [{ index: 0, function: { arguments: '{"path":' } }],
      [{ index: 0, function: { arguments: '"a.ts"}' } }],
      [{ index: 1, id: "call_b", type: "function", function: { name: "read_file", arguments: "" } }],
      [{ index: 1, function: { arguments: '{"path":"b.ts"}' } }],
    ]);
  });
});

describe("stream encoder: grammar", () => {
  it("a Claude-like answer: reasoning_content, content, tool calls indexed among the calls, finish, usage chunk, [DONE]", () => {
    const out = encodeAll(CLAUDE_EVENTS, ctx());
    const head = { id: "chatcmpl-abc", object: "chat.completion.chunk", created: 1700000000, model: "m" };
    const delta = (d: Raw, finish: string | null = null) => ({ ...head, choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }], usage: null });
    expect(dataOf(out)).toEqual([
      delta({ role: "assistant", content: "" }),
      delta({ reasoning_content: "Look at both." }),
      delta({ content: 'Reading "both" files.' }),
      delta({ tool_calls: [{ index: 0, id: "toolu_A", type: "function", function: { name: "Read", arguments: "" } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"file_path":' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '"/a.ts"}' } }] }),
      delta({ tool_calls: [{ index: 1, id: "toolu_B", type: "function", function: { name: "Read", arguments: "" } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: '{"file_path":"/b.ts"}' } }] }),
      delta({}, "tool_calls"),
      {
        ...head,
        choices: [],
        usage: {
          prompt_tokens: 5110,
          completion_tokens: 90,
          total_tokens: 5200,
          prompt_tokens_details: { cached_tokens: 5000, audio_tokens: 0, cache_write_tokens: 100 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        },
      },
      "[DONE]",
    ]);
  });

  it("without include_usage: no usage members and no usage chunk", () => {
    const out = encodeAll(CLAUDE_EVENTS, ctx({ includeUsage: false }));
    expect(out).not.toContain('"usage"');
    const data = dataOf(out);
    expect(data.at(-1)).toBe("[DONE]");
    expect(((data.at(-2) as Raw).choices as Raw[])[0].finish_reason).toBe("tool_calls");
  });

  it("a second text block starts after a blank line, as the JSON encoder joins them", () => {
    const out = encodeAll(
      [
        { type: "start", id: "x", model: "m" },
        { type: "block_start", index: 0, block: { type: "text" } },
        { type: "text_delta", index: 0, text: "one" },
        { type: "block_stop", index: 0 },
        { type: "block_start", index: 1, block: { type: "text" } },
        { type: "text_delta", index: 1, text: "two" },
        { type: "block_stop", index: 1 },
        { type: "finish", stopReason: "end_turn", usage: ZERO },
      ],
      ctx({ includeUsage: false }),
    );
    const contents = dataOf(out).flatMap((d) => (typeof d === "object" ? ((d as Raw).choices as Raw[]).map((c) => (c.delta as Raw).content) : []));
    expect(contents.filter((c) => c !== undefined)).toEqual(["", "one", "\n\ntwo"]);
  });

  it("an error event ends the stream with the error envelope and no [DONE]", () => {
    const encoder = openAiChatCodec.createStreamEncoder(ctx());
    let out = encoder.encode([
      { type: "start", id: "x", model: "m" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "par" },
      { type: "error", errorType: "overloaded_error", message: "Overloaded" },
    ]);
    out += encoder.encode([{ type: "text_delta", index: 0, text: "after" }]);
    out += encoder.end();
    expect(dataOf(out).at(-1)).toEqual({ error: { message: "Overloaded", type: "overloaded_error", code: null } });
    expect(out).not.toContain("after");
    expect(out).not.toContain("[DONE]");
  });

  it("events split over many encode calls give the same bytes", () => {
    const encoder = openAiChatCodec.createStreamEncoder(ctx());
    const out = CLAUDE_EVENTS.map((event) => encoder.encode([event])).join("") + encoder.end();
    expect(out).toBe(encodeAll(CLAUDE_EVENTS, ctx()));
  });

  it("the hub's Chat stream tap bills the encoded stream with the same disjoint buckets", () => {
    const tap = createOpenAiChatStreamTap({ defaultCacheTtl: "5m", usageInjected: false });
    tap.push(Buffer.from(encodeAll(CLAUDE_EVENTS, ctx())));
    tap.end();
    const summary = tap.summary();
    expect(summary.completed).toBe(true);
    expect(summary.usage).toMatchObject({ inputTokens: 10, outputTokens: 90, cacheReadTokens: 5000, cacheCreation5mTokens: 100 });
  });
});

describe("stream encoder: the official openai SDK reads what it writes", () => {
  function client(body: string) {
    return new OpenAI({
      apiKey: "test",
      baseURL: "http://127.0.0.1:9/v1",
      maxRetries: 0,
      fetch: async () => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }),
    });
  }

  it("accumulates text, parallel tool calls and usage", async () => {
    const runner = client(encodeAll(CLAUDE_EVENTS, ctx())).chat.completions.stream({ model: "m", messages: [{ role: "user", content: "x" }], stream_options: { include_usage: true } });
    const completion = await runner.finalChatCompletion();
    const message = completion.choices[0].message;
    expect(message.content).toBe('Reading "both" files.');
    expect(message.tool_calls?.map((call) => (call.type === "function" ? [call.id, call.function.name, JSON.parse(call.function.arguments)] : []))).toEqual([
      ["toolu_A", "Read", { file_path: "/a.ts" }],
      ["toolu_B", "Read", { file_path: "/b.ts" }],
    ]);
    expect(completion.choices[0].finish_reason).toBe("tool_calls");
    expect(completion.usage?.prompt_tokens).toBe(5110);
  });

  it("throws an APIError on the in-stream error", async () => {
    const events: StreamEvent[] = [
      { type: "start", id: "x", model: "m" },
      { type: "error", errorType: "rate_limit_error", message: "slow down" },
    ];
    const stream = await client(encodeAll(events, ctx())).chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }], stream: true });
    const read = async () => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(read()).rejects.toBeInstanceOf(APIError);
  });
});

describe("stream encoder: a Chat stream decoded and encoded again reads the same in the openai SDK", () => {
  async function final(body: string) {
    const client = new OpenAI({
      apiKey: "test",
      baseURL: "http://127.0.0.1:9/v1",
      maxRetries: 0,
      fetch: async () => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }),
    });
    const completion = await client.chat.completions.stream({ model: "m", messages: [{ role: "user", content: "x" }], stream_options: { include_usage: true } }).finalChatCompletion();
    const { message, finish_reason } = completion.choices[0];
    const calls = message.tool_calls?.map((call) => (call.type === "function" ? { id: call.id, name: call.function.name, arguments: call.function.arguments } : call));
    return { content: message.content, calls, finish_reason, usage: completion.usage };
  }

  it.each(["stream-text.sse", "stream-tools.sse", "stream-tools-interleaved.sse", "stream-reasoning.sse"])("%s", async (name) => {
    const original = golden(name);
    const reencoded = encodeAll(decodeAll(original), ctx());
    const [before, after] = [await final(original), await final(reencoded)];
    expect(after.content ?? "").toBe(before.content ?? "");
    expect(after.calls).toEqual(before.calls);
    expect(after.finish_reason).toBe(before.finish_reason);
    expect([after.usage?.prompt_tokens, after.usage?.completion_tokens, after.usage?.prompt_tokens_details?.cached_tokens ?? 0]).toEqual([
      before.usage?.prompt_tokens,
      before.usage?.completion_tokens,
      before.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    ]);
  });
});
