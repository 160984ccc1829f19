import { describe, expect, it } from "vitest";
import { classifyFailure } from "./classify.ts";
import { DEFAULT_ERROR_RULES, type ErrorRule } from "../../domain/error-rules.ts";

const rules: ErrorRule[] = DEFAULT_ERROR_RULES.map((r, i) => ({ ...r, id: i + 1, overrideMessage: null, overrideStatusCode: null, priority: 0 }));
const http = (status: number, message: string, headers: Record<string, string> = {}) =>
  classifyFailure({ class: "http_error", status, message, headers, body: Buffer.from(JSON.stringify({ type: "error", error: { type: "x", message } })) }, rules, false);

describe("classifyFailure", () => {
  it("returns client mistakes matched by a rule at once, without counting them", () => {
    expect(http(400, "prompt is too long: 210000 tokens > 200000 maximum")).toMatchObject({ final: true, countsTowardBreaker: false, errorClass: "client_error" });
    expect(http(400, "messages.1.content.0: Invalid signature in thinking block")).toMatchObject({ final: true });
    expect(http(400, "max_tokens: 200000 > 64000, which is the maximum allowed")).toMatchObject({ final: true });
  });

  it("retries and counts provider faults", () => {
    expect(http(500, "boom")).toMatchObject({ final: false, retrySame: true, countsTowardBreaker: true });
    expect(http(529, "Overloaded")).toMatchObject({ retrySame: true, countsTowardBreaker: true });
    expect(http(401, "invalid x-api-key")).toMatchObject({ final: false, retrySame: false, countsTowardBreaker: true });
    expect(http(400, "Your credit balance is too low")).toMatchObject({ final: false, countsTowardBreaker: true, errorClass: "provider_quota" });
  });

  it("honours Retry-After on a 429", () => {
    expect(http(429, "slow down", { "retry-after": "3" })).toMatchObject({ retrySame: true, retryAfterMs: 3000, countsTowardBreaker: true });
  });

  it("moves on from a 404 without counting it", () => {
    expect(http(404, "model not found")).toMatchObject({ final: false, retrySame: false, countsTowardBreaker: false });
  });

  it("counts network errors only when the setting says so", () => {
    expect(classifyFailure({ class: "network_error", message: "ECONNREFUSED" }, rules, false).countsTowardBreaker).toBe(false);
    expect(classifyFailure({ class: "network_error", message: "ECONNREFUSED" }, rules, true).countsTowardBreaker).toBe(true);
    expect(classifyFailure({ class: "timeout", message: "first byte" }, rules, false).countsTowardBreaker).toBe(true);
    expect(classifyFailure({ class: "client_abort", message: "" }, rules, true)).toMatchObject({ final: true, countsTowardBreaker: false });
  });
});
