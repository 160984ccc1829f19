import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors.ts";
import { ConvertingTap } from "./converting-tap.ts";
import { codecFor } from "./registry.ts";

const ctx = { model: "claude-sonnet-4-5", requestId: "req_tap", includeUsage: false, sse: true, now: 1_700_000_000 };

/** A Chat upstream converted for a Claude client. */
const chatToClaude = () => new ConvertingTap(codecFor("openai-chat")!.createStreamDecoder(), codecFor("claude")!.createStreamEncoder(ctx));

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const finish = (reason: string) => `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [], usage: { prompt_tokens: 1100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 1000 } } })}\n\n`;

function run(tap: ConvertingTap, text: string): string {
  // One byte at a time: the tap must not depend on chunk boundaries.
  let out = "";
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i++) out += tap.push(bytes.subarray(i, i + 1)).toString();
  return out + (tap.end()?.toString() ?? "");
}

describe("ConvertingTap", () => {
  it("converts a whole stream and reads its summary from the decoded events", () => {
    const tap = chatToClaude();
    const out = run(tap, chunk({ role: "assistant", content: "" }) + chunk({ content: "Hé" }) + chunk({ content: "llo" }) + finish("stop") + usage + "data: [DONE]\n\n");
    expect(out).toMatch(/^event: message_start\n/);
    expect(out).toContain('"text":"Hé"');
    expect(out.trimEnd()).toMatch(/event: message_stop\ndata: \{"type":"message_stop"\}$/);
    expect(tap.summary()).toEqual({
      usage: { inputTokens: 100, outputTokens: 20, cacheCreation5mTokens: 0, cacheCreation1hTokens: 0, cacheReadTokens: 1000 },
      model: "gpt-4o",
      completed: true,
      error: undefined,
      sawContent: true,
    });
    expect(tap.generatedBytes()).toBe(Buffer.byteLength("Héllo"));
    // Nothing more once the stream is closed.
    expect(tap.renderError(new GatewayError("bad_gateway", "late"), "req_tap")).toBe("");
  });

  it("ends the client's stream with its error event when tool-call arguments are not a JSON object", () => {
    const tap = chatToClaude();
    const call = (args: string, first = false) => chunk({ tool_calls: [{ index: 0, ...(first ? { id: "call_1", type: "function", function: { name: "Read", arguments: args } } : { function: { arguments: args } }) }] });
    const out = run(tap, chunk({ role: "assistant", content: null }) + call('{"path": "/a', true) + call("'broken") + finish("tool_calls") + usage + "data: [DONE]\n\n");
    expect(out).toContain('"type":"tool_use"');
    expect(out).not.toContain("content_block_stop");
    expect(out).not.toContain("message_stop");
    expect(out.trimEnd()).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"the upstream sent arguments for tool call Read that are not a JSON object"\}\}$/);
    expect(tap.summary().error).toEqual({ type: "invalid_response", message: "the upstream sent arguments for tool call Read that are not a JSON object" });
    expect(tap.summary().completed).toBe(false);
  });

  it("leaves a stream cut short open for the dispatcher's error event, written once", () => {
    const tap = chatToClaude();
    let out = tap.push(Buffer.from(chunk({ role: "assistant", content: "" }) + chunk({ content: "partial" }))).toString();
    expect(out).toContain("partial");
    expect(tap.summary()).toMatchObject({ completed: false, error: undefined, sawContent: true });
    out = tap.renderError(new GatewayError("upstream_timeout", "The upstream stream broke off."), "req_tap");
    expect(out).toBe('event: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"The upstream stream broke off."}}\n\n');
    expect(tap.renderError(new GatewayError("bad_gateway", "again"), "req_tap")).toBe("");
  });

  it("passes an upstream's in-stream error to the client in its own envelope", () => {
    const tap = new ConvertingTap(codecFor("claude")!.createStreamDecoder(), codecFor("openai-chat")!.createStreamEncoder({ ...ctx, model: "gpt-4o" }));
    const out = run(
      tap,
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n' +
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
    expect(out.trimEnd()).toMatch(/data: \{"error":\{"message":"Overloaded","type":"overloaded_error","code":null\}\}$/);
    expect(out).not.toContain("[DONE]");
    expect(tap.summary().error).toEqual({ type: "overloaded_error", message: "Overloaded" });
  });
});
