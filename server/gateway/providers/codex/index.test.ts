import { describe, expect, it } from "vitest";
import type { CachedProvider } from "../../../catalog/types.ts";
import { providerAdapter } from "../registry.ts";
import { codexProvider } from "./index.ts";

const provider = (url: string, secret = "sk-provider") => ({ id: 1, url, secret, providerType: "codex" }) as CachedProvider;

describe("codex provider", () => {
  it("is registered and speaks the Responses format", () => {
    expect(providerAdapter("codex")).toBe(codexProvider);
    expect(codexProvider.format).toBe("openai-responses");
  });

  it("joins base URLs written with or without /v1", () => {
    expect(codexProvider.upstreamUrl(provider("https://api.openai.com"), "/v1/responses", "").toString()).toBe("https://api.openai.com/v1/responses");
    expect(codexProvider.upstreamUrl(provider("https://api.openai.com/v1/"), "/v1/responses/compact", "").toString()).toBe(
      "https://api.openai.com/v1/responses/compact",
    );
    expect(codexProvider.upstreamUrl(provider("https://relay.example/openai/v1"), "/v1/responses", "?x=1").toString()).toBe(
      "https://relay.example/openai/v1/responses?x=1",
    );
  });

  it("leaves the /v1 out on ChatGPT's Codex backend, whose paths have no version", () => {
    expect(codexProvider.upstreamUrl(provider("https://chatgpt.com/backend-api/codex"), "/v1/responses", "").toString()).toBe("https://chatgpt.com/backend-api/codex/responses");
    expect(codexProvider.upstreamUrl(provider("https://chatgpt.com/backend-api/codex/"), "/v1/responses/compact", "").toString()).toBe(
      "https://chatgpt.com/backend-api/codex/responses/compact",
    );
  });

  it("authenticates with the provider's key as Bearer only", async () => {
    expect(await codexProvider.authHeaders(provider("https://api.openai.com", "sk-provider\n"))).toEqual({ authorization: "Bearer sk-provider" });
  });
});
