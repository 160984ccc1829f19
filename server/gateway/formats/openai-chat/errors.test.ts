import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { renderOpenAiChatStreamError, renderOpenAiError } from "./errors.ts";

describe("OpenAI error envelope", () => {
  it("renders {error:{message,type,param,code}} with the type and code of each kind", () => {
    const cases: Array<[GatewayError, string, string | null]> = [
      [new GatewayError("invalid_request", "model: Field required"), "invalid_request_error", null],
      [new GatewayError("authentication", "Invalid API key."), "authentication_error", "invalid_api_key"],
      [new GatewayError("quota_exceeded", "Daily limit reached."), "insufficient_quota", "insufficient_quota"],
      [new GatewayError("rate_limited", "Too many requests."), "rate_limit_error", "rate_limit_exceeded"],
      [new GatewayError("bad_gateway", "The upstream could not be reached."), "server_error", "bad_gateway"],
      [new GatewayError("no_provider", "No provider is available."), "server_error", "service_unavailable"],
    ];
    for (const [error, type, code] of cases) {
      const rendered = renderOpenAiError(error, "req_1");
      expect(rendered.contentType).toBe("application/json");
      expect(JSON.parse(rendered.body)).toEqual({ error: { message: error.message, type, param: null, code } });
    }
  });

  it("carries the error's details inside the error object", () => {
    const error = new GatewayError("quota_exceeded", "Daily limit reached.", { details: { limit_type: "daily", current: 5.2, limit: 5 } });
    expect(JSON.parse(renderOpenAiError(error, "req_1").body).error).toMatchObject({ type: "insufficient_quota", limit_type: "daily", current: 5.2, limit: 5 });
  });

  it("ends a broken chat stream with one data event holding the envelope, and no [DONE]", () => {
    const text = renderOpenAiChatStreamError(new GatewayError("upstream_timeout", "The upstream stream broke off"), "req_1");
    expect(text).toMatch(/^data: \{.*\}\n\n$/);
    expect(text).not.toContain("[DONE]");
    expect(JSON.parse(text.slice(6))).toEqual({ error: { message: "The upstream stream broke off", type: "server_error", param: null, code: "timeout" } });
  });
});
