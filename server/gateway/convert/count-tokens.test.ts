import { describe, expect, it } from "vitest";
import { countAnswer, countOf, decodeCountRequest, encodeCountRequest, estimateTokens, isCountRoute } from "./count-tokens.ts";

const claudeRoute = { format: "claude" as const, kind: "passthrough" as const, path: "/v1/messages/count_tokens" };
const geminiRoute = { format: "gemini" as const, kind: "passthrough" as const, path: "/v1beta/models/gemini-2.5-flash:countTokens", model: "gemini-2.5-flash" };

describe("token counts across formats", () => {
  it("knows the count routes", () => {
    expect(isCountRoute(claudeRoute)).toBe(true);
    expect(isCountRoute(geminiRoute)).toBe(true);
    expect(isCountRoute({ format: "claude", kind: "generate", path: "/v1/messages" })).toBe(false);
    expect(isCountRoute({ format: "gemini-cli", kind: "passthrough", path: "/v1internal:countTokens" })).toBe(false);
  });

  it("sends Claude's count_tokens only the prompt side, and Gemini a whole generateContentRequest", () => {
    const request = decodeCountRequest({ model: "m", system: "Sys", messages: [{ role: "user", content: "hi" }], tools: [{ name: "t", input_schema: { type: "object" } }] }, claudeRoute, "");
    const claude = encodeCountRequest(request, "claude", { dropped: [] })!;
    expect(claude.path).toBe("/v1/messages/count_tokens");
    expect(claude.body).toMatchObject({ model: "m", system: "Sys", messages: [{ role: "user" }], tools: [{ name: "t" }] });
    expect(claude.body).not.toHaveProperty("max_tokens");
    expect(claude.body).not.toHaveProperty("stream");

    const fromGemini = decodeCountRequest({ generateContentRequest: { contents: [{ role: "user", parts: [{ text: "hi" }] }], systemInstruction: { parts: [{ text: "Sys" }] } } }, geminiRoute, "");
    expect(fromGemini.system[0].text).toBe("Sys");
    const gemini = encodeCountRequest({ ...request, model: "gemini-2.5-flash" }, "gemini", { dropped: [] })!;
    expect(gemini.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
    expect(gemini.body).toMatchObject({ generateContentRequest: { model: "models/gemini-2.5-flash", systemInstruction: { parts: [{ text: "Sys" }] } } });
    expect(encodeCountRequest(request, "openai-chat", { dropped: [] })).toBeUndefined();
  });

  it("reads and writes each format's count, and estimates 4 characters a token plus 1600 per image", () => {
    expect(countOf("claude", { input_tokens: 12 })).toBe(12);
    expect(countOf("gemini", { totalTokens: 34 })).toBe(34);
    expect(countOf("gemini", { error: {} })).toBeUndefined();
    expect(countAnswer("claude", 5)).toEqual({ input_tokens: 5 });
    expect(countAnswer("gemini", 5)).toEqual({ totalTokens: 5 });
    const request = decodeCountRequest(
      { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "x".repeat(400) }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] }] },
      claudeRoute,
      "",
    );
    expect(estimateTokens(request)).toBe(100 + 1600);
  });
});
