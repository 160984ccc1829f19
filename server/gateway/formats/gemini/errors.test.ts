import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { geminiFormat } from "./index.ts";
import { renderGeminiStreamError } from "./errors.ts";

describe("Gemini error envelopes", () => {
  it("renders Google's envelope with the HTTP status as code and a google.rpc status name", () => {
    const cases: Array<[GatewayError, number, string]> = [
      [new GatewayError("invalid_request", "bad"), 400, "INVALID_ARGUMENT"],
      [new GatewayError("authentication", "Invalid API key."), 401, "UNAUTHENTICATED"],
      [new GatewayError("permission", "no"), 403, "PERMISSION_DENIED"],
      [new GatewayError("not_found", "none"), 404, "NOT_FOUND"],
      [new GatewayError("rate_limited", "slow down"), 429, "RESOURCE_EXHAUSTED"],
      [new GatewayError("quota_exceeded", "budget"), 402, "RESOURCE_EXHAUSTED"],
      [new GatewayError("internal", "oops"), 500, "INTERNAL"],
      [new GatewayError("bad_gateway", "broken"), 502, "UNAVAILABLE"],
      [new GatewayError("no_provider", "none left"), 503, "UNAVAILABLE"],
      [new GatewayError("upstream_timeout", "late"), 524, "DEADLINE_EXCEEDED"],
    ];
    for (const [error, code, status] of cases) {
      const { contentType, body } = geminiFormat.renderError(error, "req_1");
      expect(contentType).toMatch(/^application\/json/);
      const parsed = JSON.parse(body);
      expect(parsed.error).toMatchObject({ code, message: error.message, status });
      expect(parsed.error.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RequestInfo", requestId: "req_1" });
    }
  });

  it("merges the error's details into the error object, without letting them replace code, message or status", () => {
    const error = new GatewayError("rate_limited", "RPM limit reached", {
      headers: { "Retry-After": "7" },
      details: { limit_type: "rpm", current: 61, limit: 60, status: "SPOOFED" },
    });
    const parsed = JSON.parse(geminiFormat.renderError(error, "req_2").body);
    expect(parsed.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED", message: "RPM limit reached", limit_type: "rpm", current: 61, limit: 60 });
    expect(parsed.error.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" });
  });

  it("ends an SSE stream with a CRLF-framed error chunk", () => {
    const text = geminiFormat.renderStreamError(new GatewayError("bad_gateway", "The upstream stream broke off"), "req_3");
    expect(text).toMatch(/^data: \{"error":\{.*\}\}\r\n\r\n$/);
    expect(JSON.parse(text.slice(6)).error).toMatchObject({ code: 502, status: "UNAVAILABLE" });
  });

  it("closes a JSON-array stream with an error element", () => {
    const error = new GatewayError("upstream_timeout", "late");
    const afterElement = `[{"a":1}${renderGeminiStreamError(error, "r", "json-array", true)}`;
    expect(JSON.parse(afterElement)[1].error).toMatchObject({ code: 524, status: "DEADLINE_EXCEEDED" });
    const afterOpen = `[${renderGeminiStreamError(error, "r", "json-array", false)}`;
    expect(JSON.parse(afterOpen)).toHaveLength(1);
  });
});
