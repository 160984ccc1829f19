import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { NeutralUsage, StreamEvent } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { openAiResponsesCodec as codec } from "./index.ts";
import { wrapForeign } from "./reasoning.ts";

const ctx: EncodeContext = { model: "gpt-5-codex", requestId: "req_00112233445566778899aabbccddeeff", includeUsage: false, sse: true, now: 1765000000 };
const R = "00112233445566778899aabbccddeeff";
const usage: NeutralUsage = { inputTokens: 100, outputTokens: 50, cacheReadTokens: 900, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 20 };

/** A Claude upstream's answer: thinking with a signature, text, two parallel tool calls. */
const CLAUDE_TURN: StreamEvent[] = [
  { type: "start", id: "msg_01XFDUDYJgAACzvnptvVoYEL", model: "claude-sonnet-4-5" },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "thinking_delta", index: 0, text: "The user wants " },
  { type: "thinking_delta", index: 0, text: "two files." },
  { type: "signature_delta", index: 0, signature: "EqQBCkYIBxgC", origin: "claude" },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "text" } },
  { type: "text_delta", index: 1, text: "Reading " },
  { type: "text_delta", index: 1, text: "both." },
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { type: "tool_call", id: "toolu_01A", name: "Read" } },
  { type: "tool_args_delta", index: 2, json: '{"path":' },
  { type: "tool_args_delta", index: 2, json: '"a.ts"}' },
  { type: "block_stop", index: 2 },
  { type: "block_start", index: 3, block: { type: "tool_call", id: "toolu_01B", name: "Read" } },
  { type: "tool_args_delta", index: 3, json: '{"path":"b.ts"}' },
  { type: "block_stop", index: 3 },
  { type: "finish", stopReason: "tool_use", usage },
];

interface Sse {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): Sse[] {
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((chunk) => {
      const [eventLine, dataLine, ...rest] = chunk.split("\n");
      expect(rest).toEqual([]);
      expect(eventLine.startsWith("event: ")).toBe(true);
      expect(dataLine.startsWith("data: ")).toBe(true);
      return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) };
    });
}

function encodeAll(events: StreamEvent[], split = false): string {
  const encoder = codec.createStreamEncoder(ctx);
  let out = split ? events.map((e) => encoder.encode([e])).join("") : encoder.encode(events);
  out += encoder.end();
  return out;
}

/** Runs the bytes through the openai SDK's own stream reader, as a client of the hub would. */
async function readWithSdk(body: string) {
  const client = new OpenAI({ apiKey: "sk-test", baseURL: "http://127.0.0.1:9/v1", maxRetries: 0, fetch: async () => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }) });
  const stream = client.responses.stream({ model: "gpt-5-codex", input: "hi" });
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  return { types, final: await stream.finalResponse() };
}

describe("openai-responses stream encoder", () => {
  it("writes the Responses grammar: numbered events, items added and done, with ids that match", () => {
    const events = parseSse(encodeAll(CLAUDE_TURN));
    expect(events.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    events.forEach((e, i) => {
      expect(e.data.type).toBe(e.event);
      expect(e.data.sequence_number).toBe(i);
    });
    expect(events[0].data.response).toMatchObject({ id: `resp_${R}`, object: "response", status: "in_progress", model: "gpt-5-codex", output: [], usage: null });
    expect(events[4].data).toEqual({ type: "response.reasoning_summary_text.delta", sequence_number: 4, item_id: `rs_${R}_0`, output_index: 0, summary_index: 0, delta: "The user wants " });
    expect(events[11].data).toEqual({ type: "response.output_text.delta", sequence_number: 11, item_id: `msg_${R}_1`, output_index: 1, content_index: 0, delta: "Reading ", logprobs: [] });
    expect(events[19].data).toEqual({ type: "response.function_call_arguments.done", sequence_number: 19, item_id: `fc_${R}_2`, output_index: 2, arguments: '{"path":"a.ts"}' });
    const completed = events[25].data.response as Record<string, unknown>;
    expect(completed).toMatchObject({
      id: `resp_${R}`,
      status: "completed",
      incomplete_details: null,
      error: null,
      usage: { input_tokens: 1000, input_tokens_details: { cached_tokens: 900 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 20 }, total_tokens: 1050 },
    });
    // The terminal event lists the same items output_item.done gave, which is what Codex keeps.
    expect(completed.output).toEqual(events.filter((e) => e.event === "response.output_item.done").map((e) => e.data.item));
  });

  it("is read by the openai SDK into the final response a client would see", async () => {
    const { types, final } = await readWithSdk(encodeAll(CLAUDE_TURN, true));
    expect(types.at(-1)).toBe("response.completed");
    expect(final.output_text).toBe("Reading both.");
    expect(final.output).toEqual([
      { id: `rs_${R}_0`, type: "reasoning", summary: [{ type: "summary_text", text: "The user wants two files." }], encrypted_content: wrapForeign("claude", "sig", "EqQBCkYIBxgC") },
      { id: `msg_${R}_1`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", annotations: [], logprobs: [], text: "Reading both.", parsed: null }] },
      // parsed / parsed_arguments are the SDK's own additions (no text.format, no strict tools).
      { id: `fc_${R}_2`, type: "function_call", status: "completed", call_id: "toolu_01A", name: "Read", arguments: '{"path":"a.ts"}', parsed_arguments: null },
      { id: `fc_${R}_3`, type: "function_call", status: "completed", call_id: "toolu_01B", name: "Read", arguments: '{"path":"b.ts"}', parsed_arguments: null },
    ]);
    expect(final.usage?.input_tokens_details.cached_tokens).toBe(900);
  });

  it("decodes back into the same neutral events (encrypted reasoning of its own origin)", () => {
    const own: StreamEvent[] = CLAUDE_TURN.map((e) => (e.type === "signature_delta" ? { ...e, signature: "gAAAAenc", origin: "openai-responses" } : e.type === "start" ? { ...e, id: `resp_${R}`, model: "gpt-5-codex" } : e));
    const decoder = codec.createStreamDecoder();
    const back = [...decoder.push(Buffer.from(encodeAll(own))), ...decoder.end()];
    expect(back).toEqual(own);
  });

  it("ends with response.incomplete when the output limit was reached", async () => {
    const events: StreamEvent[] = [
      { type: "start", id: "resp_upstream1", model: "m" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Once upon" },
      { type: "block_stop", index: 0 },
      { type: "finish", stopReason: "max_tokens", usage },
    ];
    const sse = parseSse(encodeAll(events));
    expect(sse.at(-1)?.event).toBe("response.incomplete");
    expect(sse.at(-1)?.data.response).toMatchObject({ id: "resp_upstream1", status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    const { final } = await readWithSdk(encodeAll(events));
    expect(final.status).toBe("incomplete");
    expect(final.output_text).toBe("Once upon");
  });

  it("writes a redacted thinking block as a reasoning item carrying the data, and a call without arguments as {}", () => {
    const sse = parseSse(
      encodeAll([
        { type: "start", id: "x", model: "m" },
        { type: "block_start", index: 0, block: { type: "redacted_thinking", data: "EmwKAhgB" } },
        { type: "block_stop", index: 0 },
        { type: "block_start", index: 1, block: { type: "tool_call", id: "toolu_1", name: "Now" } },
        { type: "block_stop", index: 1 },
        { type: "finish", stopReason: "tool_use", usage },
      ]),
    );
    const done = sse.filter((e) => e.event === "response.output_item.done").map((e) => e.data.item);
    expect(done).toEqual([
      { id: `rs_${R}_0`, type: "reasoning", summary: [], encrypted_content: wrapForeign("claude", "redacted", "EmwKAhgB") },
      { id: `fc_${R}_1`, type: "function_call", status: "completed", arguments: "{}", call_id: "toolu_1", name: "Now" },
    ]);
  });

  it("ends an errored stream with an `error` event and response.failed, then writes nothing more", async () => {
    const encoder = codec.createStreamEncoder(ctx);
    let out = encoder.encode([
      { type: "start", id: "msg_1", model: "claude" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Par" },
      { type: "error", errorType: "overloaded_error", message: "Overloaded" },
    ]);
    out += encoder.encode([{ type: "text_delta", index: 0, text: "tial" }]) + encoder.end();
    const sse = parseSse(out);
    expect(sse.slice(-2)).toEqual([
      { event: "error", data: { type: "error", sequence_number: 5, code: "server_is_overloaded", message: "Overloaded", param: null } },
      { event: "response.failed", data: expect.objectContaining({ type: "response.failed", sequence_number: 6, response: expect.objectContaining({ status: "failed", error: { code: "server_is_overloaded", message: "Overloaded" }, output: [] }) }) },
    ]);
    await expect(readWithSdk(out)).rejects.toThrow(/Overloaded/);
  });

  it("owes the client a terminal event when the neutral stream stops without finish", () => {
    const encoder = codec.createStreamEncoder(ctx);
    encoder.encode([{ type: "start", id: "x", model: "m" }]);
    const sse = parseSse(encoder.end());
    expect(sse.map((e) => e.event)).toEqual(["error", "response.failed"]);
    expect(sse[0].data).toMatchObject({ sequence_number: 2, code: "api_error", message: "the upstream stream ended early" });
    expect(encoder.end()).toBe("");
  });
});
