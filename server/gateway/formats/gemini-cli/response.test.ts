import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { geminiCliFormat } from "./index.ts";

const opts = { defaultCacheTtl: "5m" as const, usageInjected: false };
const inner = (parts: object[], finish?: string, usage: object = { promptTokenCount: 300, cachedContentTokenCount: 100 }) => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...(finish ? { finishReason: finish } : {}) }],
  usageMetadata: usage,
  modelVersion: "gemini-2.5-pro",
});
const wrap = (response: object) => ({ response, traceId: "abc123" });
const finalUsage = { promptTokenCount: 300, cachedContentTokenCount: 100, candidatesTokenCount: 40, thoughtsTokenCount: 2 };
const chunks = [wrap(inner([{ text: "Hel" }])), wrap(inner([{ text: "lo" }], "STOP", finalUsage))];
const expected = {
  usage: { inputTokens: 200, cacheReadTokens: 100, outputTokens: 42, cacheCreation5mTokens: 0, cacheCreation1hTokens: 0 },
  model: "gemini-2.5-pro",
  completed: true,
  error: undefined,
  sawContent: true,
};

describe("Code Assist stream tap", () => {
  const text = chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join("");
  const bytes = Buffer.from(text);

  it("reads usage, model and finish through the wrapper at every chunk boundary", () => {
    for (let i = 1; i < bytes.length; i++) {
      const tap = geminiCliFormat.createStreamTap(opts);
      const out = Buffer.concat([tap.push(bytes.subarray(0, i)), tap.push(bytes.subarray(i))]);
      tap.end();
      expect(tap.summary()).toEqual(expected);
      expect(out.equals(bytes)).toBe(true);
    }
  });

  it("captures an unwrapped error chunk, and one inside the wrapper", () => {
    for (const error of [{ error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } }, wrap({ error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } })]) {
      const tap = geminiCliFormat.createStreamTap(opts);
      tap.push(Buffer.from(`data: ${JSON.stringify(chunks[0])}\r\n\r\ndata: ${JSON.stringify(error)}\r\n\r\n`));
      tap.end();
      expect(tap.summary()).toMatchObject({ sawContent: true, completed: false, error: { type: "RESOURCE_EXHAUSTED", message: "quota" } });
    }
  });

  it("is incomplete without a finishReason", () => {
    const tap = geminiCliFormat.createStreamTap(opts);
    tap.push(Buffer.from(`data: ${JSON.stringify(chunks[0])}\r\n\r\n`));
    tap.end();
    expect(tap.summary()).toMatchObject({ sawContent: true, completed: false });
  });
});

describe("Code Assist JSON responses", () => {
  const json = (v: unknown) => geminiCliFormat.summarizeJson(Buffer.from(typeof v === "string" ? v : JSON.stringify(v)), opts);

  it("reads a wrapped GenerateContentResponse", () => {
    expect(json(wrap(inner([{ text: "hi" }], "STOP", finalUsage)))).toEqual(expected);
  });

  it("accepts countTokens and housekeeping answers as complete and unbilled", () => {
    for (const body of [
      { totalTokens: 12 },
      { currentTier: { id: "free-tier" }, cloudaicompanionProject: "proj-1" },
      { name: "operations/1", done: true, response: { "@type": "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse", cloudaicompanionProject: { id: "p" } } },
      {},
    ]) {
      expect(json(body)).toMatchObject({ completed: true, error: undefined, usage: { inputTokens: 0, outputTokens: 0 } });
    }
  });

  it("treats a generation answer without candidates, an error envelope or non-JSON as a fake 200", () => {
    expect(json(wrap({ usageMetadata: { promptTokenCount: 3 } })).error?.type).toBe("invalid_response");
    expect(json({ traceId: "t" }).error?.type).toBe("invalid_response");
    expect(json({ error: { code: 403, message: "denied", status: "PERMISSION_DENIED" } }).error).toEqual({ type: "PERMISSION_DENIED", message: "denied" });
    expect(json("not json").error?.type).toBe("invalid_response");
  });

  it("accepts a blocked prompt", () => {
    expect(json(wrap({ promptFeedback: { blockReason: "SAFETY" } }))).toMatchObject({ completed: true, error: undefined });
  });

  it("summarises a wrapped JSON-array stream read as one body", () => {
    expect(json(chunks)).toEqual(expected);
  });
});

describe("Code Assist errors", () => {
  it("uses Google's plain envelope, and CRLF SSE framing in a stream", () => {
    const parsed = JSON.parse(geminiCliFormat.renderError(new GatewayError("authentication", "Invalid API key."), "req_x").body);
    expect(parsed.error).toMatchObject({ code: 401, status: "UNAUTHENTICATED", message: "Invalid API key." });
    expect(geminiCliFormat.renderStreamError(new GatewayError("bad_gateway", "broke"), "req_x")).toMatch(/^data: \{"error":.*\r\n\r\n$/);
  });
});
