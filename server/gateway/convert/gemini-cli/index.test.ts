import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { GatewayRoute } from "../../endpoints.ts";
import type { Request, StreamEvent } from "../neutral.ts";
import { InvalidRequestBody, type EncodeContext } from "../types.ts";
import { geminiCliCodec } from "./index.ts";

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

function json(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name).toString("utf8")) as Record<string, unknown>;
}

const STREAM_ROUTE: GatewayRoute = { format: "gemini-cli", kind: "generate", path: "/v1internal:streamGenerateContent", stream: true };
const CTX: EncodeContext = { model: "gemini-2.5-pro", requestId: "req_cli", includeUsage: false, sse: true, now: 1_700_000_000 };

const NEUTRAL: Request = {
  model: "gemini-2.5-pro",
  system: [{ type: "text", text: "You are an interactive CLI agent." }],
  messages: [
    { role: "user", parts: [{ type: "text", text: "Read package.json" }] },
    { role: "assistant", parts: [{ type: "tool_call", id: "read_file-1733550000000-abc", name: "read_file", input: { absolute_path: "/repo/package.json" } }] },
    {
      role: "user",
      parts: [{ type: "tool_result", callId: "read_file-1733550000000-abc", name: "read_file", content: [{ type: "text", text: '{"name":"demo"}' }] }],
    },
  ],
  tools: [
    {
      name: "read_file",
      description: "Reads a file.",
      parameters: { type: "object", properties: { absolute_path: { type: "string" } }, required: ["absolute_path"] },
    },
  ],
  stream: true,
  temperature: 0,
  topP: 1,
  reasoning: { enabled: true, includeThoughts: true },
  promptCacheKey: "b6a1c2d3-0000-4000-8000-123456789abc",
};

describe("gemini-cli codec", () => {
  it("decodes a Gemini CLI request: model from the envelope, the session id as the cache key", () => {
    expect(geminiCliCodec.decodeRequest(json("request.json"), STREAM_ROUTE, "?alt=sse")).toEqual(NEUTRAL);
  });

  it("refuses an envelope without a model or a request", () => {
    expect(() => geminiCliCodec.decodeRequest({ request: {} }, STREAM_ROUTE, "")).toThrow(InvalidRequestBody);
    expect(() => geminiCliCodec.decodeRequest({ model: "m", request: "x" }, STREAM_ROUTE, "")).toThrow("request: must be an object");
  });

  it("encodes a Code Assist request: /v1internal path, {model, request} with the session id, no note for it", () => {
    const notes = { dropped: [] as string[] };
    const encoded = geminiCliCodec.encodeRequest(NEUTRAL, notes);
    expect(encoded.path).toBe("/v1internal:streamGenerateContent");
    expect(encoded.search).toBe("?alt=sse");
    const inner = (json("request.json").request ?? {}) as Record<string, unknown>;
    expect(encoded.body).toEqual({
      model: "gemini-2.5-pro",
      request: {
        ...inner,
        // The system instruction's role is not kept; the schema is sent in Gemini's subset; a
        // 2.5 model gets no skip signature; dynamic thinking (-1) is sent as "thinking on"
        // without a budget.
        systemInstruction: { parts: [{ text: "You are an interactive CLI agent." }] },
        contents: [
          { role: "user", parts: [{ text: "Read package.json" }] },
          {
            role: "model",
            parts: [
              { functionCall: { id: "read_file-1733550000000-abc", name: "read_file", args: { absolute_path: "/repo/package.json" } } },
            ],
          },
          { role: "user", parts: [{ functionResponse: { id: "read_file-1733550000000-abc", name: "read_file", response: { output: '{"name":"demo"}' } } }] },
        ],
        tools: [
          {
            functionDeclarations: [
              { name: "read_file", description: "Reads a file.", parameters: { type: "object", properties: { absolute_path: { type: "string" } }, required: ["absolute_path"] } },
            ],
          },
        ],
        generationConfig: { temperature: 0, topP: 1, thinkingConfig: { includeThoughts: true } },
      },
    });
    expect(notes.dropped).toEqual([]);
    expect(geminiCliCodec.encodeRequest({ ...NEUTRAL, stream: false }, { dropped: [] })).toMatchObject({ path: "/v1internal:generateContent", search: "" });
  });

  it("unwraps a Code Assist response and wraps one for a Gemini CLI client", () => {
    const decoded = geminiCliCodec.decodeResponse(json("response.json"));
    expect(decoded).toEqual({
      id: "cli_resp_1",
      model: "gemini-2.5-pro",
      parts: [{ type: "text", text: "The package is called demo." }],
      stopReason: "end_turn",
      usage: { inputTokens: 904, outputTokens: 57, cacheReadTokens: 4096, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 50 },
    });
    const original = json("response.json");
    expect(geminiCliCodec.encodeResponse(decoded, CTX)).toEqual({ response: original.response });
  });

  it("decodes a wrapped stream and re-encodes every chunk wrapped, errors unwrapped", () => {
    const decoder = geminiCliCodec.createStreamDecoder();
    const bytes = fixture("stream.sse");
    const events: StreamEvent[] = [];
    for (let i = 0; i < bytes.length; i += 7) events.push(...decoder.push(bytes.subarray(i, i + 7)));
    events.push(...decoder.end());
    expect(events).toEqual([
      { type: "start", id: "cli_s_1", model: "gemini-2.5-pro" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Hel" },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { type: "tool_call", id: "call_0", name: "ls" } },
      { type: "tool_args_delta", index: 1, json: '{"path":"."}' },
      { type: "block_stop", index: 1 },
      { type: "finish", stopReason: "tool_use", usage: { inputTokens: 20, outputTokens: 5, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } },
    ]);

    const encoder = geminiCliCodec.createStreamEncoder(CTX);
    const out = encoder.encode(events.slice(0, 3)) + encoder.encode([{ type: "error", errorType: "api_error", message: "boom" }]) + encoder.end();
    expect(out).toBe(
      'data: {"response":{"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}],"modelVersion":"gemini-2.5-pro","responseId":"cli_s_1"}}\r\n\r\n' +
        'data: {"error":{"code":500,"message":"boom","status":"INTERNAL"}}\r\n\r\n',
    );
  });

  it("reads an upstream error envelope in a Code Assist stream", () => {
    const decoder = geminiCliCodec.createStreamDecoder();
    expect(decoder.push(Buffer.from('data: {"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}}\r\n\r\n'))).toEqual([
      { type: "error", errorType: "RESOURCE_EXHAUSTED", message: "Quota" },
    ]);
  });
});
