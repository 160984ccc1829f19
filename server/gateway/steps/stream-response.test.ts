/** The relay that carries an upstream's answer to the client, driven without any network. */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { claudeFormat } from "../formats/claude/index.ts";
import { openAiChatFormat } from "../formats/openai-chat/index.ts";
import type { ConversionPlan } from "./convert.ts";
import { ResponseRelay, type AttemptResult, type ClientResponse } from "./stream-response.ts";

/** A client response that records what it is sent and pushes back when told to. */
class FakeClient extends EventEmitter {
  status = 0;
  headers: Record<string, unknown> = {};
  chunks: string[] = [];
  ended = false;
  destroyed = false;
  /** write() answers false (the client's buffer is full) while this is set. */
  full = false;
  writeHead(status: number, headers: Record<string, unknown>) {
    this.status = status;
    this.headers = headers;
    return this;
  }
  write(chunk: Buffer | string) {
    this.chunks.push(chunk.toString());
    return !this.full;
  }
  end(chunk?: Buffer | string) {
    if (chunk) this.chunks.push(chunk.toString());
    this.ended = true;
    return this;
  }
  destroy() {
    this.destroyed = true;
    return this;
  }
  get body() {
    return this.chunks.join("");
  }
}

function relayFor(options: { streaming?: boolean; secrets?: string[]; conversion?: ConversionPlan } = {}) {
  const res = new FakeClient();
  const results: AttemptResult[] = [];
  const aborted: Error[] = [];
  let commits = 0;
  const relay = new ResponseRelay({
    res: res as unknown as ClientResponse,
    requestId: "req_relay",
    clientFormat: claudeFormat,
    format: options.conversion?.upstreamFormat ?? claudeFormat,
    conversion: options.conversion,
    streaming: options.streaming ?? true,
    tapOptions: { defaultCacheTtl: "5m", usageInjected: false },
    secrets: options.secrets ?? [],
    settings: () => ({ verboseProviderError: true, passThroughUpstreamErrorMessage: true }),
    onCommit: () => commits++,
    abort: (error) => aborted.push(error),
    finish: (result) => results.push(result),
  });
  return { relay, res, results, aborted, commits: () => commits };
}

const sse = (name: string, data: object) => Buffer.from(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
const START = sse("message_start", { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "claude-x", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } } });
const BLOCK = sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
const DELTA = sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } });
const STOP = Buffer.concat([
  sse("content_block_stop", { type: "content_block_stop", index: 0 }),
  sse("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 5 } }),
  sse("message_stop", { type: "message_stop" }),
]);
const OVERLOADED = sse("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
const noop = () => undefined;

describe("stream-response relay", () => {
  it("holds a stream until its first content, then commits and relays it to the end", () => {
    const { relay, res, results, commits } = relayFor();
    relay.start(200, { "content-type": "text/event-stream" }, "text/event-stream");
    expect(relay.push(START, noop)).toBe(true);
    expect(res.status).toBe(0); // message_start alone is not content: nothing sent yet
    relay.push(Buffer.concat([BLOCK, DELTA]), noop);
    expect(res.status).toBe(200);
    expect(commits()).toBe(1);
    relay.push(STOP, noop);
    relay.end();
    expect(res.body).toBe(Buffer.concat([START, BLOCK, DELTA, STOP]).toString());
    expect(res.ended).toBe(true);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: true, status: 200, summary: { completed: true, usage: { inputTokens: 12, outputTokens: 5 } } });
  });

  it("turns an error event before any content into a failed attempt the client never sees", () => {
    const { relay, res, results } = relayFor();
    relay.start(200, { "content-type": "text/event-stream" }, "text/event-stream");
    relay.push(Buffer.concat([START, OVERLOADED]), noop);
    relay.end();
    expect(res.status).toBe(0);
    expect(res.chunks).toEqual([]);
    expect(results).toEqual([{ ok: false, failure: { class: "fake_200", status: 200, message: "stream error event: overloaded_error: Overloaded" } }]);
  });

  it("reports an empty stream as a failed attempt", () => {
    const { relay, results } = relayFor();
    relay.start(200, { "content-type": "text/event-stream" }, "text/event-stream");
    relay.end();
    expect(results[0]).toMatchObject({ ok: false, failure: { class: "empty_stream" } });
  });

  it("follows the client's backpressure after the commit point", () => {
    const { relay, res } = relayFor();
    relay.start(200, { "content-type": "text/event-stream" }, "text/event-stream");
    relay.push(Buffer.concat([START, BLOCK]), noop);
    res.full = true;
    let resumed = 0;
    expect(relay.push(DELTA, () => resumed++)).toBe(false);
    expect(resumed).toBe(0);
    res.full = false;
    res.emit("drain");
    expect(resumed).toBe(1);
  });

  it("ends a committed stream that breaks with the client's error event", () => {
    const { relay, res, results } = relayFor();
    relay.start(200, { "content-type": "text/event-stream" }, "text/event-stream");
    relay.push(Buffer.concat([START, BLOCK, DELTA]), noop);
    relay.fail({ class: "network_error", message: "ECONNRESET: socket hang up" }, false);
    expect(res.body).toMatch(/event: error\ndata: .*"type":"api_error".*socket hang up/);
    expect(res.ended).toBe(true);
    expect(results[0]).toMatchObject({ ok: true, brokenAfterCommit: { class: "network_error" }, summary: { completed: false, generatedBytes: 5 } });
  });

  it("a client that left: nothing more is written, the usage seen so far is kept", () => {
    const { relay, res, results } = relayFor();
    relay.start(200, { "content-type": "text/event-stream" }, "text/event-stream");
    relay.push(Buffer.concat([START, BLOCK, DELTA]), noop);
    relay.fail({ class: "network_error", message: "aborted" }, true);
    expect(res.destroyed).toBe(true);
    expect(results[0]).toMatchObject({ ok: false, failure: { class: "client_abort", status: 499, summary: { usage: { inputTokens: 12 } } } });
  });

  it("reads a JSON answer whole: a 2xx with an error body fails the attempt, a good one is sent with its length", () => {
    const failed = relayFor({ streaming: false });
    failed.relay.start(200, { "content-type": "application/json" }, "application/json");
    failed.relay.push(Buffer.from('{"type":"error","error":{"type":"api_error","message":"boom"}}'), noop);
    failed.relay.end();
    expect(failed.res.status).toBe(0);
    expect(failed.results[0]).toMatchObject({ ok: false, failure: { class: "fake_200", message: "api_error: boom" } });

    const good = relayFor({ streaming: false });
    const body = '{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":2}}';
    good.relay.start(200, { "content-type": "application/json", "content-length": "999" }, "application/json");
    good.relay.push(Buffer.from(body.slice(0, 20)), noop);
    good.relay.push(Buffer.from(body.slice(20)), noop);
    good.relay.end();
    expect(good.res.status).toBe(200);
    expect(good.res.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
    expect(good.res.body).toBe(body);
    expect(good.results[0]).toMatchObject({ ok: true, summary: { usage: { inputTokens: 3, outputTokens: 2 } } });
  });

  it("keeps an error status's body for the caller, with the provider's secrets redacted", () => {
    const { relay, res, results } = relayFor({ secrets: ["sk-upstream-secret"] });
    relay.start(401, { "content-type": "application/json" }, "application/json");
    relay.push(Buffer.from('{"error":{"message":"bad key sk-upstream-secret"}}'), noop);
    relay.end();
    expect(res.status).toBe(0);
    const failure = (results[0] as { failure: { class: string; status: number; body: Buffer } }).failure;
    expect(failure).toMatchObject({ class: "http_error", status: 401 });
    expect(failure.body.toString()).not.toContain("sk-upstream-secret");
  });

  it("a converted JSON answer to a streamed request goes out as the client's stream, with the client's content type", () => {
    const asked: boolean[] = [];
    const conversion: ConversionPlan = {
      from: "claude",
      to: "openai-chat",
      label: "claude → openai-chat",
      upstreamFormat: openAiChatFormat,
      clientSse: true,
      contentType: (streaming) => (streaming ? "text/event-stream; charset=utf-8" : "application/json; charset=utf-8"),
      createTap: () => {
        throw new Error("not a stream");
      },
      convertJson: (_body, asStream) => {
        asked.push(asStream === true);
        return Buffer.from(asStream ? "event: message_stop\ndata: {}\n\n" : "{}");
      },
    };
    const { relay, res, results } = relayFor({ conversion, streaming: true });
    relay.start(200, { "content-type": "application/json" }, "application/json");
    relay.push(Buffer.from('{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}'), noop);
    relay.end();
    expect(asked).toEqual([true]);
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(res.body).toBe("event: message_stop\ndata: {}\n\n");
    expect(results[0]).toMatchObject({ ok: true, summary: { usage: { inputTokens: 3, outputTokens: 1 } } });
  });
});
