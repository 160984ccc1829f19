/**
 * The decoder reads text and argument deltas without JSON.parse (fastDelta); other events, and
 * other spellings of these, are parsed in full. Both must give the same events.
 */
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import { createResponsesStreamDecoder } from "./stream-decoder.ts";

const VALUE = 'plain, "quoted" \\ and\nnew — ünï 😀 "delta":"x","output_index":9';

function stream(deltas: object[], spaced: boolean): Buffer {
  const write = (o: object) => (spaced ? JSON.stringify(o, null, 1).replace(/\n/g, " ") : JSON.stringify(o));
  const events: object[] = [
    { type: "response.created", sequence_number: 0, response: { id: "resp_1", model: "m", status: "in_progress", output: [] } },
    { type: "response.output_item.added", sequence_number: 1, output_index: 0, item: { type: "message", id: "msg_1", role: "assistant", content: [] } },
    { type: "response.content_part.added", sequence_number: 2, item_id: "msg_1", output_index: 0, content_index: 0, part: { type: "output_text", text: "" } },
    ...deltas.slice(0, 1),
    { type: "response.content_part.done", sequence_number: 4, item_id: "msg_1", output_index: 0, content_index: 0, part: { type: "output_text", text: VALUE } },
    { type: "response.output_item.added", sequence_number: 5, output_index: 1, item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: "" } },
    ...deltas.slice(1),
    { type: "response.completed", sequence_number: 9, response: { id: "resp_1", model: "m", status: "completed", output: [], usage: { input_tokens: 3, output_tokens: 2 } } },
  ];
  return Buffer.from(events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${write(e)}\n\n`).join(""));
}

function decode(bytes: Buffer): StreamEvent[] {
  const decoder = createResponsesStreamDecoder();
  return [...decoder.push(bytes), ...decoder.end()];
}

describe("Responses stream decoder: deltas read without JSON.parse", () => {
  it("gives what JSON.parse gives for the same events spelled otherwise", () => {
    const deltas = [
      { type: "response.output_text.delta", sequence_number: 3, item_id: "msg_1", output_index: 0, content_index: 0, delta: VALUE, logprobs: [] },
      { type: "response.function_call_arguments.delta", sequence_number: 6, item_id: "fc_1", output_index: 1, delta: '{"a":"\\"' },
      { type: "response.function_call_arguments.delta", sequence_number: 7, item_id: "fc_1", output_index: 1, delta: '"}' },
    ];
    const expected = decode(stream(deltas, true));
    expect(expected.filter((e) => e.type === "text_delta")).toEqual([{ type: "text_delta", index: 0, text: VALUE }]);
    expect(expected.filter((e) => e.type === "tool_args_delta").map((e) => (e as { json: string }).json).join("")).toBe('{"a":"\\""}');
    expect(decode(stream(deltas, false))).toEqual(expected);
  });

  it("parses a delta whose string is broken", () => {
    const bytes = Buffer.from(
      stream([{ type: "response.output_text.delta", output_index: 0, content_index: 0, delta: "a" }], false)
        .toString()
        .replace('"delta":"a"', '"delta":"a\\q"'),
    );
    expect(decode(bytes).at(-1)).toMatchObject({ type: "error" });
  });
});
