import { describe, expect, it } from "vitest";
import type { CachedProvider } from "../../../catalog/types.ts";
import { providerAdapter } from "../registry.ts";
import { geminiProvider } from "./index.ts";

const provider = (secret: string, url = "https://generativelanguage.googleapis.com") => ({ id: 101, url, secret, providerType: "gemini" }) as CachedProvider;

describe("gemini provider", () => {
  it("is registered and speaks the gemini format", () => {
    expect(providerAdapter("gemini")).toBe(geminiProvider);
    expect(geminiProvider.format).toBe("gemini");
  });

  it("joins the base URL and the client path, keeping alt=sse and never a key= parameter", () => {
    const p = provider("AIza-provider");
    expect(geminiProvider.upstreamUrl(p, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "?alt=sse").toString()).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    const relay = provider("k", "https://relay.example/gemini/v1beta/");
    const url = geminiProvider.upstreamUrl(relay, "/v1beta/models/m:generateContent", "?key=sk-hub-client&alt=sse");
    expect(url.toString()).toBe("https://relay.example/gemini/v1beta/models/m:generateContent?alt=sse");
    expect(url.toString()).not.toContain("sk-hub-client");
  });

  it("sends an API key as x-goog-api-key only", async () => {
    expect(await geminiProvider.authHeaders(provider(" AIza-provider "))).toEqual({ "x-goog-api-key": "AIza-provider" });
  });

  it("sends an OAuth credential's fresh access token as Bearer", async () => {
    const secret = JSON.stringify({ access_token: "ya29.fresh", refresh_token: "r", client_id: "c", expiry_date: Date.now() + 3_600_000 });
    expect(await geminiProvider.authHeaders(provider(secret))).toEqual({ authorization: "Bearer ya29.fresh" });
  });

  it("fails without quoting a malformed credential", async () => {
    await expect(Promise.resolve().then(() => geminiProvider.authHeaders(provider('{"access_token":"ya29.secret"')))).rejects.toThrow(/not valid JSON/);
  });
});
