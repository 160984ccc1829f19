import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import { decodeClaudeRequest } from "./request.ts";
import { createClaudeStreamDecoder } from "./stream-decoder.ts";
import { OVERLOADED_EVENTS, STOP_SEQUENCE_EVENTS, TOOL_USE_EVENTS } from "./fixtures/events.ts";
import { claudeErrorType, createClaudeStreamEncoder } from "./stream-encoder.ts";

const ctx = { model: "claude-sonnet-4-5-20250929", requestId: "req_42", includeUsage: false, sse: true, now: 1_765_000_000 };

function client(body: string) {
  const fetch = async () => new Response(body, { status: 200, headers: { "content-type": "text/event-stream", "request-id": "req_42" } });
  return new Anthropic({ apiKey: "test", baseURL: "http://127.0.0.1:1", fetch, maxRetries: 0 });
}
const params = { model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }] };

function encodeAll(events: readonly StreamEvent[], model = ctx.model, split = false): string {
  const encoder = createClaudeStreamEncoder({ ...ctx, model });
  // Fed one event per call or all at once: the bytes are the same.
  const body = split ? events.map((e) => encoder.encode([e])).join("") : encoder.encode(events);
  return body + encoder.end();
}

function decodeAll(bytes: string): StreamEvent[] {
  const decoder = createClaudeStreamDecoder();
  return [...decoder.push(Buffer.from(bytes)), ...decoder.end()];
}

/** An SSE text as [event name, parsed data] pairs. */
function parseSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split("\n\n")
    .filter((e) => e !== "")
    .map((e) => {
      const [name, data] = e.split("\n");
      return { event: name.slice("event: ".length), data: JSON.parse(data.slice("data: ".length)) };
    });
}

describe("Claude stream encoder: golden streams", () => {
  it("rebuilds the vendor's stream from its events (pings, empty tool-input deltas and service_tier aside)", () => {
    const vendor = parseSse(readFileSync(new URL("./fixtures/stream-tool-use.sse", import.meta.url), "utf8")).filter(
      (e) => e.event !== "ping" && !(e.event === "content_block_delta" && (e.data.delta as { partial_json?: string }).partial_json === ""),
    );
    delete ((vendor[0].data.message as Record<string, unknown>).usage as Record<string, unknown>).service_tier;
    const ours = parseSse(encodeAll(TOOL_USE_EVENTS));
    // Our message_delta also carries the cache-write split (the vendor's is in message_start).
    expect(ours).toMatchObject(vendor);
    expect(ours.map((e) => e.event)).toEqual(vendor.map((e) => e.event));
  });

  it("writes the exact SSE grammar, the same whether events come together or one by one", () => {
    const expected =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1}}}\n\n' +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Once upon a time"}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", the end.\\n"}}\n\n' +
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"THE END"},"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":9}}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    expect(encodeAll(STOP_SEQUENCE_EVENTS, "claude-haiku-4-5")).toBe(expected);
    expect(encodeAll(STOP_SEQUENCE_EVENTS, "claude-haiku-4-5", true)).toBe(expected);
  });

  it.each([
    ["tool use", TOOL_USE_EVENTS],
    ["stop sequence", STOP_SEQUENCE_EVENTS],
    ["overloaded", OVERLOADED_EVENTS],
  ])("decodes its own %s stream back to the same events", (_name, events) => {
    const back = decodeAll(encodeAll(events));
    // The client sees the model it asked for.
    expect(back).toEqual(events.map((e) => (e.type === "start" ? { ...e, model: ctx.model } : e)));
  });

  it("ends with an error event and nothing after it", () => {
    const text = encodeAll([...OVERLOADED_EVENTS, { type: "block_start", index: 1, block: { type: "text" } }]);
    expect(text.endsWith('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n')).toBe(true);
    expect(text).not.toContain('"index":1');
  });
});

describe("Claude stream encoder: converted streams", () => {
  it("opens a message for a source that skipped start, names the message after the request, and maps a content filter", () => {
    const text = encodeAll([
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "hm" },
      { type: "block_stop", index: 0 },
      { type: "finish", stopReason: "content_filter", usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);
    const events = parseSse(text);
    expect(events.map((e) => e.event)).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect((events[0].data.message as { id: string }).id).toBe("msg_req_42");
    expect(events[4].data.delta).toEqual({ stop_reason: "refusal", stop_sequence: null });
  });

  it("carries other vendors' reasoning tokens and tool-call signatures so the next request gives them back", async () => {
    const text = encodeAll([
      { type: "start", id: "resp_1", model: "gpt-5" },
      { type: "block_start", index: 0, block: { type: "thinking" } },
      { type: "thinking_delta", index: 0, text: "hm" },
      { type: "signature_delta", index: 0, signature: "gAAAA-encrypted", origin: "openai-responses" },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { type: "tool_call", id: "call_1", name: "f" } },
      { type: "tool_args_delta", index: 1, json: '{"a":1}' },
      { type: "signature_delta", index: 1, signature: "CiQBcsjafE+/sig==", origin: "gemini" },
      { type: "block_stop", index: 1 },
      { type: "block_start", index: 2, block: { type: "text" } },
      { type: "signature_delta", index: 2, signature: "text-signature", origin: "gemini" },
      { type: "text_delta", index: 2, text: "ok" },
      { type: "block_stop", index: 2 },
      { type: "finish", stopReason: "tool_use", usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);
    const events = parseSse(text);
    expect(events.filter((e) => e.event === "content_block_start").map((e) => e.data.index)).toEqual([0, 1, 2, 3]);
    expect(text).not.toContain("text-signature");
    const message = await client(text).messages.stream(params).finalMessage();
    expect(message.content.map((b) => b.type)).toEqual(["thinking", "tool_use", "thinking", "text"]);
    const next = decodeClaudeRequest({ model: "m", messages: [{ role: "assistant", content: message.content }] }, { format: "claude", kind: "generate", path: "/v1/messages" }, "");
    expect(next.messages[0].parts).toEqual([
      { type: "thinking", text: "hm", encrypted: "gAAAA-encrypted", origin: "openai-responses" },
      { type: "tool_call", id: "call_1", name: "f", input: { a: 1 }, signature: "CiQBcsjafE+/sig==" },
      { type: "text", text: "ok" },
    ]);
  });

  it("maps other formats' error types to Anthropic's", () => {
    expect(claudeErrorType("overloaded_error")).toBe("overloaded_error");
    expect(claudeErrorType("rate_limit_exceeded")).toBe("rate_limit_error");
    expect(claudeErrorType("RESOURCE_EXHAUSTED")).toBe("rate_limit_error");
    expect(claudeErrorType("UNAVAILABLE")).toBe("overloaded_error");
    expect(claudeErrorType("server_error")).toBe("api_error");
    expect(claudeErrorType("invalid_response")).toBe("api_error");
  });
});

describe("Claude stream encoder: the official SDK reads it", () => {
  it("accumulates thinking, text and parallel tool calls with parsed input and usage", async () => {
    const message = await client(encodeAll(TOOL_USE_EVENTS)).messages.stream(params).finalMessage();
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Both files are needed; read them in parallel — ünïcode ok.", signature: expect.stringMatching(/^EqQB/) },
      { type: "text", text: "I'll read both config files." },
      { type: "tool_use", id: "toolu_01A09q90qw90lq917835lq9", name: "Read", input: { file_path: "/home/dev/app/a.json" } },
      { type: "tool_use", id: "toolu_01B18r81rx81mr826924mr8", name: "Read", input: { file_path: "/home/dev/app/b.json" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 180, cache_read_input_tokens: 18000, cache_creation_input_tokens: 2500 });
  });

  it("ends with the input-side counts a converted upstream reports only at the end", async () => {
    const text = encodeAll([
      { type: "start", id: "chatcmpl-1", model: "gpt-5" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "hi" },
      { type: "block_stop", index: 0 },
      { type: "finish", stopReason: "end_turn", usage: { inputTokens: 100, outputTokens: 5, cacheReadTokens: 20, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 2 } },
    ]);
    const message = await client(text).messages.stream(params).finalMessage();
    expect(message.id).toBe("chatcmpl-1");
    expect(message.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 20, cache_creation_input_tokens: 0, output_tokens: 5 });
  });

  it("raises the in-stream error as an API error of its type", async () => {
    await expect(client(encodeAll(OVERLOADED_EVENTS)).messages.stream(params).finalMessage()).rejects.toMatchObject({ error: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } });
  });
});
