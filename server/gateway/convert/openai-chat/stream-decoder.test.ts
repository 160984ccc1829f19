import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import { openAiChatCodec } from "./index.ts";

function golden(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Decodes `bytes` fed in the given pieces, end() included. */
function decodePieces(pieces: Buffer[]): StreamEvent[] {
  const decoder = openAiChatCodec.createStreamDecoder();
  const events: StreamEvent[] = [];
  for (const piece of pieces) events.push(...decoder.push(piece));
  events.push(...decoder.end());
  return events;
}

const decodeAll = (bytes: Buffer) => decodePieces([bytes]);

function sse(...chunks: unknown[]): Buffer {
  return Buffer.from(chunks.map((c) => `data: ${typeof c === "string" ? c : JSON.stringify(c)}\n\n`).join(""));
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usageChunk = (usage: Record<string, unknown>) => ({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage });

const ZERO = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 };

const EXPECTED: Record<string, StreamEvent[]> = {
  "stream-text.sse": [
    { type: "start", id: "chatcmpl-BN5xUq0Z8kGvJ3pRt6YwLm2Ac9DeF", model: "gpt-4o-2024-08-06" },
    { type: "block_start", index: 0, block: { type: "text" } },
    { type: "text_delta", index: 0, text: "Hello" },
    { type: "text_delta", index: 0, text: "! Ça va? " },
    { type: "text_delta", index: 0, text: "日本語も" },
    { type: "text_delta", index: 0, text: "OK 🎉" },
    { type: "block_stop", index: 0 },
    { type: "finish", stopReason: "end_turn", usage: { ...ZERO, inputTokens: 128, outputTokens: 12, cacheReadTokens: 1920, reasoningTokens: 0 } },
  ],
  "stream-tools.sse": [
    { type: "start", id: "chatcmpl-C3nR0kHq2Zx7Vb1NmP4sT8uWy6Ea", model: "gpt-4.1-2025-04-14" },
    { type: "block_start", index: 0, block: { type: "tool_call", id: "call_Vq1Kx8bJcT0nE3", name: "get_weather" } },
    { type: "tool_args_delta", index: 0, json: '{"ci' },
    { type: "tool_args_delta", index: 0, json: 'ty":"Pa' },
    { type: "tool_args_delta", index: 0, json: 'ris","unit"' },
    { type: "tool_args_delta", index: 0, json: ':"celsius"}' },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "tool_call", id: "call_9mPzL2wQaR7yHd", name: "get_weather" } },
    { type: "tool_args_delta", index: 1, json: '{"city":"To' },
    { type: "tool_args_delta", index: 1, json: 'kyo","unit":"cel' },
    { type: "tool_args_delta", index: 1, json: 'sius"}' },
    { type: "block_stop", index: 1 },
    { type: "finish", stopReason: "tool_use", usage: { ...ZERO, inputTokens: 82, outputTokens: 51, reasoningTokens: 0 } },
  ],
  // Call b starts while call a is open: b waits (its fragments buffered) until a's JSON closes.
  "stream-tools-interleaved.sse": [
    { type: "start", id: "chatcmpl-7d1e9a", model: "qwen3-coder" },
    { type: "block_start", index: 0, block: { type: "text" } },
    { type: "text_delta", index: 0, text: "Checking both." },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "tool_call", id: "call_a", name: "read_file" } },
    { type: "tool_args_delta", index: 1, json: '{"path":' },
    { type: "tool_args_delta", index: 1, json: '"a.ts"}' },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "tool_call", id: "call_b", name: "read_file" } },
    { type: "tool_args_delta", index: 2, json: '{"path":"b.ts"}' },
    { type: "block_stop", index: 2 },
    { type: "finish", stopReason: "tool_use", usage: { ...ZERO, inputTokens: 300, outputTokens: 40 } },
  ],
  // DeepSeek: usage on the finish chunk, then [DONE].
  "stream-reasoning.sse": [
    { type: "start", id: "a1b2c3d4-0000-4e5f-9a8b-7c6d5e4f3a2b", model: "deepseek-reasoner" },
    { type: "block_start", index: 0, block: { type: "thinking" } },
    { type: "thinking_delta", index: 0, text: "Compare 9.11" },
    { type: "thinking_delta", index: 0, text: " and 9.8: tenths 1 < 8." },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "text" } },
    { type: "text_delta", index: 1, text: "9.11 is" },
    { type: "text_delta", index: 1, text: " smaller." },
    { type: "block_stop", index: 1 },
    { type: "finish", stopReason: "end_turn", usage: { ...ZERO, inputTokens: 17, outputTokens: 210, reasoningTokens: 196 } },
  ],
  "stream-error.sse": [
    { type: "start", id: "chatcmpl-BN6errX0", model: "gpt-4o-2024-08-06" },
    { type: "block_start", index: 0, block: { type: "text" } },
    { type: "text_delta", index: 0, text: "Partial" },
    { type: "error", errorType: "server_error", message: "The server had an error while processing your request. Sorry about that!" },
  ],
};

describe("stream decoder: golden streams", () => {
  it.each(Object.keys(EXPECTED))("%s decodes to the expected events", (name) => {
    expect(decodeAll(golden(name))).toEqual(EXPECTED[name]);
  });

  it.each(Object.keys(EXPECTED))("%s gives the same events split at every byte position, and byte by byte", (name) => {
    const bytes = golden(name);
    const whole = EXPECTED[name];
    // Compared as JSON text (same key order either way): thousands of deep comparisons are slow.
    const wholeText = JSON.stringify(whole);
    for (let at = 1; at < bytes.length; at++) {
      const text = JSON.stringify(decodePieces([bytes.subarray(0, at), bytes.subarray(at)]));
      if (text !== wholeText) expect(JSON.parse(text), `split at ${at}`).toEqual(whole);
    }
    const single = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(decodePieces(single)).toEqual(whole);
  });

  it("CRLF framing decodes the same", () => {
    const crlf = Buffer.from(golden("stream-tools.sse").toString("utf8").replace(/\n/g, "\r\n"));
    expect(decodeAll(crlf)).toEqual(EXPECTED["stream-tools.sse"]);
  });
});

describe("stream decoder: faults", () => {
  it("a stream cut before its finish reason closes the open block and reports the early end", () => {
    const bytes = sse(chunk({ role: "assistant", content: "" }), chunk({ tool_calls: [{ index: 0, id: "c", type: "function", function: { name: "f", arguments: '{"a"' } }] }));
    expect(decodeAll(bytes)).toEqual([
      { type: "start", id: "chatcmpl-1", model: "m" },
      { type: "block_start", index: 0, block: { type: "tool_call", id: "c", name: "f" } },
      { type: "tool_args_delta", index: 0, json: '{"a"' },
      { type: "block_stop", index: 0 },
      { type: "error", errorType: "api_error", message: "the upstream stream ended early" },
    ]);
  });

  it("a finish reason without its usage chunk or [DONE] is cut short too (its bill is missing)", () => {
    const events = decodeAll(sse(chunk({ content: "hi" }), chunk({}, "stop")));
    expect(events.at(-1)).toEqual({ type: "error", errorType: "api_error", message: "the upstream stream ended early" });
    expect(events.some((e) => e.type === "finish")).toBe(false);
  });

  it("usage after the finish reason completes the answer even without [DONE]", () => {
    const events = decodeAll(sse(chunk({ content: "hi" }), chunk({}, "length"), usageChunk({ prompt_tokens: 5, completion_tokens: 1 })));
    expect(events.at(-1)).toEqual({ type: "finish", stopReason: "max_tokens", usage: { ...ZERO, inputTokens: 5, outputTokens: 1 } });
  });

  it("a torn [DONE] after a finish chunk that carried the usage (DeepSeek) still finishes", () => {
    const bytes = golden("stream-reasoning.sse");
    const torn = bytes.subarray(0, bytes.length - "ONE]\n\n".length);
    expect(decodeAll(torn)).toEqual(EXPECTED["stream-reasoning.sse"]);
  });

  it("[DONE] without usage: the finish carries zero usage (the upstream reports none)", () => {
    const events = decodeAll(sse(chunk({ content: "hi" }), chunk({}, "stop"), "[DONE]"));
    expect(events.at(-1)).toEqual({ type: "finish", stopReason: "end_turn", usage: ZERO });
  });

  it("malformed JSON → one error event, nothing after it", () => {
    const events = decodeAll(Buffer.concat([sse(chunk({ content: "a" })), Buffer.from('data: {"id":"x","choices":[{\n\n'), sse(chunk({ content: "b" }), "[DONE]")]));
    expect(events.slice(-1)).toEqual([{ type: "error", errorType: "api_error", message: "the upstream sent a stream event that is not valid JSON" }]);
    expect(events.filter((e) => e.type === "text_delta")).toHaveLength(1);
  });

  it("an error object (or a relay's error string) → error event", () => {
    expect(decodeAll(sse({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }))).toEqual([
      { type: "error", errorType: "requests", message: "Rate limit reached" },
    ]);
    expect(decodeAll(sse({ error: "upstream overloaded" }))).toEqual([{ type: "error", errorType: "api_error", message: "upstream overloaded" }]);
  });

  it("comments, unknown members, other choices and empty deltas are ignored", () => {
    const bytes = Buffer.concat([
      Buffer.from(": keep-alive\n\n"),
      sse(
        chunk({ role: "assistant", content: null }),
        { ...chunk({ content: "x" }), choices: [{ index: 1, delta: { content: "other choice" }, finish_reason: null }] },
        chunk({ content: "", audio: { id: "a" }, annotations: [] }),
        chunk({ content: "ok" }),
        chunk({}, "stop"),
        "[DONE]",
      ),
    ]);
    expect(decodeAll(bytes)).toEqual([
      { type: "start", id: "chatcmpl-1", model: "m" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "ok" },
      { type: "block_stop", index: 0 },
      { type: "finish", stopReason: "end_turn", usage: ZERO },
    ]);
  });

  it("an empty stream, or [DONE] alone, is an error", () => {
    expect(decodeAll(Buffer.alloc(0))).toEqual([{ type: "error", errorType: "api_error", message: "the upstream stream ended early" }]);
    expect(decodeAll(sse("[DONE]"))[0].type).toBe("error");
  });
});

describe("stream decoder: tool calls from compatible servers", () => {
  it("calls all numbered 0 but with distinct ids are told apart", () => {
    const events = decodeAll(
      sse(
        chunk({ tool_calls: [{ index: 0, id: "call_1", function: { name: "a", arguments: '{"x":1}' } }] }),
        chunk({ tool_calls: [{ index: 0, id: "call_2", function: { name: "b", arguments: '{"y":2}' } }] }),
        chunk({}, "tool_calls"),
        "[DONE]",
      ),
    );
    expect(events.filter((e) => e.type === "block_start")).toEqual([
      { type: "block_start", index: 0, block: { type: "tool_call", id: "call_1", name: "a" } },
      { type: "block_start", index: 1, block: { type: "tool_call", id: "call_2", name: "b" } },
    ]);
    expect(events.filter((e) => e.type === "tool_args_delta")).toEqual([
      { type: "tool_args_delta", index: 0, json: '{"x":1}' },
      { type: "tool_args_delta", index: 1, json: '{"y":2}' },
    ]);
  });

  it("a call whose arguments never close keeps later calls queued until the finish, then plays them in order", () => {
    const events = decodeAll(
      sse(
        chunk({ tool_calls: [{ index: 0, id: "c0", function: { name: "a", arguments: '{"s":"}' } }] }),
        chunk({ tool_calls: [{ index: 1, id: "c1", function: { name: "b", arguments: "{}" } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: "more" } }] }),
        chunk({}, "tool_calls"),
        "[DONE]",
      ),
    );
    expect(events.slice(1, -1)).toEqual([
      { type: "block_start", index: 0, block: { type: "tool_call", id: "c0", name: "a" } },
      { type: "tool_args_delta", index: 0, json: '{"s":"}' },
      { type: "tool_args_delta", index: 0, json: "more" },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { type: "tool_call", id: "c1", name: "b" } },
      { type: "tool_args_delta", index: 1, json: "{}" },
      { type: "block_stop", index: 1 },
    ]);
  });

  it("a missing call id is made up; a 'stop' after tool calls is tool_use", () => {
    const events = decodeAll(sse(chunk({ tool_calls: [{ index: 0, function: { name: "f", arguments: "{}" } }] }), chunk({}, "stop"), "[DONE]"));
    expect(events[1]).toEqual({ type: "block_start", index: 0, block: { type: "tool_call", id: "call_0", name: "f" } });
    expect(events.at(-1)).toMatchObject({ type: "finish", stopReason: "tool_use" });
  });

  it("a refusal streams as text and ends with the refusal stop reason", () => {
    const events = decodeAll(sse(chunk({ refusal: "I can't" }), chunk({ refusal: " help." }), chunk({}, "stop"), "[DONE]"));
    expect(events.filter((e) => e.type === "text_delta").map((e) => (e as { text: string }).text).join("")).toBe("I can't help.");
    expect(events.at(-1)).toMatchObject({ type: "finish", stopReason: "refusal" });
  });
});

/** The StreamEvent invariants of neutral.ts; returns the first violation, or undefined. */
function violation(events: StreamEvent[]): string | undefined {
  let open: number | undefined;
  let next = 0;
  let ended = false;
  for (const [i, event] of events.entries()) {
    if (ended) return `event ${i} after the end`;
    if (event.type === "error") {
      ended = true;
      continue;
    }
    if ((i === 0) !== (event.type === "start")) return `start at ${i}`;
    switch (event.type) {
      case "block_start":
        if (open !== undefined) return `block ${event.index} opened while ${open} is open`;
        if (event.index !== next) return `block index ${event.index}, expected ${next}`;
        open = next++;
        break;
      case "block_stop":
        if (open !== event.index) return `stop of ${event.index} while ${open} is open`;
        open = undefined;
        break;
      case "text_delta":
      case "thinking_delta":
      case "tool_args_delta":
      case "signature_delta":
        if (open !== event.index) return `delta for ${event.index} while ${open} is open`;
        break;
      case "finish":
        if (open !== undefined) return "finish with an open block";
        ended = true;
        break;
    }
  }
  return ended ? undefined : "no finish or error at the end";
}

describe("stream decoder: invariants under damage", () => {
  it.each(Object.keys(EXPECTED))("%s cut at every byte position: the events keep the invariants and end in finish or error", (name) => {
    const bytes = golden(name);
    for (let at = 0; at <= bytes.length; at++) {
      const events = decodePieces([bytes.subarray(0, at)]);
      const problem = violation(events);
      if (problem) expect.fail(`cut at ${at}: ${problem}`);
    }
  });

  it("random bytes spliced into golden streams never throw and keep the invariants", () => {
    // A fixed-seed generator: the same damage on every run.
    let seed = 0x9e3779b9;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    for (const name of Object.keys(EXPECTED)) {
      const bytes = golden(name);
      for (let round = 0; round < 200; round++) {
        const damaged = Buffer.from(bytes);
        for (let k = 0; k < 3; k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
        const events = decodePieces([damaged.subarray(0, Math.floor(random() * damaged.length) + 1)]);
        const problem = violation(events);
        if (problem) expect.fail(`${name} round ${round}: ${problem}`);
      }
    }
  });

  it("the golden streams themselves keep the invariants", () => {
    for (const name of Object.keys(EXPECTED)) expect(violation(EXPECTED[name])).toBeUndefined();
  });
});
