import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Response, StopReason } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { openAiResponsesCodec as codec } from "./index.ts";
import { wrapForeign } from "./reasoning.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const ctx: EncodeContext = { model: "gpt-5", requestId: "req_4f3e2d1c0b0a99887766554433221100", includeUsage: false, sse: true, now: 1765000000 };
const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 };

const TOOLS_NEUTRAL: Response = {
  id: "resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b",
  model: "gpt-5-2025-08-07",
  parts: [
    { type: "thinking", text: "**Checking the weather**\n\nThe user wants two cities.", encrypted: "gAAAAABor0A0encrypted==", itemId: "rs_68af4030baa48193b0b43b4c2a176a1a05438e46b5f69a3b", origin: "openai-responses" },
    { type: "text", text: "Let me check both cities." },
    { type: "tool_call", id: "call_6J1aTV6ER2PqGSjyKCnTTRrA", name: "get_weather", input: { city: "Paris" } },
    { type: "tool_call", id: "call_tr4xZyXQ1kOp8bHrQeVnS6Lz", name: "get_weather", input: { city: "Tokyo" } },
  ],
  stopReason: "tool_use",
  // input_tokens 2318 includes the 2048 cached ones; reasoning is inside the 295 output tokens.
  usage: { inputTokens: 270, outputTokens: 295, cacheReadTokens: 2048, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 192 },
};

describe("openai-responses decodeResponse", () => {
  it("decodes reasoning, text and parallel function calls, with usage in disjoint buckets", () => {
    expect(codec.decodeResponse(fixture("response-tools.json"))).toEqual(TOOLS_NEUTRAL);
  });

  it("reads an incomplete response as max_tokens", () => {
    expect(codec.decodeResponse(fixture("response-incomplete.json"))).toEqual({
      id: "resp_0c2b7a9e4d1f",
      model: "gpt-4.1-2025-04-14",
      parts: [{ type: "text", text: "The first three primes are 2, 3, and" }],
      stopReason: "max_tokens",
      usage: { inputTokens: 20, outputTokens: 16, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
    } satisfies Response);
  });

  it.each([
    [{ status: "completed", output: [{ type: "message", content: [{ type: "refusal", refusal: "I can't help with that." }] }] }, "refusal"],
    [{ status: "incomplete", incomplete_details: { reason: "content_filter" }, output: [] }, "content_filter"],
    [{ status: "failed", error: { code: "server_error", message: "x" }, output: [] }, "error"],
    [{ status: "completed", output: [{ type: "custom_tool_call", call_id: "c", name: "apply_patch", input: "*** Begin Patch" }] }, "tool_use"],
    [{ status: "completed", output: [] }, "end_turn"],
  ])("maps %j to %s", (body, stopReason) => {
    expect(codec.decodeResponse(body).stopReason).toBe(stopReason);
  });

  it("never lets a relay's cached count exceed the input count", () => {
    expect(codec.decodeResponse({ status: "completed", output: [], usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 50 }, output_tokens: 1 } }).usage).toEqual({ ...usage, inputTokens: 0, cacheReadTokens: 10, outputTokens: 1 });
  });

  it("returns a custom tool call as {input}", () => {
    expect(codec.decodeResponse({ status: "completed", output: [{ type: "custom_tool_call", call_id: "c", name: "apply_patch", input: "*** Begin Patch" }] }).parts).toEqual([{ type: "tool_call", id: "c", name: "apply_patch", input: { input: "*** Begin Patch" } }]);
  });
});

describe("openai-responses encodeResponse", () => {
  it("gives back the upstream Responses object's output and usage", () => {
    const original = fixture("response-tools.json");
    const encoded = codec.encodeResponse(TOOLS_NEUTRAL, ctx);
    const outputIds = ["rs_68af4030baa48193b0b43b4c2a176a1a05438e46b5f69a3b", "msg_4f3e2d1c0b0a99887766554433221100_1", "fc_4f3e2d1c0b0a99887766554433221100_2", "fc_4f3e2d1c0b0a99887766554433221100_3"];
    // Same output as the upstream's except the message and call item ids, which neutral does not keep.
    expect(encoded.output).toEqual((original.output as Record<string, unknown>[]).map((item, i) => ({ ...item, id: outputIds[i] })));
    expect(encoded.usage).toEqual(original.usage);
    expect(encoded).toMatchObject({ id: original.id, object: "response", created_at: 1765000000, status: "completed", error: null, incomplete_details: null, model: "gpt-5" });
  });

  it("answers a Claude upstream's turn with Responses ids, cache writes counted as input, and the signature in the envelope", () => {
    const encoded = codec.encodeResponse(
      {
        id: "msg_01XFDUDYJgAACzvnptvVoYEL",
        model: "claude-sonnet-4-5",
        parts: [
          { type: "thinking", text: "Plan.", signature: "EqQBCkYIBxgCKkA", origin: "claude" },
          { type: "thinking", text: "", redacted: "EmwKAhgBEgy3va", origin: "claude" },
          { type: "text", text: "Hello" },
          { type: "text", text: " world" },
          { type: "tool_call", id: "toolu_01A", name: "Bash", input: { _raw: "{bad" } },
        ],
        stopReason: "max_tokens",
        usage: { inputTokens: 10, outputTokens: 7, cacheReadTokens: 100, cacheWrite5mTokens: 20, cacheWrite1hTokens: 5 },
      },
      ctx,
    );
    expect(encoded).toMatchObject({
      id: "resp_4f3e2d1c0b0a99887766554433221100",
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      output: [
        { id: "rs_4f3e2d1c0b0a99887766554433221100_0", type: "reasoning", summary: [{ type: "summary_text", text: "Plan." }], encrypted_content: wrapForeign("claude", "sig", "EqQBCkYIBxgCKkA") },
        { id: "rs_4f3e2d1c0b0a99887766554433221100_1", type: "reasoning", summary: [], encrypted_content: wrapForeign("claude", "redacted", "EmwKAhgBEgy3va") },
        {
          id: "msg_4f3e2d1c0b0a99887766554433221100_2",
          type: "message",
          role: "assistant",
          content: [
            { type: "output_text", annotations: [], logprobs: [], text: "Hello" },
            { type: "output_text", annotations: [], logprobs: [], text: " world" },
          ],
        },
        { id: "fc_4f3e2d1c0b0a99887766554433221100_3", type: "function_call", call_id: "toolu_01A", name: "Bash", arguments: "{bad" },
      ],
      usage: { input_tokens: 135, input_tokens_details: { cached_tokens: 100 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 142 },
    });
  });

  it("round-trips a Claude signature through a Responses client back into a thinking part of origin claude", () => {
    const encoded = codec.encodeResponse({ id: "m", model: "c", parts: [{ type: "thinking", text: "Plan.", signature: "EqQB", origin: "claude" }], stopReason: "end_turn", usage }, ctx);
    const item = (encoded.output as Record<string, unknown>[])[0];
    const back = codec.decodeRequest({ model: "m", input: [item] }, { format: "openai-responses", kind: "generate", path: "/v1/responses" }, "");
    expect(back.messages[0].parts[0]).toEqual({ type: "thinking", text: "Plan.", signature: "EqQB", origin: "claude" });
  });

  it.each<[StopReason, string, unknown]>([
    ["end_turn", "completed", null],
    ["tool_use", "completed", null],
    ["stop_sequence", "completed", null],
    ["refusal", "completed", null],
    ["max_tokens", "incomplete", { reason: "max_output_tokens" }],
    ["content_filter", "incomplete", { reason: "content_filter" }],
    ["error", "failed", null],
  ])("encodes stop reason %s as status %s", (stopReason, status, incomplete) => {
    const encoded = codec.encodeResponse({ id: "x", model: "m", parts: [], stopReason, usage }, ctx);
    expect(encoded.status).toBe(status);
    expect(encoded.incomplete_details).toEqual(incomplete);
  });
});
