import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CachedProvider } from "../../../catalog/types.ts";
import { providerAdapter } from "../registry.ts";
import { CODE_ASSIST_BASE_URL, geminiCliProvider } from "./index.ts";

const provider = (id: number, secret: string, url = CODE_ASSIST_BASE_URL) => ({ id, url, secret, providerType: "gemini-cli" }) as CachedProvider;

// A loopback token endpoint: the adapter goes through the real process-wide token cache and fetch.
let server: Server;
let tokenUri: string;
const seen: URLSearchParams[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      seen.push(form);
      res.setHeader("content-type", "application/json");
      if (form.get("refresh_token") === "revoked") {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: "invalid_grant", error_description: "Token has been expired or revoked." }));
        return;
      }
      res.end(JSON.stringify({ access_token: `ya29.refreshed-${seen.length}`, expires_in: 3599, token_type: "Bearer" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tokenUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("gemini-cli provider", () => {
  it("is registered and speaks the gemini-cli format", () => {
    expect(providerAdapter("gemini-cli")).toBe(geminiCliProvider);
    expect(geminiCliProvider.format).toBe("gemini-cli");
  });

  it("targets Code Assist's v1internal methods, by default on cloudcode-pa", () => {
    expect(geminiCliProvider.upstreamUrl(provider(1, "k"), "/v1internal:streamGenerateContent", "?alt=sse").toString()).toBe(
      "https://cloudcode-pa.googleapis.com/v1internal:streamGenerateContent?alt=sse",
    );
    expect(geminiCliProvider.upstreamUrl(provider(1, "k", ""), "/v1internal:loadCodeAssist", "?key=x").toString()).toBe(
      "https://cloudcode-pa.googleapis.com/v1internal:loadCodeAssist",
    );
  });

  it("refreshes an expired OAuth credential against its token_uri once, and sends the Gemini CLI client header", async () => {
    const secret = JSON.stringify({ access_token: "ya29.stale", refresh_token: "1//good", client_id: "cid", client_secret: "cs", expiry_date: Date.now() - 1000, token_uri: tokenUri });
    const p = provider(201, secret);
    const [a, b] = await Promise.all([geminiCliProvider.authHeaders(p), geminiCliProvider.authHeaders(p)]);
    expect(a).toEqual({ authorization: "Bearer ya29.refreshed-1" });
    // The client header is a default: sent unless the client sent its own.
    expect(geminiCliProvider.defaultHeaders).toEqual({ "x-goog-api-client": "GeminiCLI/1.0" });
    expect(b).toEqual(a);
    expect(seen).toHaveLength(1);
    expect(seen[0].get("client_id")).toBe("cid");
    expect(await geminiCliProvider.authHeaders(p)).toEqual(a);
    expect(seen).toHaveLength(1);
  });

  it("accepts an API key too", async () => {
    expect(await geminiCliProvider.authHeaders(provider(202, "AIza-relay"))).toEqual({ "x-goog-api-key": "AIza-relay" });
  });

  it("rejects with a secret-free message when the refresh is refused", async () => {
    const secret = JSON.stringify({ refresh_token: "revoked", client_id: "cid", client_secret: "very-secret", token_uri: tokenUri });
    const error = await Promise.resolve(geminiCliProvider.authHeaders(provider(203, secret))).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("Google OAuth token refresh failed: HTTP 400 (invalid_grant)");
  });
});
