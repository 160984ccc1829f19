import { describe, expect, it } from "vitest";
import { DEFAULT_TOKEN_URI, parseGoogleCredential } from "./credential.ts";

describe("parseGoogleCredential", () => {
  it("treats a plain string as an API key", () => {
    expect(parseGoogleCredential("  AIzaSyExample  ")).toEqual({ kind: "api-key", apiKey: "AIzaSyExample" });
  });

  it("reads a google-auth-library credential (expiry_date in ms)", () => {
    const c = parseGoogleCredential(JSON.stringify({ access_token: "ya29.a", refresh_token: "1//r", client_id: "id", client_secret: "cs", expiry_date: 1_700_000_000_000, token_type: "Bearer" }));
    expect(c).toEqual({
      kind: "oauth",
      oauth: { accessToken: "ya29.a", refreshToken: "1//r", clientId: "id", clientSecret: "cs", expiresAt: 1_700_000_000_000, tokenUri: DEFAULT_TOKEN_URI },
    });
  });

  it("reads an RFC 3339 expiry and a custom token_uri", () => {
    const c = parseGoogleCredential(JSON.stringify({ refresh_token: "r", client_id: "id", expiry: "2030-01-02T03:04:05Z", token_uri: "http://127.0.0.1:9/token" }));
    expect(c.kind === "oauth" && c.oauth).toMatchObject({ expiresAt: Date.parse("2030-01-02T03:04:05Z"), tokenUri: "http://127.0.0.1:9/token", accessToken: undefined });
  });

  it("refuses a broken or token-less JSON credential without quoting it", () => {
    const broken = '{"refresh_token":"super-secret-value",';
    expect(() => parseGoogleCredential(broken)).toThrow(/not valid JSON/);
    try {
      parseGoogleCredential(broken);
    } catch (error) {
      expect((error as Error).message).not.toContain("super-secret-value");
    }
    expect(() => parseGoogleCredential('{"client_id":"x"}')).toThrow(/neither access_token nor refresh_token/);
  });
});
