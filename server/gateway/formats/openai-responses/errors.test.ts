import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { renderOpenAiResponsesError, renderOpenAiResponsesStreamError } from "./errors.ts";

describe("Responses errors", () => {
  it("answers in OpenAI's JSON envelope", () => {
    const rendered = renderOpenAiResponsesError(new GatewayError("rate_limited", "Too many requests."), "req_1");
    expect(JSON.parse(rendered.body)).toEqual({ error: { message: "Too many requests.", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" } });
  });

  it("ends a broken stream with a response.failed event that Codex and the openai SDK can read", () => {
    const text = renderOpenAiResponsesStreamError(new GatewayError("bad_gateway", "The upstream stream broke off"), "req_9");
    const [eventLine, dataLine, ...rest] = text.split("\n");
    expect(eventLine).toBe("event: response.failed");
    expect(rest).toEqual(["", ""]);
    const payload = JSON.parse(dataLine.slice("data: ".length));
    expect(payload).not.toHaveProperty("sequence_number");
    expect(payload).toMatchObject({
      type: "response.failed",
      response: { id: "req_9", object: "response", status: "failed", error: { code: "bad_gateway", message: "The upstream stream broke off" }, output: [] },
    });
  });

  it("uses the codes Codex acts on", () => {
    const code = (error: GatewayError) => JSON.parse(renderOpenAiResponsesStreamError(error, "r").split("\n")[1].slice(6)).response.error.code;
    expect(code(new GatewayError("quota_exceeded", "over budget"))).toBe("insufficient_quota");
    expect(code(new GatewayError("rate_limited", "slow down"))).toBe("rate_limit_exceeded");
    expect(code(new GatewayError("invalid_request", "bad"))).toBe("invalid_request_error");
  });
});
