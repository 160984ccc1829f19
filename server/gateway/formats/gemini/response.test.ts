import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ResponseSummary, StreamTap } from "../types.ts";
import { createGeminiStreamTap, GeminiStreamTap, summarizeGeminiJson } from "./response.ts";

const opts = { defaultCacheTtl: "5m" as const, usageInjected: false };

const chunk = (parts: object[], extra: Record<string, unknown> = {}, usage: object = { promptTokenCount: 5000, cachedContentTokenCount: 4000, totalTokenCount: 5000 }) => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...extra }],
  usageMetadata: usage,
  modelVersion: "gemini-2.5-flash-001",
  responseId: "r1",
});
const finalUsage = { promptTokenCount: 5000, cachedContentTokenCount: 4000, candidatesTokenCount: 150, thoughtsTokenCount: 50, totalTokenCount: 5200 };
const chunks = [
  chunk([{ text: "thinking…", thought: true }]),
  chunk([{ text: "Hel" }]),
  chunk([{ text: "lo — é" }]),
  chunk([{ functionCall: { name: "get_weather", args: { city: "Paris" } } }], { finishReason: "STOP" }, finalUsage),
];
const expected: ResponseSummary = {
  usage: { inputTokens: 1000, cacheReadTokens: 4000, outputTokens: 200, cacheCreation5mTokens: 0, cacheCreation1hTokens: 0 },
  model: "gemini-2.5-flash-001",
  completed: true,
  error: undefined,
  sawContent: true,
};

const sse = (items: object[]) => items.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join("");
const jsonArray = (items: object[]) => `[${items.map((c) => JSON.stringify(c)).join(",\r\n")}]`;

function run(tap: StreamTap, parts: Buffer[]) {
  const forwarded: Buffer[] = [];
  for (const p of parts) forwarded.push(tap.push(p));
  const rest = tap.end();
  if (rest) forwarded.push(rest);
  return { summary: tap.summary(), forwarded: Buffer.concat(forwarded) };
}

describe.each([
  ["SSE (alt=sse, CRLF framing)", sse(chunks)],
  ["JSON array (no alt)", jsonArray(chunks)],
])("Gemini stream tap, %s", (_name, text) => {
  const bytes = Buffer.from(text);

  it("normalises the last usageMetadata, reads the model and completes on finishReason", () => {
    const { summary, forwarded } = run(createGeminiStreamTap(opts), [bytes]);
    expect(summary).toEqual(expected);
    expect(forwarded.equals(bytes)).toBe(true);
  });

  it("gives the same summary and forwards the same bytes at every chunk boundary", () => {
    for (let i = 1; i < bytes.length; i++) {
      const { summary, forwarded } = run(createGeminiStreamTap(opts), [bytes.subarray(0, i), bytes.subarray(i)]);
      expect(summary).toEqual(expected);
      expect(forwarded.equals(bytes)).toBe(true);
    }
  });

  it("reports content only from the first chunk with candidate parts", () => {
    const tap = createGeminiStreamTap(opts);
    const head = text === sse(chunks) ? sse([{ usageMetadata: { promptTokenCount: 3 } }]) : '[{"usageMetadata":{"promptTokenCount":3}},';
    tap.push(Buffer.from(head));
    expect(tap.summary()).toMatchObject({ sawContent: false, completed: false, usage: { inputTokens: 3 } });
  });
});

describe("Gemini stream tap details", () => {
  it("is incomplete without a finishReason (truncated stream)", () => {
    const { summary } = run(createGeminiStreamTap(opts), [Buffer.from(sse(chunks.slice(0, 3)))]);
    expect(summary).toMatchObject({ sawContent: true, completed: false, usage: { inputTokens: 1000, outputTokens: 0 } });
  });

  it("captures an error chunk in either framing", () => {
    const error = { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } };
    for (const text of [sse([chunks[1], error]), `[${JSON.stringify(chunks[1])},\r\n${JSON.stringify(error)}]`]) {
      const { summary } = run(createGeminiStreamTap(opts), [Buffer.from(text)]);
      expect(summary.error).toEqual({ type: "UNAVAILABLE", message: "The model is overloaded." });
      expect(summary.sawContent).toBe(true);
    }
  });

  it("completes a blocked prompt (promptFeedback, no candidates) without content", () => {
    const { summary } = run(createGeminiStreamTap(opts), [Buffer.from(sse([{ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 9 } }]))]);
    expect(summary).toMatchObject({ completed: true, sawContent: false, error: undefined, usage: { inputTokens: 9 } });
  });

  it("waits for a non-blank byte to pick the framing, and tolerates LF framing and junk events", () => {
    const tap = new GeminiStreamTap();
    tap.push(Buffer.from("\r\n"));
    expect(tap.framing).toBeUndefined();
    tap.push(Buffer.from(`data: not json\n\n: comment\n\ndata: ${JSON.stringify(chunks[3])}\n\n`));
    expect(tap.framing).toBe("sse");
    expect(tap.summary()).toMatchObject({ completed: true, sawContent: true });
    const array = new GeminiStreamTap();
    array.push(Buffer.from(" ["));
    expect(array.framing).toBe("json-array");
  });

  it("ends a broken stream well-formed in its own framing", () => {
    const error = new GatewayError("bad_gateway", "The upstream stream broke off");
    const sseTap = new GeminiStreamTap();
    sseTap.push(Buffer.from(sse(chunks.slice(0, 2))));
    expect(sseTap.renderError(error, "req_1")).toMatch(/^data: \{"error":.*\}\r\n\r\n$/);

    const open = Buffer.from("[");
    const empty = new GeminiStreamTap();
    empty.push(open);
    expect(JSON.parse(`[${empty.renderError(error, "req_1")}`)).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 502 }) })]);

    const partial = jsonArray(chunks.slice(0, 2)).slice(0, -1); // the array as written so far, not closed
    const arrayTap = new GeminiStreamTap();
    arrayTap.push(Buffer.from(partial));
    const whole = JSON.parse(partial + arrayTap.renderError(error, "req_1"));
    expect(whole).toHaveLength(3);
    expect(whole[2].error).toMatchObject({ code: 502, status: "UNAVAILABLE" });
  });
});

describe("Gemini JSON responses", () => {
  const json = (v: unknown) => summarizeGeminiJson(Buffer.from(typeof v === "string" ? v : JSON.stringify(v)), opts);

  it("reads a GenerateContentResponse", () => {
    const body = { candidates: [{ content: { role: "model", parts: [{ text: "hi" }] }, finishReason: "STOP" }], usageMetadata: finalUsage, modelVersion: "gemini-2.5-pro" };
    expect(json(body)).toEqual({ ...expected, model: "gemini-2.5-pro" });
  });

  it("accepts a countTokens answer as complete and unbilled", () => {
    expect(json({ totalTokens: 31, promptTokensDetails: [] })).toMatchObject({ completed: true, error: undefined, usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it("accepts a blocked prompt as a valid answer", () => {
    expect(json({ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 4 } })).toMatchObject({ completed: true, error: undefined });
  });

  it("treats an error body, no candidates, a non-object or non-JSON under 2xx as a fake 200", () => {
    expect(json({ error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } }).error).toEqual({ type: "RESOURCE_EXHAUSTED", message: "quota" });
    expect(json({ error: { code: 500 } }).error).toEqual({ type: "500", message: "upstream error" });
    expect(json({ candidates: [], usageMetadata: { promptTokenCount: 1 } }).error?.type).toBe("invalid_response");
    expect(json({ modelVersion: "x" }).error?.type).toBe("invalid_response");
    expect(json("42").error?.type).toBe("invalid_response");
    expect(json("<html>bad gateway</html>").error?.type).toBe("invalid_response");
  });

  it("summarises a JSON-array stream read as one body", () => {
    expect(json(jsonArray(chunks))).toEqual(expected);
    expect(json(jsonArray(chunks.slice(0, 2)))).toMatchObject({ completed: false, sawContent: true, error: undefined });
    expect(json("[]").error?.message).toMatch(/empty stream/);
    expect(json([chunks[1], { error: { code: 503, message: "busy", status: "UNAVAILABLE" } }]).error?.type).toBe("UNAVAILABLE");
  });
});
