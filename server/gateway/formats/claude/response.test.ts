import { describe, expect, it } from "vitest";
import { createClaudeStreamTap, summarizeClaudeJson } from "./response.ts";

const sse = (events: Array<[string, object]>) => events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join("");
const opts = { defaultCacheTtl: "5m" as const, usageInjected: false };

describe("Claude stream tap", () => {
  const stream = sse([
    ["message_start", { type: "message_start", message: { model: "claude-x", usage: { input_tokens: 10, cache_read_input_tokens: 7, cache_creation_input_tokens: 30, cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 }, output_tokens: 1 } } }],
    ["ping", { type: "ping" }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hi" } }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 42, cache_creation_input_tokens: 30 } }],
    ["message_stop", { type: "message_stop" }],
  ]);

  it("merges input-side usage from message_start with the final output count", () => {
    const tap = createClaudeStreamTap(opts);
    tap.push(Buffer.from(stream));
    tap.end();
    expect(tap.summary()).toEqual({
      usage: { inputTokens: 10, outputTokens: 42, cacheReadTokens: 7, cacheCreation5mTokens: 10, cacheCreation1hTokens: 20 },
      model: "claude-x",
      completed: true,
      error: undefined,
      sawContent: true,
    });
  });

  it("reports content only once a content block starts, and incompleteness without message_stop", () => {
    const tap = createClaudeStreamTap(opts);
    const cut = stream.indexOf("event: content_block_start");
    tap.push(Buffer.from(stream.slice(0, cut)));
    expect(tap.summary().sawContent).toBe(false);
    tap.push(Buffer.from(stream.slice(cut, stream.indexOf("event: message_stop"))));
    tap.end();
    expect(tap.summary()).toMatchObject({ sawContent: true, completed: false });
  });

  it("captures an in-stream error event", () => {
    const tap = createClaudeStreamTap(opts);
    tap.push(Buffer.from(sse([["error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]])));
    tap.end();
    expect(tap.summary().error).toEqual({ type: "overloaded_error", message: "Overloaded" });
  });

  it("keeps message_start's counts when a relay's message_delta sends them as null", () => {
    const tap = createClaudeStreamTap(opts);
    tap.push(
      Buffer.from(
        sse([
          ["message_start", { type: "message_start", message: { usage: { input_tokens: 1200, cache_read_input_tokens: 300, output_tokens: 1 } } }],
          ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { input_tokens: null, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens: 55 } }],
        ]),
      ),
    );
    expect(tap.summary().usage).toEqual({ inputTokens: 1200, outputTokens: 55, cacheReadTokens: 300, cacheCreation5mTokens: 0, cacheCreation1hTokens: 0 });
  });

  it("attributes an undivided cache-creation count to the requested TTL", () => {
    const tap = createClaudeStreamTap({ defaultCacheTtl: "1h", usageInjected: false });
    tap.push(Buffer.from(sse([["message_start", { type: "message_start", message: { usage: { input_tokens: 1, cache_creation_input_tokens: 500 } } }]])));
    expect(tap.summary().usage).toMatchObject({ cacheCreation1hTokens: 500, cacheCreation5mTokens: 0 });
  });
});

describe("Claude JSON responses", () => {
  it("reads usage of a Message", () => {
    const s = summarizeClaudeJson(Buffer.from(JSON.stringify({ type: "message", model: "m", content: [], usage: { input_tokens: 3, output_tokens: 4 } })), opts);
    expect(s).toMatchObject({ completed: true, error: undefined, usage: { inputTokens: 3, outputTokens: 4 } });
  });

  it("treats an error body and a non-JSON body under 2xx as failures", () => {
    expect(summarizeClaudeJson(Buffer.from('{"type":"error","error":{"type":"api_error","message":"boom"}}'), opts).error).toEqual({ type: "api_error", message: "boom" });
    expect(summarizeClaudeJson(Buffer.from("<html>bad gateway</html>"), opts).error?.type).toBe("invalid_response");
    expect(summarizeClaudeJson(Buffer.from('{"error":{"message":"quota"}}'), opts).error?.message).toBe("quota");
  });
});
