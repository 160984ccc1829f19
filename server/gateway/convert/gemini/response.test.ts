import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Response } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { decodeResponse, encodeResponse, neutralUsageOf, stopReasonOf, usageMetadataOf } from "./response.ts";

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

const CTX: EncodeContext = { model: "gemini-2.5-flash", requestId: "req_42", includeUsage: false, sse: false, now: 1_700_000_000 };

const TOOLS_RESPONSE: Response = {
  id: "mHVlabcdEFGhijKLmnopQR",
  model: "gemini-2.5-flash",
  parts: [
    { type: "thinking", text: "**Checking the weather**\n\nThe user wants two cities.", origin: "gemini" },
    { type: "text", text: "Let me check both cities." },
    { type: "tool_call", id: "call_0", name: "get_weather", input: { city: "Paris" }, signature: "CiQBjz1rX2sig1" },
    { type: "tool_call", id: "call_1", name: "get_weather", input: { city: "Tokyo" } },
  ],
  stopReason: "tool_use",
  // 1200 prompt tokens of which 1000 cached; 40 visible + 100 thinking tokens of output.
  usage: { inputTokens: 200, outputTokens: 140, cacheReadTokens: 1000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 100 },
};

describe("gemini decodeResponse", () => {
  it("decodes thinking, text and parallel calls with usage in disjoint buckets", () => {
    expect(decodeResponse(fixture("response-tools.json"))).toEqual(TOOLS_RESPONSE);
  });

  it("decodes a blocked prompt as a refusal without parts", () => {
    expect(decodeResponse(fixture("response-blocked.json"))).toEqual({
      id: "blocked123",
      model: "gemini-2.5-pro",
      parts: [],
      stopReason: "refusal",
      usage: { inputTokens: 9, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 },
    });
  });

  it.each([
    ["STOP", false, "end_turn"],
    ["STOP", true, "tool_use"],
    ["MAX_TOKENS", true, "max_tokens"],
    ["SAFETY", false, "content_filter"],
    ["RECITATION", false, "content_filter"],
    ["PROHIBITED_CONTENT", false, "content_filter"],
    ["BLOCKLIST", false, "content_filter"],
    ["SPII", false, "content_filter"],
    ["MALFORMED_FUNCTION_CALL", false, "error"],
    ["OTHER", false, "end_turn"],
    [undefined, false, "end_turn"],
  ])("maps finishReason %s (calls: %s) to %s", (reason, calls, stop) => {
    expect(stopReasonOf(reason, calls)).toBe(stop);
  });

  it("counts tool-use prompt tokens as input", () => {
    expect(neutralUsageOf({ promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 2 })).toEqual({
      inputTokens: 15,
      outputTokens: 2,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
    });
  });
});

describe("gemini encodeResponse", () => {
  it("encodes the decoded answer back into the fixture (ids given to the client, token details normalised)", () => {
    const original = fixture("response-tools.json");
    const encoded = encodeResponse(TOOLS_RESPONSE, CTX);
    const candidate = (original.candidates as Array<{ content: { parts: Array<Record<string, Record<string, unknown>>> } }>)[0];
    candidate.content.parts[2].functionCall = { id: "call_0", ...candidate.content.parts[2].functionCall };
    candidate.content.parts[3].functionCall = { id: "call_1", ...candidate.content.parts[3].functionCall };
    expect(encoded).toEqual({
      ...original,
      usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 40, cachedContentTokenCount: 1000, thoughtsTokenCount: 100, totalTokenCount: 1340 },
    });
  });

  it("encodes another format's answer: cache writes inside the prompt count, the request id as responseId", () => {
    const encoded = encodeResponse(
      {
        id: "",
        model: "claude-sonnet-4-5",
        parts: [
          { type: "thinking", text: "hmm", signature: "claude-sig", origin: "claude" },
          { type: "thinking", text: "", redacted: "opaque", origin: "claude" },
          { type: "text", text: "Done." },
        ],
        stopReason: "max_tokens",
        usage: { inputTokens: 5, outputTokens: 7, cacheReadTokens: 100, cacheWrite5mTokens: 20, cacheWrite1hTokens: 3 },
      },
      CTX,
    );
    expect(encoded).toEqual({
      candidates: [{ content: { role: "model", parts: [{ text: "hmm", thought: true }, { text: "Done." }] }, finishReason: "MAX_TOKENS", index: 0 }],
      usageMetadata: { promptTokenCount: 128, candidatesTokenCount: 7, cachedContentTokenCount: 100, totalTokenCount: 135 },
      modelVersion: "gemini-2.5-flash",
      responseId: "req_42",
    });
  });

  it("keeps the cost-relevant buckets through a usage round trip", () => {
    const usage = { inputTokens: 321, outputTokens: 90, cacheReadTokens: 4000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 60 };
    expect(neutralUsageOf(usageMetadataOf(usage))).toEqual(usage);
  });
});
