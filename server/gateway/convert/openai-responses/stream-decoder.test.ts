import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import { openAiResponsesCodec as codec } from "./index.ts";

const sse = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

function decodeWhole(bytes: Buffer): StreamEvent[] {
  const decoder = codec.createStreamDecoder();
  return [...decoder.push(bytes), ...decoder.end()];
}

/** Feeds the stream in two pieces split at every byte position and checks each gives the same events. */
function expectSplitInvariant(bytes: Buffer, expected: StreamEvent[]) {
  for (let at = 1; at < bytes.length; at++) {
    const decoder = codec.createStreamDecoder();
    const events = [...decoder.push(bytes.subarray(0, at)), ...decoder.push(bytes.subarray(at)), ...decoder.end()];
    if (JSON.stringify(events) !== JSON.stringify(expected)) expect({ at, events }).toEqual({ at, events: expected });
  }
}

const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const REASONING_TEXT: StreamEvent[] = [
  { type: "start", id: "resp_0f1e2d3c4b5a69788796a5b4c3d2e1f0", model: "gpt-5-codex" },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "thinking_delta", index: 0, text: "**Reading" },
  { type: "thinking_delta", index: 0, text: " the question**" },
  { type: "thinking_delta", index: 0, text: "\n\nTwo plus two is four." },
  { type: "signature_delta", index: 0, signature: "gAAAAABpStreamEncrypted==", origin: "openai-responses" },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "text" } },
  { type: "text_delta", index: 1, text: "2 + 2" },
  { type: "text_delta", index: 1, text: " = 4." },
  { type: "block_stop", index: 1 },
  { type: "finish", stopReason: "end_turn", usage: { inputTokens: 1024, outputTokens: 120, cacheReadTokens: 4096, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 96 } },
];

const TOOLS: StreamEvent[] = [
  { type: "start", id: "resp_7a6b5c4d3e2f1a0b", model: "gpt-4.1-2025-04-14" },
  { type: "block_start", index: 0, block: { type: "tool_call", id: "call_P1", name: "get_weather" } },
  { type: "tool_args_delta", index: 0, json: '{"city":' },
  { type: "tool_args_delta", index: 0, json: '"Paris"}' },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "tool_call", id: "call_T2", name: "get_weather" } },
  { type: "tool_args_delta", index: 1, json: '{"city":"Tokyo"}' },
  { type: "block_stop", index: 1 },
  { type: "finish", stopReason: "tool_use", usage: { inputTokens: 300, outputTokens: 40, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 } },
];

const FAILED: StreamEvent[] = [
  { type: "start", id: "resp_failed01", model: "gpt-5-codex" },
  { type: "block_start", index: 0, block: { type: "text" } },
  { type: "text_delta", index: 0, text: "Partial" },
  { type: "error", errorType: "server_error", message: "The model produced invalid content." },
];

describe("openai-responses stream decoder", () => {
  it.each([
    ["stream-reasoning-text.sse", REASONING_TEXT],
    ["stream-tools.sse", TOOLS],
    ["stream-failed.sse", FAILED],
  ])("decodes %s, whatever the chunking", (name, expected) => {
    const bytes = sse(name);
    expect(decodeWhole(bytes)).toEqual(expected);
    expectSplitInvariant(bytes, expected);
  });

  it("decodes a stream fed one byte at a time", () => {
    const bytes = sse("stream-reasoning-text.sse");
    const decoder = codec.createStreamDecoder();
    const events: StreamEvent[] = [];
    for (let i = 0; i < bytes.length; i++) events.push(...decoder.push(bytes.subarray(i, i + 1)));
    events.push(...decoder.end());
    expect(events).toEqual(REASONING_TEXT);
  });

  it("closes the open block and reports an error when the stream ends before response.completed", () => {
    const bytes = sse("stream-tools.sse");
    const cut = bytes.subarray(0, bytes.indexOf("response.function_call_arguments.done"));
    expect(decodeWhole(cut).slice(-3)).toEqual([
      { type: "tool_args_delta", index: 0, json: '"Paris"}' },
      { type: "block_stop", index: 0 },
      { type: "error", errorType: "api_error", message: "the upstream stream ended early" },
    ]);
  });

  it("turns an event that is not JSON into an error and ignores what follows", () => {
    const text = event("response.created", { response: { id: "resp_1", model: "m" } }) + "event: response.output_text.delta\ndata: {not json\n\n" + event("response.completed", { response: { status: "completed" } });
    expect(decodeWhole(Buffer.from(text))).toEqual([
      { type: "start", id: "resp_1", model: "m" },
      { type: "error", errorType: "api_error", message: "the upstream sent a stream event that is not JSON" },
    ]);
  });

  it("reports an `error` event with its code (flat or nested)", () => {
    expect(decodeWhole(Buffer.from(event("error", { code: "rate_limit_exceeded", message: "Slow down", param: null })))).toEqual([{ type: "error", errorType: "rate_limit_exceeded", message: "Slow down" }]);
    expect(decodeWhole(Buffer.from(event("error", { error: { type: "invalid_request_error", message: "Bad" } })))).toEqual([{ type: "error", errorType: "invalid_request_error", message: "Bad" }]);
  });

  it("ignores unknown events and keepalives, and reads data-only events by their type", () => {
    const text =
      `data: ${JSON.stringify({ type: "response.created", response: { id: "resp_2", model: "m" } })}\n\n` +
      event("keepalive", {}) +
      event("response.web_search_call.searching", { output_index: 0, item_id: "ws_1" }) +
      event("response.output_item.added", { output_index: 0, item: { type: "message", id: "msg_1", content: [] } }) +
      event("response.content_part.added", { output_index: 0, content_index: 0, part: { type: "output_text", text: "" } }) +
      event("response.output_text.delta", { output_index: 0, content_index: 0, delta: "Hi" }) +
      event("response.output_text.annotation.added", { output_index: 0, content_index: 0, annotation: {} }) +
      event("response.content_part.done", { output_index: 0, content_index: 0, part: { type: "output_text", text: "Hi" } }) +
      event("response.output_item.done", { output_index: 0, item: { type: "message", id: "msg_1", content: [{ type: "output_text", text: "Hi" }] } }) +
      event("response.incomplete", { response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: { input_tokens: 3, output_tokens: 1 } } });
    expect(decodeWhole(Buffer.from(text))).toEqual([
      { type: "start", id: "resp_2", model: "m" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Hi" },
      { type: "block_stop", index: 0 },
      { type: "finish", stopReason: "max_tokens", usage: { inputTokens: 3, outputTokens: 1, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);
  });

  it("takes whole items from a relay that sends no deltas", () => {
    const text =
      event("response.created", { response: { id: "resp_3", model: "m" } }) +
      event("response.output_item.done", { output_index: 0, item: { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "A" }, { type: "summary_text", text: "B" }], encrypted_content: "enc" } }) +
      event("response.output_item.done", { output_index: 1, item: { type: "message", id: "msg_1", content: [{ type: "output_text", text: "One" }, { type: "refusal", refusal: "No." }] } }) +
      event("response.output_item.done", { output_index: 2, item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: '{"a":1}' } }) +
      event("response.completed", { response: { status: "completed" } });
    expect(decodeWhole(Buffer.from(text))).toEqual([
      { type: "start", id: "resp_3", model: "m" },
      { type: "block_start", index: 0, block: { type: "thinking" } },
      { type: "thinking_delta", index: 0, text: "A\n\nB" },
      { type: "signature_delta", index: 0, signature: "enc", origin: "openai-responses" },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { type: "text" } },
      { type: "text_delta", index: 1, text: "One" },
      { type: "block_stop", index: 1 },
      { type: "block_start", index: 2, block: { type: "text" } },
      { type: "text_delta", index: 2, text: "No." },
      { type: "block_stop", index: 2 },
      { type: "block_start", index: 3, block: { type: "tool_call", id: "call_1", name: "f" } },
      { type: "tool_args_delta", index: 3, json: '{"a":1}' },
      { type: "block_stop", index: 3 },
      { type: "finish", stopReason: "tool_use", usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);
  });

  it("streams a custom tool call's input as the JSON of {input}", () => {
    const text =
      event("response.created", { response: { id: "resp_4", model: "m" } }) +
      event("response.output_item.added", { output_index: 0, item: { type: "custom_tool_call", id: "ctc_1", call_id: "call_9", name: "apply_patch", input: "" } }) +
      event("response.custom_tool_call_input.delta", { output_index: 0, item_id: "ctc_1", delta: '*** Begin "Patch"\n' }) +
      event("response.custom_tool_call_input.delta", { output_index: 0, item_id: "ctc_1", delta: "*** End Patch" }) +
      event("response.custom_tool_call_input.done", { output_index: 0, item_id: "ctc_1", input: '*** Begin "Patch"\n*** End Patch' }) +
      event("response.output_item.done", { output_index: 0, item: { type: "custom_tool_call", id: "ctc_1", call_id: "call_9", name: "apply_patch", input: '*** Begin "Patch"\n*** End Patch' } }) +
      event("response.completed", { response: { status: "completed" } });
    const events = decodeWhole(Buffer.from(text));
    const json = events.flatMap((e) => (e.type === "tool_args_delta" ? [e.json] : [])).join("");
    expect(JSON.parse(json)).toEqual({ input: '*** Begin "Patch"\n*** End Patch' });
    expect(events.at(-1)).toMatchObject({ type: "finish", stopReason: "tool_use" });
  });
});
