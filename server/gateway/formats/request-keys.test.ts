/**
 * Every request reader sees a field under the same name a JSON parser does: a key spelled with
 * escapes ("str\u0065am") is that field, and a field the hub acts on that appears twice is
 * refused (upstreams disagree on which copy wins, so the hub cannot price what will be served).
 */
import { describe, expect, it } from "vitest";
import type { GatewayRoute } from "../endpoints.ts";
import { GatewayError } from "../errors.ts";
import { readClaudeRequest } from "./claude/request.ts";
import { readCodeAssistRequest } from "./gemini-cli/request.ts";
import { readGeminiRequest } from "./gemini/request.ts";
import { readOpenAiChatRequest } from "./openai-chat/request.ts";
import { readOpenAiResponsesRequest } from "./openai-responses/request.ts";

const geminiRoute: GatewayRoute = { format: "gemini", kind: "generate", path: "/v1beta/models/m:generateContent", model: "m", stream: false };
const codeAssistRoute: GatewayRoute = { format: "gemini-cli", kind: "generate", path: "/v1internal:generateContent", stream: false };

function refusal(read: () => unknown): GatewayError | undefined {
  try {
    read();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  return undefined;
}

describe("escaped property names", () => {
  it("Messages: an escaped stream, model and max_tokens are read as JSON.parse reads them", () => {
    const text = '{"mod\\u0065l":"claude-opus-4-5","str\\u0065am":true,"max_\\u0074okens":77,"messages":[]}';
    const info = readClaudeRequest(Buffer.from(text));
    expect(JSON.parse(text)).toMatchObject({ model: "claude-opus-4-5", stream: true, max_tokens: 77 });
    expect(info).toMatchObject({ model: "claude-opus-4-5", stream: true, maxTokens: 77 });
  });

  it("Messages: metadata under an escaped key still yields the session hint", () => {
    const info = readClaudeRequest(Buffer.from('{"model":"m","m\\u0065tadata":{"user_id":"u1"}}'));
    expect(info.hints).toEqual({ metadata: { user_id: "u1" } });
  });

  it("Chat: an escaped stream_options is found, so the usage request merges instead of adding a second copy", () => {
    const info = readOpenAiChatRequest(Buffer.from('{"model":"gpt-5","\\u0073tream":true,"stream_\\u006fptions":{"include_usage":true},"max_completion_tokens":5}'));
    expect(info).toMatchObject({ model: "gpt-5", stream: true, maxTokens: 5, hints: { stream_options: { include_usage: true } } });
  });

  it("Responses: escaped stream and previous_response_id are read", () => {
    const info = readOpenAiResponsesRequest(Buffer.from('{"model":"gpt-5","stre\\u0061m":true,"previous_response_\\u0069d":"resp_1"}'));
    expect(info).toMatchObject({ stream: true, hints: { previous_response_id: "resp_1" } });
  });

  it("Gemini: an escaped generationConfig and maxOutputTokens give the output cap", () => {
    const info = readGeminiRequest(Buffer.from('{"contents":[],"generation\\u0043onfig":{"max\\u004futputTokens":99}}'), geminiRoute);
    expect(info.maxTokens).toBe(99);
  });

  it("Code Assist: an escaped model, request and session_id are read", () => {
    const info = readCodeAssistRequest(Buffer.from('{"m\\u006fdel":"gemini-2.5-pro","requ\\u0065st":{"session\\u005fid":"s-1","contents":[]}}'), codeAssistRoute);
    expect(info).toMatchObject({ model: "gemini-2.5-pro", hints: { session_id: "s-1" } });
  });

  it("a property name with a bad escape is the client's 400, as JSON.parse would refuse it", () => {
    expect(refusal(() => readClaudeRequest(Buffer.from('{"mo\\qdel":"m"}')))).toMatchObject({ kind: "invalid_request", status: 400 });
  });
});

describe("duplicated fields the hub acts on", () => {
  it.each([
    ["Messages model", () => readClaudeRequest(Buffer.from('{"model":"claude-haiku-4-5","max_tokens":1,"mod\\u0065l":"claude-opus-4-5"}'))],
    ["Messages stream", () => readClaudeRequest(Buffer.from('{"model":"m","stream":false,"stream":true}'))],
    ["Chat max_tokens", () => readOpenAiChatRequest(Buffer.from('{"model":"m","max_tokens":1,"max_tokens":100000}'))],
    ["Responses model", () => readOpenAiResponsesRequest(Buffer.from('{"model":"a","model":"b"}'))],
    ["Gemini maxOutputTokens", () => readGeminiRequest(Buffer.from('{"generationConfig":{"maxOutputTokens":1,"maxOutputTokens":9}}'), geminiRoute)],
    ["Code Assist session_id", () => readCodeAssistRequest(Buffer.from('{"model":"m","request":{"session_id":"a","session_id":"b"}}'), codeAssistRoute)],
  ])("%s: refused with 400 naming the field", (_name, read) => {
    const error = refusal(read);
    expect(error).toMatchObject({ kind: "invalid_request", status: 400 });
    expect(error?.message).toMatch(/more than once/);
  });

  it("a duplicate of a field the hub does not read is left for the upstream", () => {
    expect(readClaudeRequest(Buffer.from('{"model":"m","temperature":1,"temperature":0}')).model).toBe("m");
  });
});
