import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import { OVERLOADED_EVENTS, STOP_SEQUENCE_EVENTS, TOOL_USE_EVENTS } from "./fixtures/events.ts";
import { createClaudeStreamDecoder, STREAM_ENDED_EARLY } from "./stream-decoder.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const sse = (events: Array<[string, object]>) => events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`).join("");

function decodeChunks(chunks: Buffer[]): StreamEvent[] {
  const decoder = createClaudeStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}
const decodeAll = (bytes: Buffer | string) => decodeChunks([Buffer.from(bytes)]);

describe("Claude stream decoder: golden streams", () => {
  it.each([
    ["stream-tool-use.sse", TOOL_USE_EVENTS],
    ["stream-stop-sequence.sse", STOP_SEQUENCE_EVENTS],
    ["stream-overloaded.sse", OVERLOADED_EVENTS],
  ])("decodes %s", (name, expected) => {
    expect(decodeAll(fixture(name))).toEqual(expected);
  });

  it.each(["stream-tool-use.sse", "stream-stop-sequence.sse", "stream-overloaded.sse"])("gives the same events for %s split at every byte position, and fed byte by byte", (name) => {
    const bytes = fixture(name);
    const whole = decodeAll(bytes);
    for (let i = 0; i <= bytes.length; i++) {
      expect(decodeChunks([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(whole);
    }
    expect(decodeChunks(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))).toEqual(whole);
  });

  it("reads CRLF-framed events, events without an event: line and data split over lines", () => {
    const crlf = fixture("stream-stop-sequence.sse").toString("utf8").replace(/\n/g, "\r\n");
    expect(decodeAll(crlf)).toEqual(STOP_SEQUENCE_EVENTS);
    const dataOnly = fixture("stream-stop-sequence.sse").toString("utf8").replace(/^event: .*\n/gm, "");
    expect(decodeAll(dataOnly)).toEqual(STOP_SEQUENCE_EVENTS);
    // Several data lines are one data value, joined by newlines.
    const multiLine = fixture("stream-stop-sequence.sse").toString("utf8").replace('data: {"type":"message_stop"}', 'data: {"type":\ndata: "message_stop"}');
    expect(multiLine).toContain('data: "message_stop"}');
    expect(decodeAll(multiLine)).toEqual(STOP_SEQUENCE_EVENTS);
  });
});

describe("Claude stream decoder: faults and oddities", () => {
  const start: [string, object] = ["message_start", { message: { id: "msg_1", model: "m", usage: { input_tokens: 3, output_tokens: 1 } } }];

  it("closes the open block and reports a stream that ends without message_stop", () => {
    const events = decodeAll(sse([start, ["content_block_start", { index: 0, content_block: { type: "tool_use", id: "t", name: "f", input: {} } }], ["content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: '{"a":' } }]]));
    expect(events.slice(-3)).toEqual([
      { type: "tool_args_delta", index: 0, json: '{"a":' },
      { type: "block_stop", index: 0 },
      { type: "error", errorType: "api_error", message: STREAM_ENDED_EARLY },
    ]);
    // message_delta is not the end either.
    expect(decodeAll(sse([start, ["message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } }]])).at(-1)).toEqual({ type: "error", errorType: "api_error", message: STREAM_ENDED_EARLY });
    expect(decodeAll("")).toEqual([{ type: "error", errorType: "api_error", message: STREAM_ENDED_EARLY }]);
  });

  it("turns an event with broken JSON into an error and ignores everything after it", () => {
    const bytes = sse([start, ["content_block_start", { index: 0, content_block: { type: "text", text: "" } }]]) + "event: content_block_delta\ndata: {not json\n\n" + sse([["message_stop", {}]]);
    expect(decodeAll(bytes).slice(-2)).toEqual([
      { type: "block_stop", index: 0 },
      { type: "error", errorType: "invalid_response", message: "the upstream sent an event that is not JSON (content_block_delta)" },
    ]);
  });

  it("ignores pings and unknown events, skips server-tool blocks with their deltas and numbers the rest from 0", () => {
    const events = decodeAll(
      sse([
        start,
        ["ping", {}],
        ["content_block_start", { index: 0, content_block: { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} } }],
        ["content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: '{"query":"x"}' } }],
        ["content_block_stop", { index: 0 }],
        ["content_block_start", { index: 1, content_block: { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] } }],
        ["content_block_stop", { index: 1 }],
        ["some_future_event", { detail: 1 }],
        ["content_block_start", { index: 2, content_block: { type: "text", text: "Hello" } }],
        ["content_block_delta", { index: 2, delta: { type: "citations_delta", citation: {} } }],
        ["content_block_delta", { index: 1, delta: { type: "text_delta", text: "stray" } }],
        ["content_block_stop", { index: 2 }],
        ["content_block_start", { index: 3, content_block: { type: "redacted_thinking", data: "EmwK" } }],
        ["content_block_stop", { index: 3 }],
        ["message_delta", { delta: { stop_reason: "model_context_window_exceeded" }, usage: { output_tokens: 5, output_tokens_details: { thinking_tokens: 2 } } }],
        ["message_stop", {}],
        ["content_block_start", { index: 4, content_block: { type: "text", text: "after the end" } }],
      ]),
    );
    expect(events).toEqual([
      { type: "start", id: "msg_1", model: "m", usage: { inputTokens: 3, outputTokens: 1, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Hello" },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { type: "redacted_thinking", data: "EmwK" } },
      { type: "block_stop", index: 1 },
      { type: "finish", stopReason: "max_tokens", usage: { inputTokens: 3, outputTokens: 5, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 2 } },
    ]);
  });

  it("keeps message_start's input-side counts when message_delta reports them as null", () => {
    const events = decodeAll(
      sse([
        ["message_start", { message: { id: "msg_1", model: "m", usage: { input_tokens: 30, cache_read_input_tokens: 70, cache_creation_input_tokens: 5, output_tokens: 1 } } }],
        ["message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { input_tokens: null, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens: 12 } }],
        ["message_stop", {}],
      ]),
    );
    expect(events.at(-1)).toEqual({ type: "finish", stopReason: "end_turn", usage: { inputTokens: 30, outputTokens: 12, cacheReadTokens: 70, cacheWrite5mTokens: 5, cacheWrite1hTokens: 0 } });
  });

  it("keeps the invariants against a relay that omits message_start, overlaps blocks or sends tool input whole", () => {
    const events = decodeAll(
      sse([
        ["content_block_start", { index: 0, content_block: { type: "text", text: "" } }],
        ["content_block_delta", { index: 0, delta: { type: "text_delta", text: "a" } }],
        ["content_block_start", { index: 1, content_block: { type: "tool_use", id: "t1", name: "f", input: { x: 1 } } }],
        ["content_block_stop", { index: 0 }],
        ["content_block_stop", { index: 1 }],
        ["message_stop", {}],
      ]),
    );
    expect(events).toEqual([
      { type: "start", id: "", model: "" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "a" },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { type: "tool_call", id: "t1", name: "f" } },
      { type: "tool_args_delta", index: 1, json: '{"x":1}' },
      { type: "block_stop", index: 1 },
      { type: "finish", stopReason: "end_turn", usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);
  });
});
