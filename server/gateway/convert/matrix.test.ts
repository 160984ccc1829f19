/**
 * Every client format × every upstream format, through the registry, as the gateway uses it:
 * a request travels client → neutral → upstream; an answer (JSON, and a stream fed in chunks cut
 * at every byte position) travels upstream → neutral → client. Each pair must keep what a user
 * would notice: the system prompt, the turns, the tools and a tool round with its ids, the text,
 * the parallel tool calls with their arguments, the stop reason and the usage (cache reads
 * included, the figure billing uses).
 */
import { describe, expect, it } from "vitest";
import type { GatewayRoute } from "../endpoints.ts";
import type { ApiFormat } from "../formats/types.ts";
import type { Request, Response, StreamEvent } from "./neutral.ts";
import { canConvert, codecFor, CONVERTIBLE_FORMATS } from "./registry.ts";
import { responseEvents } from "./response-events.ts";
import type { EncodeContext, EncodedRequest, FormatCodec } from "./types.ts";

const codec = (format: ApiFormat): FormatCodec => codecFor(format)!;

/** The route a client of `format` would have called for this encoded request. */
function routeOf(format: ApiFormat, encoded: EncodedRequest, stream: boolean): GatewayRoute {
  if (format === "gemini") {
    const model = /\/models\/([^/:]+):/.exec(encoded.path)![1];
    return { format, kind: "generate", path: encoded.path, model, stream };
  }
  if (format === "gemini-cli") return { format, kind: "generate", path: encoded.path, stream };
  return { format, kind: "generate", path: encoded.path };
}

const REQUEST: Request = {
  model: "test-model",
  system: [{ type: "text", text: "You are terse." }],
  messages: [
    { role: "user", parts: [{ type: "text", text: "Weather in Paris and Rome?" }] },
    {
      role: "assistant",
      parts: [
        { type: "text", text: "Checking both." },
        { type: "tool_call", id: "call_paris", name: "get_weather", input: { city: "Paris" } },
        { type: "tool_call", id: "call_rome", name: "get_weather", input: { city: "Rome" } },
      ],
    },
    {
      role: "user",
      parts: [
        { type: "tool_result", callId: "call_paris", name: "get_weather", content: [{ type: "text", text: "21 C" }] },
        { type: "tool_result", callId: "call_rome", name: "get_weather", content: [{ type: "text", text: "25 C" }] },
      ],
    },
  ],
  tools: [{ name: "get_weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }],
  toolChoice: { type: "auto" },
  maxOutputTokens: 700,
  temperature: 0.5,
  stream: true,
};

const RESPONSE: Response = {
  id: "resp_matrix",
  model: "test-model",
  parts: [
    { type: "text", text: "Let me check both cities — ünïcode ok." },
    { type: "tool_call", id: "call_1", name: "get_weather", input: { city: "Paris" } },
    { type: "tool_call", id: "call_2", name: "get_weather", input: { city: "Rome", units: "metric" } },
  ],
  stopReason: "tool_use",
  usage: { inputTokens: 120, outputTokens: 45, cacheReadTokens: 1000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 },
};

const EVENTS: StreamEvent[] = [
  { type: "start", id: "resp_matrix", model: "test-model" },
  { type: "block_start", index: 0, block: { type: "text" } },
  { type: "text_delta", index: 0, text: "Let me check " },
  { type: "text_delta", index: 0, text: "both cities — ünïcode ok." },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "tool_call", id: "call_1", name: "get_weather" } },
  { type: "tool_args_delta", index: 1, json: '{"city":' },
  { type: "tool_args_delta", index: 1, json: '"Paris"}' },
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { type: "tool_call", id: "call_2", name: "get_weather" } },
  { type: "tool_args_delta", index: 2, json: '{"city":"Rome","units":"metric"}' },
  { type: "block_stop", index: 2 },
  { type: "finish", stopReason: "tool_use", usage: RESPONSE.usage },
];

function encodeContext(format: ApiFormat): EncodeContext {
  return { model: "client-model", requestId: "req_matrix", includeUsage: true, sse: format === "gemini" || format === "gemini-cli", now: 1_700_000_000 };
}

/** What a user sees of an answer: text, tool calls (name, arguments), stop reason, usage. */
function visible(response: Response) {
  return {
    text: response.parts.filter((p) => p.type === "text").map((p) => (p as { text: string }).text).join(""),
    calls: response.parts.filter((p) => p.type === "tool_call").map((p) => ({ name: (p as { name: string }).name, input: (p as { input: unknown }).input })),
    stopReason: response.stopReason,
    usage: { input: response.usage.inputTokens, output: response.usage.outputTokens, cacheRead: response.usage.cacheReadTokens },
  };
}

/** Rebuilds a response from stream events (what an SDK assembles). */
function assemble(events: StreamEvent[]): Response {
  const parts: Response["parts"] = [];
  const args = new Map<number, string>();
  const at = new Map<number, number>();
  let stopReason: Response["stopReason"] = "error";
  let usage = RESPONSE.usage;
  for (const event of events) {
    if (event.type === "block_start") {
      at.set(event.index, parts.length);
      if (event.block.type === "text") parts.push({ type: "text", text: "" });
      else if (event.block.type === "tool_call") {
        parts.push({ type: "tool_call", id: event.block.id, name: event.block.name, input: {} });
        args.set(event.index, "");
      } else parts.push({ type: "thinking", text: "" });
    } else if (event.type === "text_delta") (parts[at.get(event.index)!] as { text: string }).text += event.text;
    else if (event.type === "tool_args_delta") args.set(event.index, args.get(event.index)! + event.json);
    else if (event.type === "block_stop" && args.has(event.index)) (parts[at.get(event.index)!] as { input: unknown }).input = JSON.parse(args.get(event.index)! || "{}");
    else if (event.type === "finish") {
      stopReason = event.stopReason;
      usage = event.usage;
    } else if (event.type === "error") throw new Error(`stream error: ${event.message}`);
  }
  return { id: "", model: "", parts, stopReason, usage };
}

/** Feeds `bytes` to a fresh decoder of `format`, cut into pieces of `size` bytes. */
function decodeInPieces(format: ApiFormat, bytes: Buffer, size: number): StreamEvent[] {
  const decoder = codec(format).createStreamDecoder();
  const events: StreamEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...decoder.push(bytes.subarray(i, i + size)));
  events.push(...decoder.end());
  return events;
}

function streamOf(format: ApiFormat, events: StreamEvent[]): Buffer {
  const encoder = codec(format).createStreamEncoder(encodeContext(format));
  return Buffer.from(encoder.encode(events) + encoder.end());
}

const PAIRS = CONVERTIBLE_FORMATS.flatMap((client) => CONVERTIBLE_FORMATS.filter((upstream) => canConvert(client, upstream)).map((upstream) => [client, upstream] as const));

describe("conversion matrix", () => {
  it("covers the 20 ordered pairs of five formats", () => {
    expect(PAIRS).toHaveLength(20);
  });

  describe.each(PAIRS)("%s client on a %s upstream", (client, upstream) => {
    it("carries the request: system, turns, the tool round with its ids, tools, limits", () => {
      // The client's own body, as its SDK would send it.
      const clientBody = codec(client).encodeRequest(structuredClone(REQUEST), { dropped: [] });
      const decoded = codec(client).decodeRequest(clientBody.body, routeOf(client, clientBody, true), clientBody.search);
      const dropped: string[] = [];
      const upstreamBody = codec(upstream).encodeRequest(decoded, { dropped });
      const seen = codec(upstream).decodeRequest(upstreamBody.body, routeOf(upstream, upstreamBody, true), upstreamBody.search);

      expect(seen.system.map((p) => p.text).join("\n")).toContain("You are terse.");
      expect(seen.stream).toBe(true);
      expect(seen.maxOutputTokens).toBe(700);
      expect(seen.temperature).toBe(0.5);
      expect(seen.tools.map((t) => t.name)).toEqual(["get_weather"]);
      const calls = seen.messages.flatMap((m) => m.parts).filter((p) => p.type === "tool_call");
      const results = seen.messages.flatMap((m) => m.parts).filter((p) => p.type === "tool_result");
      expect(calls.map((c) => (c as { input: unknown }).input)).toEqual([{ city: "Paris" }, { city: "Rome" }]);
      // Each result answers its own call, whatever ids the formats in between use.
      expect(results.map((r) => (r as { callId: string }).callId)).toEqual(calls.map((c) => (c as { id: string }).id));
      expect(results.map((r) => ((r as { content: Array<{ text: string }> }).content[0] ?? { text: "" }).text).join("|")).toMatch(/21 C.*25 C/);
      const texts = seen.messages.flatMap((m) => m.parts).filter((p) => p.type === "text").map((p) => (p as { text: string }).text);
      expect(texts.join("|")).toContain("Weather in Paris and Rome?");
    });

    it("converts a JSON answer", () => {
      const upstreamJson = codec(upstream).encodeResponse(structuredClone(RESPONSE), encodeContext(upstream));
      const neutral = codec(upstream).decodeResponse(JSON.parse(JSON.stringify(upstreamJson)));
      const clientJson = codec(client).encodeResponse(neutral, encodeContext(client));
      const seen = codec(client).decodeResponse(JSON.parse(JSON.stringify(clientJson)));
      expect(visible(seen)).toEqual(visible(RESPONSE));
    });

    it("converts a stream incrementally, whatever the chunk boundaries", () => {
      const upstreamBytes = streamOf(upstream, EVENTS);
      // Every piece size from 1 byte (a cut at every position) to the whole stream at once.
      for (const size of [1, 2, 3, 7, 64, upstreamBytes.length]) {
        const clientBytes = streamOf(client, decodeInPieces(upstream, upstreamBytes, size));
        const seen = assemble(decodeInPieces(client, clientBytes, 5));
        expect(visible(seen), `pieces of ${size} bytes`).toEqual(visible(RESPONSE));
      }
    });

    it("writes a JSON answer to a streamed request (an upstream that ignored `stream`) as the client's stream", () => {
      const upstreamJson = codec(upstream).encodeResponse(structuredClone(RESPONSE), encodeContext(upstream));
      const events = responseEvents(codec(upstream).decodeResponse(JSON.parse(JSON.stringify(upstreamJson))));
      const seen = assemble(decodeInPieces(client, streamOf(client, events), 9));
      expect(visible(seen)).toEqual(visible(RESPONSE));
    });

    it("ends the client's stream with its own error event when the upstream stream breaks", () => {
      const upstreamBytes = streamOf(upstream, EVENTS);
      // Cut in the middle of the second tool call's arguments: the upstream never finished.
      const cut = upstreamBytes.subarray(0, Math.floor(upstreamBytes.length * 0.7));
      const neutral = decodeInPieces(upstream, cut, 11);
      expect(neutral.at(-1)?.type).toBe("error");
      const clientEvents = decodeInPieces(client, streamOf(client, neutral), 13);
      expect(clientEvents.some((e) => e.type === "error")).toBe(true);
      expect(clientEvents.some((e) => e.type === "finish")).toBe(false);
    });
  });
});
