import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import { createStreamDecoder } from "./stream-decoder.ts";

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

function decode(chunks: Buffer[]): StreamEvent[] {
  const decoder = createStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}

/** The events of `bytes` split into two chunks at every position agree with the unsplit result. */
function expectSplitInvariant(bytes: Buffer) {
  const whole = decode([bytes]);
  for (let at = 0; at <= bytes.length; at++) {
    expect(decode([bytes.subarray(0, at), bytes.subarray(at)]), `split at ${at}`).toEqual(whole);
  }
  // And byte by byte.
  const single: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) single.push(bytes.subarray(i, i + 1));
  expect(decode(single)).toEqual(whole);
}

const TEXT_EVENTS: StreamEvent[] = [
  { type: "start", id: "resp_sse_1", model: "gemini-2.5-flash" },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "thinking_delta", index: 0, text: "**Thinking about greetings**\n\nThe user says hi" },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "text" } },
  { type: "text_delta", index: 1, text: "Hello! How can I " },
  { type: "text_delta", index: 1, text: "help you today? 👋" },
  { type: "block_stop", index: 1 },
  {
    type: "finish",
    stopReason: "end_turn",
    usage: { inputTokens: 4, outputTokens: 34, cacheReadTokens: 4, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 22 },
  },
];

const TOOL_EVENTS: StreamEvent[] = [
  { type: "start", id: "resp_tools_1", model: "gemini-3-pro-preview" },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "thinking_delta", index: 0, text: "Checking both." },
  { type: "signature_delta", index: 0, signature: "dGhvdWdodC1zaWc=", origin: "gemini" },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "tool_call", id: "call_0", name: "get_weather" } },
  { type: "signature_delta", index: 1, signature: "Y2FsbC1zaWc=", origin: "gemini" },
  { type: "tool_args_delta", index: 1, json: '{"city":"Paris"}' },
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { type: "tool_call", id: "call_1", name: "get_time" } },
  { type: "tool_args_delta", index: 2, json: '{"tz":"Asia/Tokyo","fmt":"24h"}' },
  { type: "block_stop", index: 2 },
  {
    type: "finish",
    stopReason: "tool_use",
    usage: { inputTokens: 50, outputTokens: 40, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 10 },
  },
];

describe("gemini stream decoder", () => {
  it("decodes an SSE stream with thinking and text (text-part signatures are not kept)", () => {
    expect(decode([fixture("stream-text.sse")])).toEqual(TEXT_EVENTS);
  });

  it("decodes parallel function calls as whole tool_call blocks with their signatures", () => {
    expect(decode([fixture("stream-tools.sse")])).toEqual(TOOL_EVENTS);
  });

  it("decodes the streamed JSON array framing (no alt=sse)", () => {
    expect(decode([fixture("stream-array.json")])).toEqual([
      { type: "start", id: "arr_1", model: "gemini-2.0-flash" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Hi" },
      { type: "text_delta", index: 0, text: ' there, "friend" ]}' },
      { type: "block_stop", index: 0 },
      { type: "finish", stopReason: "max_tokens", usage: { inputTokens: 3, outputTokens: 5, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);
  });

  it("turns an in-stream error chunk into an error event and stops there", () => {
    const decoder = createStreamDecoder();
    const events = decoder.push(fixture("stream-error.sse"));
    expect(events).toEqual([
      { type: "start", id: "resp_err", model: "gemini-2.5-pro" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Partial" },
      { type: "error", errorType: "UNAVAILABLE", message: "The model is overloaded. Please try again later." },
    ]);
    expect(decoder.push(Buffer.from('data: {"candidates":[{"content":{"parts":[{"text":"more"}]}}]}\r\n\r\n'))).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it.each(["stream-text.sse", "stream-tools.sse", "stream-array.json", "stream-error.sse"])("gives the same events for %s split at every byte", (name) => {
    expectSplitInvariant(fixture(name));
  });

  it("closes what is open and reports an error when the stream ends before a finishReason", () => {
    const text = fixture("stream-text.sse").toString("utf8");
    const cut = text.slice(0, text.lastIndexOf("data:"));
    expect(decode([Buffer.from(cut)])).toEqual([
      ...TEXT_EVENTS.slice(0, 6),
      { type: "block_stop", index: 1 },
      { type: "error", errorType: "invalid_response", message: "the upstream stream ended early" },
    ]);
    expect(decode([])).toEqual([{ type: "error", errorType: "invalid_response", message: "the upstream stream ended early" }]);
  });

  it("reports a chunk that is not JSON as an error event without throwing", () => {
    expect(decode([Buffer.from('data: {"candidates": [\r\n\r\ndata: {}\r\n\r\n')])).toEqual([
      { type: "error", errorType: "invalid_response", message: "the upstream sent a stream chunk that is not JSON" },
    ]);
  });

  it("ignores chunks that are not responses and parts it cannot express", () => {
    const events = decode([
      Buffer.from(
        'data: [1,2]\r\n\r\ndata: {"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}},{"executableCode":{"code":"1"}},{"text":"ok"}]},"finishReason":"STOP"}],"responseId":"r","modelVersion":"m"}\r\n\r\n',
      ),
    ]);
    expect(events).toEqual([
      { type: "start", id: "r", model: "m" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "ok" },
      { type: "block_stop", index: 0 },
      { type: "finish", stopReason: "end_turn", usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);
  });

  it("reads a blocked prompt as a refusal and a plain JSON error body as an error", () => {
    expect(decode([Buffer.from('data: {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7},"responseId":"b","modelVersion":"m"}\r\n\r\n')])).toEqual([
      { type: "start", id: "b", model: "m" },
      { type: "finish", stopReason: "refusal", usage: { inputTokens: 7, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);
    expect(decode([Buffer.from('{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}')])).toEqual([
      { type: "error", errorType: "RESOURCE_EXHAUSTED", message: "Quota exceeded" },
    ]);
  });

  it("keeps usage from a chunk that follows the finishReason", () => {
    const events = decode([
      Buffer.from(
        'data: {"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"STOP"}]}\r\n\r\ndata: {"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}}\r\n\r\n',
      ),
    ]);
    expect(events[events.length - 1]).toEqual({
      type: "finish",
      stopReason: "end_turn",
      usage: { inputTokens: 3, outputTokens: 1, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 },
    });
  });
});
