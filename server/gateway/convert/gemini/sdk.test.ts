/**
 * The codec against the official @google/genai client: what the SDK sends decodes, and what the
 * encoders write parses in the SDK (JSON and SSE streams, function calls, usage, in-stream
 * errors). A plain HTTP server on 127.0.0.1 stands in for the hub's client side.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GoogleGenAI, Type } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayRoute } from "../../endpoints.ts";
import type { Request, Response, StreamEvent } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { geminiCodec } from "./index.ts";

interface Seen {
  path: string;
  search: string;
  body: Record<string, unknown>;
}

let server: Server;
let client: GoogleGenAI;
const seen: Seen[] = [];
/** What the server answers next: a JSON response or a list of stream event batches. */
let answer: { json?: Response; stream?: StreamEvent[][] } = {};

const USAGE = { inputTokens: 11, outputTokens: 9, cacheReadTokens: 100, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 4 };

function ctx(model: string, sse: boolean): EncodeContext {
  return { model, requestId: "req_sdk", includeUsage: false, sse, now: 1_700_000_000 };
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  seen.push({ path: url.pathname, search: url.search, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> });
  const model = /models\/([^:]+):/.exec(url.pathname)?.[1] ?? "";
  if (answer.stream) {
    const encoder = geminiCodec.createStreamEncoder(ctx(model, url.searchParams.get("alt") === "sse"));
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const batch of answer.stream) {
      const bytes = encoder.encode(batch);
      if (bytes) res.write(bytes);
    }
    res.end(encoder.end());
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(geminiCodec.encodeResponse(answer.json as Response, ctx(model, false))));
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: `http://127.0.0.1:${port}`, retryOptions: { attempts: 1 } } });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function route(s: Seen): GatewayRoute {
  const match = /^\/v1beta\/models\/([^:]+):(\w+)$/.exec(s.path);
  return { format: "gemini", kind: "generate", path: s.path, model: match?.[1], stream: match?.[2] === "streamGenerateContent" };
}

describe("gemini codec with @google/genai", () => {
  it("decodes what the SDK sends and gives it an answer it parses (function calls, thoughts, usage)", async () => {
    answer = {
      json: {
        id: "msg_1",
        model: "claude-sonnet-4-5",
        parts: [
          { type: "thinking", text: "Need the weather.", signature: "x", origin: "claude" },
          { type: "text", text: "Checking." },
          { type: "tool_call", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        ],
        stopReason: "tool_use",
        usage: USAGE,
      },
    };
    const result = await client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "Weather in Paris?" }] }],
      config: {
        systemInstruction: "Be brief.",
        maxOutputTokens: 1000,
        thinkingConfig: { thinkingBudget: 512, includeThoughts: true },
        tools: [
          {
            functionDeclarations: [
              { name: "get_weather", description: "Weather", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ["city"] } },
            ],
          },
        ],
      },
    });
    const request: Request = geminiCodec.decodeRequest(seen[seen.length - 1].body, route(seen[seen.length - 1]), "");
    expect(request).toMatchObject({
      model: "gemini-2.5-flash",
      system: [{ type: "text", text: "Be brief." }],
      messages: [{ role: "user", parts: [{ type: "text", text: "Weather in Paris?" }] }],
      tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }],
      maxOutputTokens: 1000,
      reasoning: { enabled: true, budgetTokens: 512, includeThoughts: true },
      stream: false,
    });
    expect(result.text).toBe("Checking.");
    expect(result.functionCalls).toEqual([{ id: "toolu_1", name: "get_weather", args: { city: "Paris" } }]);
    expect(result.candidates?.[0].finishReason).toBe("STOP");
    expect(result.usageMetadata).toMatchObject({ promptTokenCount: 111, cachedContentTokenCount: 100, candidatesTokenCount: 5, thoughtsTokenCount: 4 });
    expect(result.responseId).toBe("msg_1");
  });

  it("streams text and a function call over SSE that the SDK reads chunk by chunk", async () => {
    answer = {
      stream: [
        [{ type: "start", id: "msg_2", model: "claude" }],
        [
          { type: "block_start", index: 0, block: { type: "text" } },
          { type: "text_delta", index: 0, text: "Hel" },
        ],
        [
          { type: "text_delta", index: 0, text: "lo" },
          { type: "block_stop", index: 0 },
        ],
        [
          { type: "block_start", index: 1, block: { type: "tool_call", id: "toolu_2", name: "ls" } },
          { type: "tool_args_delta", index: 1, json: '{"path"' },
        ],
        [{ type: "tool_args_delta", index: 1, json: ':"."}' }, { type: "block_stop", index: 1 }],
        [{ type: "finish", stopReason: "tool_use", usage: USAGE }],
      ],
    };
    const stream = await client.models.generateContentStream({ model: "gemini-2.5-pro", contents: "list" });
    const texts: string[] = [];
    const calls: unknown[] = [];
    let last;
    for await (const chunk of stream) {
      if (chunk.text) texts.push(chunk.text);
      if (chunk.functionCalls) calls.push(...chunk.functionCalls);
      last = chunk;
    }
    expect(seen[seen.length - 1].search).toBe("?alt=sse");
    expect(texts).toEqual(["Hel", "lo"]);
    expect(calls).toEqual([{ id: "toolu_2", name: "ls", args: { path: "." } }]);
    expect(last?.candidates?.[0].finishReason).toBe("STOP");
    expect(last?.usageMetadata?.totalTokenCount).toBe(120);
  });

  it("ends an SSE stream with an error the SDK raises", async () => {
    answer = {
      stream: [
        [{ type: "start", id: "msg_3", model: "claude" }],
        [
          { type: "block_start", index: 0, block: { type: "text" } },
          { type: "text_delta", index: 0, text: "Partial" },
        ],
        [{ type: "error", errorType: "overloaded_error", message: "Overloaded" }],
      ],
    };
    const stream = await client.models.generateContentStream({ model: "gemini-2.5-pro", contents: "hi" });
    const texts: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) if (chunk.text) texts.push(chunk.text);
      })(),
    ).rejects.toThrow(/Overloaded/);
    expect(texts).toEqual(["Partial"]);
  });
});
