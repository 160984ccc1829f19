import { describe, expect, it } from "vitest";
import { forChatGptCodexBackend, isChatGptCodexBackend } from "./backend.ts";

describe("ChatGPT's Codex backend", () => {
  it("is recognised by its host or path, for codex providers only", () => {
    expect(isChatGptCodexBackend({ providerType: "codex", url: "https://chatgpt.com/backend-api/codex" })).toBe(true);
    expect(isChatGptCodexBackend({ providerType: "codex", url: "https://relay.example/backend-api/codex" })).toBe(true);
    expect(isChatGptCodexBackend({ providerType: "codex", url: "https://api.openai.com/v1" })).toBe(false);
    expect(isChatGptCodexBackend({ providerType: "openai-compatible", url: "https://chatgpt.com/backend-api/codex" })).toBe(false);
  });

  it("loses the fields it refuses, each noted", () => {
    const body: Record<string, unknown> = { model: "gpt-5", max_output_tokens: 100, temperature: 0.2, input: [] };
    expect(forChatGptCodexBackend(body)).toHaveLength(2);
    expect(body).toEqual({ model: "gpt-5", input: [] });
  });
});
