import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { createStreamDecoder } from "./stream-decoder.ts";
import { createStreamEncoder, googleErrorOf } from "./stream-encoder.ts";

function ctx(sse: boolean, model = "gemini-2.5-flash"): EncodeContext {
  return { model, requestId: "req_7", includeUsage: false, sse, now: 1_700_000_000 };
}

const USAGE = { inputTokens: 10, outputTokens: 6, cacheReadTokens: 2, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 4 };

/** A Claude-like stream: thinking with a foreign signature, text, one tool call in fragments. */
const CLAUDE_LIKE: StreamEvent[][] = [
  [{ type: "start", id: "msg_01", model: "claude-sonnet-4-5" }],
  [
    { type: "block_start", index: 0, block: { type: "thinking" } },
    { type: "thinking_delta", index: 0, text: "Let me " },
    { type: "thinking_delta", index: 0, text: "think." },
    { type: "signature_delta", index: 0, signature: "claude-sig", origin: "claude" },
    { type: "block_stop", index: 0 },
  ],
  [
    { type: "block_start", index: 1, block: { type: "text" } },
    { type: "text_delta", index: 1, text: "Sure" },
  ],
  [
    { type: "text_delta", index: 1, text: "." },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "tool_call", id: "toolu_9", name: "read" } },
    { type: "tool_args_delta", index: 2, json: '{"pa' },
  ],
  [{ type: "tool_args_delta", index: 2, json: 'th":"a.txt"}' }],
  [
    { type: "block_stop", index: 2 },
    { type: "finish", stopReason: "tool_use", usage: USAGE },
  ],
];

const TAIL = '"modelVersion":"gemini-2.5-flash","responseId":"msg_01"';
const CHUNKS = [
  `{"candidates":[{"content":{"role":"model","parts":[{"text":"Let me think.","thought":true}]},"index":0}],${TAIL}}`,
  `{"candidates":[{"content":{"role":"model","parts":[{"text":"Sure"}]},"index":0}],${TAIL}}`,
  `{"candidates":[{"content":{"role":"model","parts":[{"text":"."}]},"index":0}],${TAIL}}`,
  `{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"id":"toolu_9","name":"read","args":{"path":"a.txt"}}}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":2,"cachedContentTokenCount":2,"thoughtsTokenCount":4,"totalTokenCount":18},${TAIL}}`,
];

function encodeAll(batches: StreamEvent[][], context: EncodeContext, wrap?: (encoder: ReturnType<typeof createStreamEncoder>) => void): string {
  const encoder = createStreamEncoder(context);
  wrap?.(encoder);
  return batches.map((batch) => encoder.encode(batch)).join("") + encoder.end();
}

describe("gemini stream encoder", () => {
  it("writes one SSE chunk per batch with content, the call once it is complete, finish and usage last", () => {
    expect(encodeAll(CLAUDE_LIKE, ctx(true))).toBe(CHUNKS.map((c) => `data: ${c}\r\n\r\n`).join(""));
  });

  it("writes the same chunks as a streamed JSON array without alt=sse", () => {
    const encoder = createStreamEncoder(ctx(false));
    const pieces = CLAUDE_LIKE.map((batch) => encoder.encode(batch));
    expect(pieces[0]).toBe("");
    expect(pieces[1]).toBe(`[${CHUNKS[0]}`);
    expect(pieces[2]).toBe(`,\r\n${CHUNKS[1]}`);
    const all = pieces.join("") + encoder.end();
    expect(all).toBe(`[${CHUNKS.join(",\r\n")}]`);
    expect(JSON.parse(all)).toHaveLength(4);
  });

  it("ends an SSE stream with Google's error envelope and writes nothing after it", () => {
    const encoder = createStreamEncoder(ctx(true));
    encoder.encode([{ type: "start", id: "", model: "x" }]);
    const out = encoder.encode([
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Hi" },
      { type: "error", errorType: "overloaded_error", message: "Overloaded" },
      { type: "text_delta", index: 0, text: "ignored" },
    ]);
    expect(out).toBe(
      'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"req_7"}\r\n\r\n' +
        'data: {"error":{"code":503,"message":"Overloaded","status":"UNAVAILABLE"}}\r\n\r\n',
    );
    expect(encoder.encode([{ type: "text_delta", index: 0, text: "more" }])).toBe("");
    expect(encoder.end()).toBe("");
  });

  it("ends a JSON array with an error element and the closing bracket", () => {
    const encoder = createStreamEncoder(ctx(false));
    const out = encoder.encode([{ type: "error", errorType: "rate_limit_error", message: "Slow down" }]) + encoder.end();
    expect(out).toBe('[{"error":{"code":429,"message":"Slow down","status":"RESOURCE_EXHAUSTED"}}]');
    expect(JSON.parse(out)).toEqual([{ error: { code: 429, message: "Slow down", status: "RESOURCE_EXHAUSTED" } }]);
  });

  it("writes an empty array for a stream that said nothing", () => {
    const encoder = createStreamEncoder(ctx(false));
    expect(encoder.end()).toBe("[]");
  });

  it("keeps Gemini signatures and keeps unparseable tool arguments as _raw", () => {
    const out = encodeAll(
      [
        [
          { type: "start", id: "r1", model: "gemini-3-pro-preview" },
          { type: "block_start", index: 0, block: { type: "tool_call", id: "call_0", name: "f" } },
          { type: "signature_delta", index: 0, signature: "c2ln", origin: "gemini" },
          { type: "tool_args_delta", index: 0, json: "{not json" },
          { type: "block_stop", index: 0 },
          { type: "finish", stopReason: "tool_use", usage: { ...USAGE, reasoningTokens: undefined } },
        ],
      ],
      ctx(true),
    );
    const chunk = JSON.parse(out.slice("data: ".length));
    expect(chunk.candidates[0].content.parts).toEqual([{ functionCall: { id: "call_0", name: "f", args: { _raw: "{not json" } }, thoughtSignature: "c2ln" }]);
  });

  it.each([
    ["stream-text.sse", "gemini-2.5-flash"],
    ["stream-tools.sse", "gemini-3-pro-preview"],
  ])("re-encodes the decoded %s so that decoding it again gives the same events", (name, model) => {
    const decoder = createStreamDecoder();
    const bytes = readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const events = [...decoder.push(bytes), ...decoder.end()];
    const encoder = createStreamEncoder(ctx(true, model));
    const again = createStreamDecoder();
    const decodedAgain: StreamEvent[] = [];
    // One event per batch, as a live stream would deliver them.
    for (const event of events) decodedAgain.push(...again.push(Buffer.from(encoder.encode([event]))));
    decodedAgain.push(...again.push(Buffer.from(encoder.end())), ...again.end());
    expect(decodedAgain).toEqual(events);
  });

  it.each([
    ["overloaded_error", 503, "UNAVAILABLE"],
    ["RESOURCE_EXHAUSTED", 429, "RESOURCE_EXHAUSTED"],
    ["invalid_request_error", 400, "INVALID_ARGUMENT"],
    ["authentication_error", 401, "UNAUTHENTICATED"],
    ["permission_error", 403, "PERMISSION_DENIED"],
    ["invalid_response", 500, "INTERNAL"],
  ])("maps error type %s to %i %s", (type, code, status) => {
    expect(googleErrorOf(type)).toEqual({ code, status });
  });
});
