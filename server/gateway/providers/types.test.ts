import { describe, expect, it } from "vitest";
import { joinUpstreamUrl } from "./types.ts";

describe("joinUpstreamUrl", () => {
  it.each([
    ["https://api.anthropic.com", "/v1/messages", "?beta=true", "https://api.anthropic.com/v1/messages?beta=true"],
    ["https://api.anthropic.com/", "/v1/messages", "", "https://api.anthropic.com/v1/messages"],
    ["https://relay.example/v1", "/v1/messages", "", "https://relay.example/v1/messages"],
    ["https://relay.example/v1/", "/v1/messages/count_tokens", "", "https://relay.example/v1/messages/count_tokens"],
    ["https://relay.example/api/claude", "/v1/messages", "", "https://relay.example/api/claude/v1/messages"],
    ["https://g.example/v1beta", "/v1beta/models/gemini-2.5-pro:generateContent", "", "https://g.example/v1beta/models/gemini-2.5-pro:generateContent"],
    ["http://127.0.0.1:8080", "/v1internal:streamGenerateContent", "?alt=sse", "http://127.0.0.1:8080/v1internal:streamGenerateContent?alt=sse"],
  ])("%s + %s", (base, path, search, expected) => {
    expect(joinUpstreamUrl(base, path, search).toString()).toBe(expected);
  });
});
