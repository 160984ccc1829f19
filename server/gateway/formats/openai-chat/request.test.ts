import { describe, expect, it } from "vitest";
import type { GatewayRoute } from "../../endpoints.ts";
import { GatewayError } from "../../errors.ts";
import { prepareOpenAiChatUpstream, readOpenAiChatRequest } from "./request.ts";

const route: GatewayRoute = { format: "openai-chat", kind: "generate", path: "/v1/chat/completions" };
const MESSAGES = '"messages":[{"role":"user","content":"say \\"hi\\" , \\"stream\\":false"}]';

function prepare(text: string, model?: string) {
  const body = Buffer.from(text);
  const info = readOpenAiChatRequest(body);
  const upstream = prepareOpenAiChatUpstream({ route, search: "", body, info, model: model ?? info.model! });
  return { body, info, upstream, sent: upstream.body.toString() };
}

describe("reading a chat completions request", () => {
  it("reads model, stream, the output cap and the session hints", () => {
    const info = readOpenAiChatRequest(
      Buffer.from(`{"model":"gpt-4o",${MESSAGES},"stream":true,"max_tokens":50,"user":"u-1","prompt_cache_key":"thread-9","metadata":{"k":"v"},"stream_options":{"include_usage":false}}`),
    );
    expect(info).toMatchObject({
      model: "gpt-4o",
      stream: true,
      maxTokens: 50,
      hints: { user: "u-1", prompt_cache_key: "thread-9", metadata: { k: "v" }, stream_options: { include_usage: false } },
    });
  });

  it("records the range of messages as the conversation (for a derived session id)", () => {
    const text = `{"model":"gpt-4o",${MESSAGES}}`;
    const range = readOpenAiChatRequest(Buffer.from(text)).ranges.get("conversation")!;
    expect(text.slice(range.start, range.end)).toBe(MESSAGES.slice('"messages":'.length));
  });

  it("prefers max_completion_tokens, the field reasoning models require", () => {
    const info = readOpenAiChatRequest(Buffer.from(`{"model":"o3","max_tokens":10,"max_completion_tokens":900,${MESSAGES}}`));
    expect(info.maxTokens).toBe(900);
    expect(info.stream).toBe(false);
    expect(info.hints).toEqual({});
  });

  it("rejects a body that is not JSON, and a model that is not a string, as the client's error", () => {
    for (const bad of ['{"model":"gpt-4o","messages":[', "[1,2]", '{"model":42}', '{"model":"\\x"}']) {
      expect(() => readOpenAiChatRequest(Buffer.from(bad)), bad).toThrow(GatewayError);
      try {
        readOpenAiChatRequest(Buffer.from(bad));
      } catch (error) {
        expect((error as GatewayError).kind).toBe("invalid_request");
      }
    }
  });
});

describe("preparing the upstream request", () => {
  it("sends a non-streamed request as the very same bytes", () => {
    const { body, upstream } = prepare(`{ "model" : "gpt-4o", ${MESSAGES} }`);
    expect(upstream.body).toBe(body);
    expect(upstream).toMatchObject({ path: "/v1/chat/completions", usageInjected: false });
  });

  it("replaces only the model's value on a redirect", () => {
    const { sent, upstream } = prepare(`{"model": "gpt-4o" ,${MESSAGES}}`, "gpt-4o-2024-11-20");
    expect(sent).toBe(`{"model": "gpt-4o-2024-11-20" ,${MESSAGES}}`);
    expect(upstream.usageInjected).toBe(false);
  });

  it("asks for stream usage right after the stream flag, leaving every other byte alone", () => {
    const { sent, upstream } = prepare(`{"model":"gpt-4o",${MESSAGES},"stream" : true ,"n":1}`);
    expect(sent).toBe(`{"model":"gpt-4o",${MESSAGES},"stream" : true,"stream_options":{"include_usage":true} ,"n":1}`);
    expect(upstream.usageInjected).toBe(true);
    expect(JSON.parse(sent).stream_options).toEqual({ include_usage: true });
  });

  it("merges into the client's own stream options", () => {
    const { sent, upstream } = prepare(`{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false},${MESSAGES}}`);
    expect(sent).toBe(`{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false,"include_usage":true},${MESSAGES}}`);
    expect(upstream.usageInjected).toBe(true);

    const off = prepare(`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":false},${MESSAGES}}`);
    expect(JSON.parse(off.sent).stream_options).toEqual({ include_usage: true });
    expect(off.upstream.usageInjected).toBe(true);

    const nil = prepare(`{"model":"gpt-4o","stream":true,"stream_options":null,${MESSAGES}}`);
    expect(nil.sent).toBe(`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},${MESSAGES}}`);
  });

  it("changes nothing when the client asked for usage itself", () => {
    const { body, upstream } = prepare(`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},${MESSAGES}}`);
    expect(upstream.body).toBe(body);
    expect(upstream.usageInjected).toBe(false);
  });

  it("leaves stream options it cannot merge into for the upstream to reject", () => {
    const { body, upstream } = prepare(`{"model":"gpt-4o","stream":true,"stream_options":"usage",${MESSAGES}}`);
    expect(upstream.body).toBe(body);
    expect(upstream.usageInjected).toBe(false);
  });

  it("applies a redirect and the usage request together, whichever comes first in the body", () => {
    const modelFirst = prepare(`{"model":"gpt-4o",${MESSAGES},"stream":true}`, "gpt-4.1");
    expect(modelFirst.sent).toBe(`{"model":"gpt-4.1",${MESSAGES},"stream":true,"stream_options":{"include_usage":true}}`);
    const streamFirst = prepare(`{"stream":true,"stream_options":{},${MESSAGES},"model":"gpt-4o"}`, "gpt-4.1");
    expect(streamFirst.sent).toBe(`{"stream":true,"stream_options":{"include_usage":true},${MESSAGES},"model":"gpt-4.1"}`);
    expect(streamFirst.upstream.usageInjected).toBe(true);
  });
});
