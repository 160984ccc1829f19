import { describe, expect, it } from "vitest";
import { claudeWarmupJson, claudeWarmupStream, isClaudeWarmup } from "./warmup.ts";

const body = (value: object) => Buffer.from(JSON.stringify(value));

describe("Claude Code warm-up requests", () => {
  it("are a single user message whose text is Warmup, as a string or text blocks", () => {
    expect(isClaudeWarmup(body({ model: "m", system: "big prompt", messages: [{ role: "user", content: "Warmup" }] }))).toBe(true);
    expect(isClaudeWarmup(body({ messages: [{ role: "user", content: [{ type: "text", text: "Warmup", cache_control: { type: "ephemeral" } }] }] }))).toBe(true);
  });

  it("are nothing else", () => {
    expect(isClaudeWarmup(body({ messages: [{ role: "user", content: "Warmup please, and then fix the bug" }] }))).toBe(false);
    expect(isClaudeWarmup(body({ messages: [{ role: "user", content: "Warmup" }, { role: "assistant", content: "ok" }] }))).toBe(false);
    expect(isClaudeWarmup(body({ messages: [{ role: "user", content: [{ type: "image", source: {} }, { type: "text", text: "Warmup" }] }] }))).toBe(false);
    expect(isClaudeWarmup(Buffer.from('{"messages": [{"role": "user", "content": "Warmup"'))).toBe(false);
  });

  it("get a complete answer, as JSON or as the event sequence of a stream", () => {
    expect(JSON.parse(claudeWarmupJson("claude-haiku-4-5"))).toMatchObject({ type: "message", model: "claude-haiku-4-5", stop_reason: "end_turn", content: [{ type: "text" }] });
    const events = claudeWarmupStream("claude-haiku-4-5").trimEnd().split("\n\n").map((e) => e.split("\n")[0]);
    expect(events).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"].map((t) => `event: ${t}`));
  });
});
