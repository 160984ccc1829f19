import { describe, expect, it } from "vitest";
import { matchRoute } from "./endpoints.ts";

describe("matchRoute", () => {
  it.each([
    ["/v1/messages", { format: "claude", kind: "generate" }],
    ["/v1/messages/count_tokens", { format: "claude", kind: "passthrough" }],
    ["/v1/chat/completions", { format: "openai-chat", kind: "generate" }],
    ["/v1/responses", { format: "openai-responses", kind: "generate" }],
    ["/v1/responses/compact", { format: "openai-responses", kind: "generate" }],
    ["/v1beta/models/gemini-2.5-pro:generateContent", { format: "gemini", kind: "generate", model: "gemini-2.5-pro", stream: false }],
    ["/v1beta/models/gemini-2.5-flash:streamGenerateContent", { format: "gemini", kind: "generate", model: "gemini-2.5-flash", stream: true }],
    ["/v1beta/models/gemini-2.5-flash:countTokens", { format: "gemini", kind: "passthrough", model: "gemini-2.5-flash" }],
    ["/v1internal:streamGenerateContent", { format: "gemini-cli", kind: "generate", stream: true }],
    ["/v1internal:loadCodeAssist", { format: "gemini-cli", kind: "passthrough" }],
  ])("%s", (path, expected) => {
    expect(matchRoute("POST", path)).toMatchObject({ path, ...expected });
  });

  it("has no route for other paths and methods", () => {
    expect(matchRoute("GET", "/v1/messages")).toBeUndefined();
    expect(matchRoute("POST", "/v1/complete")).toBeUndefined();
    expect(matchRoute("POST", "/v1beta/models/x:deleteEverything")).toBeUndefined();
  });
});
