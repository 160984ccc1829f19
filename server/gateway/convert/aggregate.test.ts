import { describe, expect, it } from "vitest";
import { AggregatingTap, ResponseAggregator } from "./aggregate.ts";
import type { StreamEvent } from "./neutral.ts";
import type { StreamDecoder } from "./types.ts";

const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 };

const answer: StreamEvent[] = [
  { type: "start", id: "resp_1", model: "gpt-5" },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "thinking_delta", index: 0, text: "Hmm" },
  { type: "signature_delta", index: 0, signature: "enc", origin: "openai-responses" },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "text" } },
  { type: "text_delta", index: 1, text: "Hel" },
  { type: "text_delta", index: 1, text: "lo" },
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { type: "tool_call", id: "call_1", name: "f" } },
  { type: "tool_args_delta", index: 2, json: '{"a"' },
  { type: "tool_args_delta", index: 2, json: ":1}" },
  { type: "block_stop", index: 2 },
  { type: "finish", stopReason: "tool_use", usage },
];

/** A decoder that hands out one prepared event per pushed chunk. */
function decoderOf(events: StreamEvent[], atEnd: StreamEvent[] = []): StreamDecoder {
  let i = 0;
  return { push: () => (i < events.length ? [events[i++]] : []), end: () => atEnd };
}

describe("ResponseAggregator", () => {
  it("builds the whole response from a stream's events, in order", () => {
    const a = new ResponseAggregator();
    a.add(answer);
    expect(a.completed).toBe(true);
    expect(a.response()).toEqual({
      id: "resp_1",
      model: "gpt-5",
      parts: [
        { type: "thinking", text: "Hmm", encrypted: "enc", origin: "openai-responses" },
        { type: "text", text: "Hello" },
        { type: "tool_call", id: "call_1", name: "f", input: { a: 1 } },
      ],
      stopReason: "tool_use",
      usage,
    });
    expect(a.usage()).toMatchObject({ inputTokens: 10, outputTokens: 5, cacheReadTokens: 100 });
    expect(a.generated).toBe("Hmm".length + "Hello".length + '{"a":1}'.length);
  });

  it("fails on tool-call arguments that are not a JSON object, and on an error event", () => {
    const broken = new ResponseAggregator();
    broken.add([answer[0], answer[9], { type: "tool_args_delta", index: 2, json: "[1" }, { type: "block_stop", index: 2 }, answer[13]]);
    expect(broken.completed).toBe(false);
    expect(broken.error?.message).toMatch(/tool call f .*not a JSON object/);

    const failed = new ResponseAggregator();
    failed.add([answer[0], { type: "error", errorType: "overloaded_error", message: "busy" }, answer[13]]);
    expect(failed.completed).toBe(false);
    expect(failed.error).toEqual({ type: "overloaded_error", message: "busy" });
  });
});

describe("AggregatingTap", () => {
  it("forwards nothing and never reports content until the end, then the encoded answer", () => {
    const tap = new AggregatingTap(decoderOf(answer), (r) => Buffer.from(JSON.stringify({ text: r.parts.length })), () => "error");
    for (let i = 0; i < answer.length; i++) {
      expect(tap.push(Buffer.from("x")).length).toBe(0);
      expect(tap.summary().sawContent).toBe(false);
      expect(tap.summary().completed).toBe(false);
    }
    expect(tap.end()?.toString()).toBe('{"text":3}');
    expect(tap.summary()).toMatchObject({ completed: true, sawContent: false, model: "gpt-5", usage: { inputTokens: 10, cacheReadTokens: 100 } });
  });

  it("ends a failed stream with the client's error envelope, and an unfinished one with nothing", () => {
    const tap = new AggregatingTap(decoderOf(answer.slice(0, 8), [{ type: "error", errorType: "api_error", message: "cut short" }]), () => Buffer.from("{}"), () => "error");
    for (let i = 0; i < 8; i++) tap.push(Buffer.from("x"));
    // The client's error envelope: dropped by an uncommitted attempt, the body of a committed one.
    expect(tap.end()?.toString()).toBe("error");
    expect(tap.summary()).toMatchObject({ completed: false, error: { message: "cut short" } });

    const silent = new AggregatingTap(decoderOf(answer.slice(0, 3)), () => Buffer.from("{}"), () => "error");
    for (let i = 0; i < 3; i++) silent.push(Buffer.from("x"));
    expect(silent.end()).toBeUndefined();
    expect(silent.summary()).toMatchObject({ completed: false, sawContent: false });
  });
});
