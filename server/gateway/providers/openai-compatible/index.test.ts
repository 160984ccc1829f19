import { describe, expect, it } from "vitest";
import type { CachedProvider } from "../../../catalog/types.ts";
import { providerAdapter } from "../registry.ts";
import { openAiCompatibleProvider } from "./index.ts";

const provider = (url: string, secret = "sk-provider") => ({ id: 2, url, secret, providerType: "openai-compatible" }) as CachedProvider;

describe("openai-compatible provider", () => {
  it("is registered and speaks the Chat Completions format", () => {
    expect(providerAdapter("openai-compatible")).toBe(openAiCompatibleProvider);
    expect(openAiCompatibleProvider.format).toBe("openai-chat");
  });

  it("joins base URLs written with or without /v1", () => {
    const path = "/v1/chat/completions";
    expect(openAiCompatibleProvider.upstreamUrl(provider("https://api.deepseek.com"), path, "").toString()).toBe("https://api.deepseek.com/v1/chat/completions");
    expect(openAiCompatibleProvider.upstreamUrl(provider("https://openrouter.ai/api/v1"), path, "").toString()).toBe("https://openrouter.ai/api/v1/chat/completions");
  });

  it("authenticates with the provider's key as Bearer only", async () => {
    expect(await openAiCompatibleProvider.authHeaders(provider("https://api.openai.com", " sk-provider "))).toEqual({ authorization: "Bearer sk-provider" });
  });
});
