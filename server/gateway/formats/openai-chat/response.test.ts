import { describe, expect, it } from "vitest";
import type { ResponseOptions } from "../types.ts";
import { createOpenAiChatStreamTap, summarizeOpenAiChatJson } from "./response.ts";

const plain: ResponseOptions = { defaultCacheTtl: "5m", usageInjected: false };
const injected: ResponseOptions = { defaultCacheTtl: "5m", usageInjected: true };

const USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 120,
  total_tokens: 1120,
  prompt_tokens_details: { cached_tokens: 800, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 64, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

type Choice = Record<string, unknown>;

/**
 * A stream as OpenAI sends it: with include_usage every chunk has "usage":null and a last chunk
 * with no choices carries the usage. Text (with look-alikes of the members the tap looks for),
 * then a tool call.
 */
function chatStream(options: { includeUsage: boolean; lineEnd?: string; done?: boolean }) {
  const end = options.lineEnd ?? "\n";
  const chunk = (choices: Choice[], usage?: object) => ({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-2024-08-06",
    service_tier: "default",
    system_fingerprint: "fp_1",
    choices,
    ...(options.includeUsage ? { usage: usage ?? null } : {}),
  });
  const delta = (d: object, finish: string | null = null) => [{ index: 0, delta: d, logprobs: null, finish_reason: finish }];
  const events = [
    chunk(delta({ role: "assistant", content: "", refusal: null })),
    chunk(delta({ content: 'Say {"usage":null,' })),
    chunk(delta({ content: ' "error":{"x":1}, "finish_reason":"stop" [DONE]' })),
    chunk(delta({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] })),
    chunk(delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })),
    chunk(delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })),
    chunk(delta({}, "tool_calls")),
  ];
  if (options.includeUsage) events.push(chunk([], USAGE));
  const body = events.map((e) => `data: ${JSON.stringify(e)}${end}${end}`).join("");
  return options.done === false ? body : `${body}data: [DONE]${end}${end}`;
}

/** Feeds `text` to a new tap in the given pieces; returns the summary and what the client received. */
function run(options: ResponseOptions, pieces: string[]) {
  const tap = createOpenAiChatStreamTap(options);
  const out: Buffer[] = pieces.map((p) => tap.push(Buffer.from(p)));
  const rest = tap.end();
  if (rest) out.push(rest);
  return { summary: tap.summary(), forwarded: Buffer.concat(out).toString() };
}

function splitAt(text: string, at: number) {
  return [text.slice(0, at), text.slice(at)];
}

const EXPECTED_USAGE = { inputTokens: 200, cacheReadTokens: 800, outputTokens: 120, cacheCreation5mTokens: 0, cacheCreation1hTokens: 0 };

describe("Chat Completions stream tap", () => {
  it("reads usage from the final chunk, with cached tokens taken out of the input", () => {
    const { summary, forwarded } = run(plain, [chatStream({ includeUsage: true })]);
    expect(summary).toEqual({ usage: EXPECTED_USAGE, model: "gpt-4o-2024-08-06", completed: true, error: undefined, sawContent: true });
    expect(forwarded).toBe(chatStream({ includeUsage: true }));
  });

  it("gives the same summary and forwards the same bytes whatever the chunk boundaries", () => {
    const stream = chatStream({ includeUsage: true });
    const whole = run(plain, [stream]).summary;
    for (let at = 0; at <= stream.length; at++) {
      const { summary, forwarded } = run(plain, splitAt(stream, at));
      expect(summary, `split at ${at}`).toEqual(whole);
      expect(forwarded).toBe(stream);
    }
    expect(run(plain, Array.from(stream)).summary).toEqual(whole);
  });

  it("forwards each upstream chunk itself when nothing is hidden", () => {
    const tap = createOpenAiChatStreamTap(plain);
    const chunk = Buffer.from(chatStream({ includeUsage: false }));
    expect(tap.push(chunk)).toBe(chunk);
    expect(tap.end()).toBeUndefined();
  });

  it("reports content only from the first non-empty delta on", () => {
    const stream = chatStream({ includeUsage: false });
    const secondEvent = stream.indexOf("data:", 1);
    const tap = createOpenAiChatStreamTap(plain);
    tap.push(Buffer.from(stream.slice(0, secondEvent)));
    expect(tap.summary()).toMatchObject({ sawContent: false, model: "gpt-4o-2024-08-06" });
    tap.push(Buffer.from(stream.slice(secondEvent, stream.indexOf("data:", secondEvent + 1))));
    expect(tap.summary().sawContent).toBe(true);
  });

  it("counts a tool call, reasoning or a bare finish reason as content", () => {
    for (const delta of [
      { tool_calls: [{ index: 0, id: "c", type: "function", function: { name: "f", arguments: "" } }] },
      { reasoning_content: "thinking" },
      { refusal: "no" },
    ]) {
      const event = `data: ${JSON.stringify({ model: "m", choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      expect(run(plain, [event]).summary.sawContent, JSON.stringify(delta)).toBe(true);
    }
    const emptyAnswer = `data: ${JSON.stringify({ model: "m", choices: [{ index: 0, delta: {}, finish_reason: "length" }] })}\n\n`;
    expect(run(plain, [emptyAnswer]).summary.sawContent).toBe(true);
    const roleOnly = `data: ${JSON.stringify({ model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })}\n\n`;
    expect(run(plain, [roleOnly]).summary.sawContent).toBe(false);
  });

  it("is complete at [DONE], or when the usage chunk followed the finish reason; not when cut before", () => {
    expect(run(plain, [chatStream({ includeUsage: false })]).summary.completed).toBe(true);
    // A relay that leaves out [DONE] has still sent everything.
    expect(run(plain, [chatStream({ includeUsage: true, done: false })]).summary.completed).toBe(true);
    // Without the usage chunk the bill is missing: not complete.
    expect(run(plain, [chatStream({ includeUsage: false, done: false })]).summary.completed).toBe(false);
    const stream = chatStream({ includeUsage: true });
    const cut = run(plain, [stream.slice(0, stream.indexOf('"tool_calls"'))]).summary;
    expect(cut).toMatchObject({ completed: false, sawContent: true });
  });

  it("reads CRLF-framed streams", () => {
    const { summary } = run(plain, [chatStream({ includeUsage: true, lineEnd: "\r\n" })]);
    expect(summary).toMatchObject({ usage: EXPECTED_USAGE, completed: true, sawContent: true });
  });

  it("captures an error object sent as a data event", () => {
    const stream = chatStream({ includeUsage: false, done: false });
    const error = 'data: {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}\n\n';
    const { summary } = run(plain, [stream.slice(0, stream.indexOf("data:", 300)), error]);
    expect(summary).toMatchObject({ error: { type: "server_error", message: "The server had an error" }, completed: false, sawContent: true });
    expect(run(plain, ['event: error\ndata: {"message":"overloaded","type":"overloaded_error"}\n\n']).summary.error).toEqual({
      type: "overloaded_error",
      message: "overloaded",
    });
  });

  it("counts prompt-cache writes reported by a relay as 5-minute writes, outside the input", () => {
    const event = `data: ${JSON.stringify({ model: "m", choices: [], usage: { prompt_tokens: 500, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 300 } } })}\n\n`;
    expect(run(plain, [event]).summary.usage).toEqual({ inputTokens: 100, cacheReadTokens: 100, cacheCreation5mTokens: 300, cacheCreation1hTokens: 0, outputTokens: 5 });
  });
});

describe("hiding the usage the hub asked for", () => {
  it("gives the client exactly the stream it would have had without include_usage, at every chunk boundary", () => {
    const upstream = chatStream({ includeUsage: true });
    const expected = chatStream({ includeUsage: false });
    for (let at = 0; at <= upstream.length; at++) {
      const { summary, forwarded } = run(injected, splitAt(upstream, at));
      expect(forwarded, `split at ${at}`).toBe(expected);
      expect(summary).toEqual({ usage: EXPECTED_USAGE, model: "gpt-4o-2024-08-06", completed: true, error: undefined, sawContent: true });
    }
    expect(run(injected, Array.from(upstream)).forwarded).toBe(expected);
  });

  it("keeps CRLF framing and comment lines", () => {
    const upstream = `: keep-alive\r\n\r\n${chatStream({ includeUsage: true, lineEnd: "\r\n" })}`;
    expect(run(injected, [upstream]).forwarded).toBe(`: keep-alive\r\n\r\n${chatStream({ includeUsage: false, lineEnd: "\r\n" })}`);
  });

  it("holds back nothing but the event still arriving", () => {
    const tap = createOpenAiChatStreamTap(injected);
    const upstream = chatStream({ includeUsage: true });
    const secondEvent = upstream.indexOf("data:", 1);
    const expected = chatStream({ includeUsage: false });
    // The first event, whole and without its usage member; the 10 bytes of the second wait.
    expect(tap.push(Buffer.from(upstream.slice(0, secondEvent + 10))).toString()).toBe(expected.slice(0, expected.indexOf("data:", 1)));
  });

  it("removes usage from a relay's last content chunk that also carries it", () => {
    const merged = { id: "x", model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 10, completion_tokens: 2 } };
    const { forwarded, summary } = run(injected, [`data: ${JSON.stringify(merged)}\n\ndata: [DONE]\n\n`]);
    expect(forwarded).toBe(`data: ${JSON.stringify({ id: "x", model: "m", choices: merged.choices })}\n\ndata: [DONE]\n\n`);
    expect(summary).toMatchObject({ usage: { inputTokens: 10, outputTokens: 2 }, completed: true });
  });

  it("forwards a final event that lacks its blank line", () => {
    const upstream = chatStream({ includeUsage: true }).replace(/\n\n$/, "");
    expect(run(injected, [upstream]).forwarded).toBe(chatStream({ includeUsage: false }).replace(/\n\n$/, ""));
  });
});

describe("Chat Completions JSON responses", () => {
  const completion = {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o-2024-08-06",
    choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
    usage: USAGE,
  };

  it("reads the usage of a chat.completion, cached tokens out of the input", () => {
    const summary = summarizeOpenAiChatJson(Buffer.from(JSON.stringify(completion)), plain);
    expect(summary).toEqual({ usage: EXPECTED_USAGE, model: "gpt-4o-2024-08-06", completed: true, error: undefined, sawContent: true });
  });

  it("treats an error body, a non-JSON body and a foreign body under 2xx as failures", () => {
    const errorBody = '{"error":{"message":"Your account is suspended","type":"invalid_request_error","param":null,"code":"account_deactivated"}}';
    expect(summarizeOpenAiChatJson(Buffer.from(errorBody), plain).error).toEqual({ type: "invalid_request_error", message: "Your account is suspended" });
    expect(summarizeOpenAiChatJson(Buffer.from('{"error":"quota exhausted"}'), plain).error).toEqual({ type: "api_error", message: "quota exhausted" });
    expect(summarizeOpenAiChatJson(Buffer.from("<html>502 Bad Gateway</html>"), plain).error?.type).toBe("invalid_response");
    expect(summarizeOpenAiChatJson(Buffer.from('{"type":"message","content":[]}'), plain).error?.type).toBe("invalid_response");
    expect(summarizeOpenAiChatJson(Buffer.from("[]"), plain).error?.type).toBe("invalid_response");
    expect(summarizeOpenAiChatJson(Buffer.from(JSON.stringify(completion)), plain).error).toBeUndefined();
  });
});
