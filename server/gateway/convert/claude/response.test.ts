import { describe, expect, it } from "vitest";
import type { Part, Response } from "../neutral.ts";
import errorBody from "./fixtures/response-error.json";
import structured from "./fixtures/response-structured.json";
import fixture from "./fixtures/response-tool-use.json";
import { decodeClaudeRequest } from "./request.ts";
import { decodeClaudeResponse, encodeClaudeResponse, NotAClaudeMessage } from "./response.ts";

const ctx = { model: "claude-sonnet-4-5-20250929", requestId: "req-7f3a-91", includeUsage: false, sse: false, now: 1_765_000_000 };
const decode = (body: object) => decodeClaudeResponse(structuredClone(body) as Record<string, unknown>);

const TOOL_USE: Response = {
  id: "msg_01XFDUDYJgAACzvnptvVoYEL",
  model: "claude-sonnet-4-5-20250929",
  parts: [
    { type: "thinking", text: "Both files are needed; read them in parallel.", signature: fixture.content[0].signature, origin: "claude" },
    { type: "text", text: "I'll read both config files." },
    { type: "tool_call", id: "toolu_01A09q90qw90lq917835lq9", name: "Read", input: { file_path: "/home/dev/app/a.json" } },
    { type: "tool_call", id: "toolu_01B18r81rx81mr826924mr8", name: "Read", input: { file_path: "/home/dev/app/b.json" } },
  ],
  stopReason: "tool_use",
  usage: { inputTokens: 12, outputTokens: 180, cacheReadTokens: 18000, cacheWrite5mTokens: 500, cacheWrite1hTokens: 2000 },
};

describe("Claude responses: golden fixture", () => {
  it("decodes thinking, text and parallel tool calls in order, with usage in disjoint buckets", () => {
    expect(decode(fixture)).toEqual(TOOL_USE);
  });

  it("encodes the same Message back (service_tier is the upstream's own and not repeated)", () => {
    const expected = structuredClone(fixture) as Record<string, unknown> & { usage: Record<string, unknown> };
    delete expected.usage.service_tier;
    expect(encodeClaudeResponse(TOOL_USE, ctx)).toEqual(expected);
  });

  it("round-trips a structured-output answer (JSON text, no cache)", () => {
    const response = decode(structured);
    expect(response).toEqual({
      id: "msg_01Aq9w938a90dw8q",
      model: "claude-opus-4-5-20251101",
      parts: [{ type: "text", text: '{"name":"John Smith","email":"john@example.com"}' }],
      stopReason: "end_turn",
      usage: { inputTokens: 187, outputTokens: 21, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 },
    });
    expect(encodeClaudeResponse(response, { ...ctx, model: "claude-opus-4-5-20251101" })).toEqual(structured);
  });
});

describe("decodeResponse", () => {
  it("maps stop reasons, reads redacted thinking, thinking token details and an undivided cache write as 5-minute", () => {
    const response = decode({
      id: "msg_1",
      model: "m",
      content: [
        { type: "redacted_thinking", data: "EmwK" },
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } },
        { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
        { type: "text", text: "found", citations: [{ type: "web_search_result_location", url: "https://x" }] },
      ],
      stop_reason: "model_context_window_exceeded",
      usage: { input_tokens: 5, output_tokens: 7, cache_creation_input_tokens: 30, output_tokens_details: { thinking_tokens: 4 } },
    });
    expect(response.parts).toEqual([
      { type: "thinking", text: "", redacted: "EmwK", origin: "claude" },
      { type: "text", text: "found" },
    ]);
    expect(response.stopReason).toBe("max_tokens");
    expect(response.usage).toEqual({ inputTokens: 5, outputTokens: 7, cacheReadTokens: 0, cacheWrite5mTokens: 30, cacheWrite1hTokens: 0, reasoningTokens: 4 });
    expect(decode({ content: [], stop_reason: "stop_sequence", stop_sequence: "END" })).toMatchObject({ stopReason: "stop_sequence", stopSequence: "END", id: "", model: "" });
    expect(decode({ content: [], stop_reason: "refusal" }).stopReason).toBe("refusal");
    expect(decode({ content: [], stop_reason: "pause_turn" }).stopReason).toBe("pause_turn");
  });

  it("refuses a body that is not a Message", () => {
    expect(() => decode(errorBody)).toThrow(NotAClaudeMessage);
  });
});

describe("encodeResponse", () => {
  it("names the client's model, derives an id when the upstream gave none and maps a content filter to refusal", () => {
    const body = encodeClaudeResponse(
      {
        id: "",
        model: "gpt-5",
        parts: [
          { type: "text", text: "{}" },
          { type: "tool_call", id: "call_abc", name: "f", input: { a: 1 } },
        ],
        stopReason: "content_filter",
        usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 1 },
      },
      { ...ctx, model: "claude-sonnet-4-5" },
    );
    expect(body).toEqual({
      id: "msg_req-7f3a-91",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [
        { type: "text", text: "{}" },
        { type: "tool_use", id: "call_abc", name: "f", input: { a: 1 } },
      ],
      stop_reason: "refusal",
      stop_sequence: null,
      usage: { input_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 3, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }, output_tokens: 2 },
    });
  });

  it("carries other vendors' reasoning tokens and a tool call's signature in thinking signatures, which the next request gives back", () => {
    const parts: Part[] = [
      { type: "thinking", text: "summary of reasoning", encrypted: "gAAAAB-enc==", itemId: "rs_01", origin: "openai-responses" },
      { type: "thinking", text: "", encrypted: "gAAAAC-enc==", origin: "openai-responses" },
      { type: "thinking", text: "plain reasoning", origin: "openai-chat" },
      { type: "thinking", text: "", origin: "openai-chat" },
      { type: "tool_call", id: "call_1", name: "f", input: { a: 1 }, signature: "CiQBcsjafE+/sig==" },
      { type: "tool_call", id: "call_2", name: "f", input: { a: 2 } },
    ];
    const body = encodeClaudeResponse({ id: "x", model: "gemini-3-pro", parts, stopReason: "tool_use", usage: TOOL_USE.usage }, ctx);
    const content = body.content as Array<Record<string, unknown>>;
    expect(content.map((b) => b.type)).toEqual(["thinking", "thinking", "thinking", "tool_use", "thinking", "tool_use"]);
    expect(content[0]).toEqual({ type: "thinking", thinking: "summary of reasoning", signature: expect.stringMatching(/^cch1\.r\.openai-responses\./) });
    expect(content[2]).toEqual({ type: "thinking", thinking: "plain reasoning", signature: "" });
    expect(content[4]).toEqual({ type: "thinking", thinking: "", signature: expect.stringMatching(/^cch1\.c\./) });
    const next = decodeClaudeRequest({ model: "m", messages: [{ role: "assistant", content }] }, { format: "claude", kind: "generate", path: "/v1/messages" }, "");
    expect(next.messages[0].parts).toEqual([
      parts[0],
      parts[1],
      { type: "thinking", text: "plain reasoning", origin: "claude" },
      parts[4],
      parts[5],
    ]);
  });

  it("maps an upstream error finish to end_turn", () => {
    const body = encodeClaudeResponse({ id: "x", model: "m", parts: [], stopReason: "error", usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } }, ctx);
    expect(body.stop_reason).toBe("end_turn");
  });
});
