import { describe, expect, it } from "vitest";
import { EXTENDED_CACHE_TTL_BETA, prepareClaudeUpstream, readClaudeRequest } from "./request.ts";

const route = { format: "claude" as const, kind: "generate" as const, path: "/v1/messages" };

function prepare(body: object, options: { model?: string; cacheTtl?: "5m" | "1h" } = {}) {
  const buf = Buffer.from(JSON.stringify(body));
  const info = readClaudeRequest(buf);
  const out = prepareClaudeUpstream({ route, search: "", body: buf, info, model: options.model ?? info.model!, cacheTtl: options.cacheTtl });
  return { out, json: JSON.parse(out.body.toString()) };
}

describe("prepareClaudeUpstream", () => {
  const request = {
    model: "claude-sonnet-4-5",
    max_tokens: 10,
    system: [{ type: "text", text: "you are", cache_control: { type: "ephemeral" } }],
    tools: [{ name: "t", input_schema: {}, cache_control: { type: "ephemeral" } }],
    messages: [{ role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral", ttl: "5m" } }, { type: "text", text: "no breakpoint" }] }],
  };

  it("leaves the bytes alone without a redirect or a TTL preference", () => {
    const { out } = prepare(request);
    expect(out.body.toString()).toBe(JSON.stringify(request));
  });

  it("applies a 1-hour TTL to every breakpoint and asks for the beta that 1-hour caching needs", () => {
    const { out, json } = prepare(request, { cacheTtl: "1h", model: "claude-opus-4-5" });
    expect(json.model).toBe("claude-opus-4-5");
    expect(json.system[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
    expect(json.tools[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
    expect(json.messages[0].content[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
    expect(json.messages[0].content[1].cache_control).toBeUndefined();
    expect(out.addBetaFlags).toEqual([EXTENDED_CACHE_TTL_BETA]);
    expect(out.cacheTtl).toBe("1h");
  });

  it("applies a 5-minute TTL without a beta flag", () => {
    const { out, json } = prepare(request, { cacheTtl: "5m" });
    expect(json.system[0].cache_control.ttl).toBe("5m");
    expect(out.addBetaFlags).toBeUndefined();
  });
});

describe("readClaudeRequest: prompt-cache writes", () => {
  const read = (body: object) => readClaudeRequest(Buffer.from(JSON.stringify(body))).promptCacheWrite;
  const base = { model: "claude-sonnet-4-5", max_tokens: 10 };
  it("finds the breakpoints wherever they are, and the longest TTL asked for", () => {
    expect(read({ ...base, messages: [{ role: "user", content: "hi" }] })).toBeUndefined();
    expect(read({ ...base, system: [{ type: "text", text: "s", cache_control: { type: "ephemeral" } }], messages: [] })).toBe("5m");
    expect(read({ ...base, messages: [{ role: "user", content: [{ type: "text", text: "a", cache_control: { type: "ephemeral", ttl: "5m" } }, { type: "text", text: "b", cache_control: { ttl: "1h", type: "ephemeral" } }] }] })).toBe("1h");
  });
  it("is not fooled by the words in the conversation's text", () => {
    expect(read({ ...base, messages: [{ role: "user", content: 'what does "cache_control": {"ttl": "1h"} do?' }] })).toBeUndefined();
    expect(read({ ...base, system: [{ type: "text", text: "s", cache_control: { type: "ephemeral" } }], messages: [{ role: "user", content: 'say "1h"' }] })).toBe("5m");
  });
});

