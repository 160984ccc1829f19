/**
 * Client values the hub keeps have a length limit; over it, the request is the client's error
 * (and nothing of it is kept). Body fields here; path, query and headers through a real hub in
 * input-bounds.integration.test.ts.
 */
import { describe, expect, it } from "vitest";
import { matchRoute } from "../endpoints.ts";
import { GatewayError } from "../errors.ts";
import { readClaudeRequest } from "../formats/claude/request.ts";
import { readCodeAssistRequest } from "../formats/gemini-cli/request.ts";
import { readOpenAiChatRequest } from "../formats/openai-chat/request.ts";
import { readGeminiRequest } from "../formats/gemini/request.ts";
import { readOpenAiResponsesRequest } from "../formats/openai-responses/request.ts";
import { checkRequestBounds, INPUT_BOUNDS, RequestRejected } from "./input-bounds.ts";

const codeAssist = { format: "gemini-cli" as const, kind: "generate" as const, path: "/v1internal:generateContent", stream: false };
const body = (value: object) => Buffer.from(JSON.stringify(value));
const long = (n: number) => "x".repeat(n);

function refusal(read: () => unknown): GatewayError | undefined {
  try {
    read();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  return undefined;
}

describe("body fields over their limit are the client's 400", () => {
  const model = long(INPUT_BOUNDS.modelChars + 1);
  it.each([
    ["Messages model", () => readClaudeRequest(body({ model, max_tokens: 1 }))],
    ["Chat model", () => readOpenAiChatRequest(body({ model }))],
    ["Responses model", () => readOpenAiResponsesRequest(body({ model }))],
    ["Code Assist model", () => readCodeAssistRequest(body({ model, request: {} }), codeAssist)],
    ["Code Assist request.model", () => readCodeAssistRequest(body({ request: { model: `models/${model}` } }), { ...codeAssist, kind: "passthrough" })],
    ["Code Assist request.session_id", () => readCodeAssistRequest(body({ model: "m", request: { session_id: long(INPUT_BOUNDS.sessionIdChars + 1) } }), codeAssist)],
    ["Messages metadata.user_id", () => readClaudeRequest(body({ model: "m", metadata: { user_id: long(INPUT_BOUNDS.metadataUserIdChars + 1) } }))],
    ["Chat metadata size", () => readOpenAiChatRequest(body({ model: "m", metadata: { note: long(INPUT_BOUNDS.metadataBytes) } }))],
    ["Chat prompt_cache_key", () => readOpenAiChatRequest(body({ model: "m", prompt_cache_key: long(INPUT_BOUNDS.sessionIdChars + 1) }))],
    ["Responses previous_response_id", () => readOpenAiResponsesRequest(body({ model: "m", previous_response_id: long(INPUT_BOUNDS.identifierChars + 1) }))],
    ["Responses user", () => readOpenAiResponsesRequest(body({ model: "m", user: long(INPUT_BOUNDS.identifierChars + 1) }))],
  ])("%s", (_name, read) => {
    expect(refusal(read)).toMatchObject({ kind: "invalid_request", status: 400 });
  });

  it.each([
    ["Messages", () => readClaudeRequest(body({ model: "claude\u0000x", max_tokens: 1 }))],
    ["Chat", () => readOpenAiChatRequest(body({ model: "gpt-5\n" }))],
    ["Code Assist request.model", () => readCodeAssistRequest(body({ request: { model: "models/a\u007fb" } }), { ...codeAssist, kind: "passthrough" })],
    ["the Gemini path", () => matchRoute("POST", "/v1beta/models/gemini%00x:generateContent")],
    ["Responses, a lone high surrogate", () => readOpenAiResponsesRequest(Buffer.from('{"model":"gpt-\\ud800"}'))],
    ["Chat, a lone low surrogate", () => readOpenAiChatRequest(Buffer.from('{"model":"\\udc00gpt"}'))],
  ])("a model with a control character or a lone surrogate is refused (%s)", (_name, read) => {
    expect(refusal(read)).toMatchObject({ kind: "invalid_request", status: 400 });
  });

  // The output cap sizes the quota reservation; 1e400 parses as Infinity, and Infinity × a free
  // model's output price is NaN, which would poison the window's reserved total.
  it.each([
    ["Messages 1e400", () => readClaudeRequest(Buffer.from('{"model":"m","max_tokens":1e400}'))],
    ["Messages negative", () => readClaudeRequest(Buffer.from('{"model":"m","max_tokens":-5}'))],
    ["Chat max_completion_tokens", () => readOpenAiChatRequest(Buffer.from('{"model":"m","max_completion_tokens":-1e400}'))],
    ["Chat max_tokens", () => readOpenAiChatRequest(Buffer.from('{"model":"m","max_tokens":-1}'))],
    ["Responses", () => readOpenAiResponsesRequest(Buffer.from('{"model":"m","max_output_tokens":1e999}'))],
    ["Gemini", () => readGeminiRequest(Buffer.from('{"generationConfig":{"maxOutputTokens":-7}}'), { format: "gemini", kind: "generate", path: "/v1beta/models/m:generateContent", model: "m" })],
  ])("an output cap that is negative or not finite is refused (%s)", (_name, read) => {
    expect(refusal(read)).toMatchObject({ kind: "invalid_request", status: 400 });
  });

  it("accepts a model with characters outside the basic plane (a valid surrogate pair)", () => {
    expect(readClaudeRequest(body({ model: "claude-😀" })).model).toBe("claude-😀");
  });

  it("accepts values at the limit", () => {
    const model = long(INPUT_BOUNDS.modelChars);
    expect(readClaudeRequest(body({ model, metadata: { user_id: long(INPUT_BOUNDS.metadataUserIdChars) } })).model).toBe(model);
    expect(readOpenAiResponsesRequest(body({ model, prompt_cache_key: long(INPUT_BOUNDS.sessionIdChars) })).hints.prompt_cache_key).toHaveLength(INPUT_BOUNDS.sessionIdChars);
  });
});

describe("the Gemini path's model", () => {
  it("a malformed percent escape is the client's 400 in Gemini's envelope, not a thrown URIError", () => {
    const error = refusal(() => matchRoute("POST", "/v1beta/models/%ZZ:generateContent"));
    expect(error).toBeInstanceOf(RequestRejected);
    expect(error).toMatchObject({ format: "gemini", status: 400, kind: "invalid_request" });
  });

  it("an over-long model is refused; one at the limit is decoded", () => {
    expect(refusal(() => matchRoute("POST", `/v1beta/models/${long(INPUT_BOUNDS.modelChars + 1)}:generateContent`))).toMatchObject({ format: "gemini", status: 400 });
    expect(matchRoute("POST", `/v1beta/models/${"%41".repeat(INPUT_BOUNDS.modelChars)}:countTokens`)?.model).toBe("A".repeat(INPUT_BOUNDS.modelChars));
  });
});

describe("request line and headers", () => {
  const route = { format: "openai-chat" as const, kind: "generate" as const, path: "/v1/chat/completions" };
  it("refuses an over-long query string with 414 and an over-long kept header with 431, in the route's format", () => {
    expect(refusal(() => checkRequestBounds(route, {}, `?${long(INPUT_BOUNDS.queryChars)}`))).toMatchObject({ status: 414, format: "openai-chat" });
    expect(refusal(() => checkRequestBounds(route, { "user-agent": long(INPUT_BOUNDS.userAgentChars + 1) }, ""))).toMatchObject({ status: 431 });
    expect(refusal(() => checkRequestBounds(route, { "session_id": long(INPUT_BOUNDS.sessionIdChars + 1) }, ""))).toMatchObject({ status: 431 });
    expect(refusal(() => checkRequestBounds({ ...codeAssist, path: `/v1internal:${"a".repeat(INPUT_BOUNDS.pathChars)}` }, {}, ""))).toMatchObject({ status: 414 });
  });

  it("passes ordinary requests", () => {
    expect(() => checkRequestBounds(route, { "user-agent": "codex_cli_rs/0.46.0 (Mac OS 15.0.0; arm64)", session_id: "0199a213-81c0-7800-8aa1-bbab2a035a53" }, "?beta=true")).not.toThrow();
  });
});
