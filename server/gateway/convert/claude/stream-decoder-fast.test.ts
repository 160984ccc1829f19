/**
 * The decoder reads Anthropic's usual delta events without JSON.parse (fastBlockDelta); any
 * other spelling of the same event goes through JSON.parse. Both must give the same events.
 */
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import { createClaudeStreamDecoder } from "./stream-decoder.ts";

function decode(deltas: string[], blockType = "text"): StreamEvent[] {
  const block = blockType === "text" ? { type: "text", text: "" } : blockType === "thinking" ? { type: "thinking", thinking: "", signature: "" } : { type: "tool_use", id: "toolu_1", name: "f", input: {} };
  const text =
    `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}\n\n` +
    `event: content_block_start\ndata: ${JSON.stringify({ type: "content_block_start", index: 0, content_block: block })}\n\n` +
    deltas.map((d) => `event: content_block_delta\ndata: ${d}\n\n`).join("") +
    `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n` +
    `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}\n\n` +
    `event: message_stop\ndata: {"type":"message_stop"}\n\n`;
  const decoder = createClaudeStreamDecoder();
  return [...decoder.push(Buffer.from(text)), ...decoder.end()];
}

const deltasOf = (events: StreamEvent[]) => events.filter((e) => e.type.endsWith("_delta"));

describe("Claude stream decoder: delta events read without JSON.parse", () => {
  it.each([
    ["text", "text_delta", "text", 'plain, "quoted" \\ and\nnew — ünï 😀'],
    ["thinking", "thinking_delta", "thinking", "let me think\t…"],
    ["tool", "input_json_delta", "partial_json", '{"path":"/a\\"b'],
  ])("gives for a %s block what JSON.parse gives, however the event is spelled", (blockType, type, field, value) => {
    const exact = `{"type":"content_block_delta","index":0,"delta":{"type":"${type}","${field}":${JSON.stringify(value)}}}`;
    const spaced = `{"type": "content_block_delta", "index": 0, "delta": {"type": "${type}", "${field}": ${JSON.stringify(value)}}}`;
    const reordered = `{"index":0,"delta":{"${field}":${JSON.stringify(value)},"type":"${type}"},"type":"content_block_delta"}`;
    const expected = decode([exact], blockType);
    expect(deltasOf(expected)).toHaveLength(1);
    expect(JSON.stringify(deltasOf(expected)[0])).toContain(JSON.stringify(value));
    expect(decode([spaced], blockType)).toEqual(expected);
    expect(decode([reordered], blockType)).toEqual(expected);
  });

  it("skips deltas of another block and empty ones, as for parsed events", () => {
    const other = `{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"elsewhere"}}`;
    const empty = `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}}`;
    expect(deltasOf(decode([other, empty]))).toEqual([]);
  });

  it("leaves an event with more after the delta, or a broken string, to JSON.parse", () => {
    const extra = `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"},"x":1}`;
    expect(deltasOf(decode([extra]))).toEqual([{ type: "text_delta", index: 0, text: "a" }]);
    const broken = `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\\q"}}`;
    expect(decode([broken]).at(-1)).toMatchObject({ type: "error", errorType: "invalid_response" });
  });
});
