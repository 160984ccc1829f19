import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ResponseOptions } from "../types.ts";
import { createOpenAiResponsesStreamTap, summarizeOpenAiResponsesJson } from "./response.ts";

const opts: ResponseOptions = { defaultCacheTtl: "5m", usageInjected: false };

const USAGE = {
  input_tokens: 5000,
  input_tokens_details: { cached_tokens: 4096 },
  output_tokens: 300,
  output_tokens_details: { reasoning_tokens: 200 },
  total_tokens: 5300,
};
const EXPECTED_USAGE = { inputTokens: 904, cacheReadTokens: 4096, outputTokens: 300, cacheCreation5mTokens: 0, cacheCreation1hTokens: 0 };

const base = { id: "resp_1", object: "response", created_at: 1, model: "gpt-5-2025-08-07", output: [] as unknown[], usage: null as unknown, error: null };
const message = { id: "msg_1", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", annotations: [], text: "Hi there" }] };
const call = { id: "fc_1", type: "function_call", status: "completed", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}' };

type Event = [type: string, payload: Record<string, unknown>];

/** A Codex-like stream: a message, then a function call, ending with `terminal`. */
function events(terminal: Event | null = ["response.completed", { response: { ...base, status: "completed", output: [message, call], usage: USAGE } }]): Event[] {
  const list: Event[] = [
    ["response.created", { response: { ...base, status: "in_progress" } }],
    ["response.in_progress", { response: { ...base, status: "in_progress" } }],
    ["response.output_item.added", { output_index: 0, item: { ...message, status: "in_progress", content: [] } }],
    ["response.content_part.added", { item_id: "msg_1", output_index: 0, content_index: 0, part: { type: "output_text", text: "" } }],
    ["response.output_text.delta", { item_id: "msg_1", output_index: 0, content_index: 0, delta: 'Hi "response.completed"' }],
    ["response.output_text.delta", { item_id: "msg_1", output_index: 0, content_index: 0, delta: " there" }],
    ["response.output_item.done", { output_index: 0, item: message }],
    ["response.output_item.added", { output_index: 1, item: { ...call, arguments: "" } }],
    ["response.function_call_arguments.delta", { item_id: "fc_1", output_index: 1, delta: '{"cmd":' }],
    ["response.function_call_arguments.done", { item_id: "fc_1", output_index: 1, arguments: '{"cmd":"ls"}' }],
    ["response.output_item.done", { output_index: 1, item: call }],
  ];
  if (terminal) list.push(terminal);
  return list;
}

function sse(list: Event[], options: { lineEnd?: string; eventLines?: boolean } = {}) {
  const end = options.lineEnd ?? "\n";
  return list
    .map(([type, payload], i) => {
      const data = JSON.stringify({ type, sequence_number: i, ...payload });
      return `${options.eventLines === false ? "" : `event: ${type}${end}`}data: ${data}${end}${end}`;
    })
    .join("");
}

function run(pieces: string[]) {
  const tap = createOpenAiResponsesStreamTap(opts);
  for (const piece of pieces) {
    const chunk = Buffer.from(piece);
    expect(tap.push(chunk)).toBe(chunk);
  }
  expect(tap.end()).toBeUndefined();
  return tap.summary();
}

describe("Responses stream tap", () => {
  it("reads usage from response.completed, with cached tokens taken out of the input", () => {
    expect(run([sse(events())])).toEqual({ usage: EXPECTED_USAGE, model: "gpt-5-2025-08-07", completed: true, error: undefined, sawContent: true });
  });

  it("gives the same summary whatever the chunk boundaries", () => {
    const stream = sse(events());
    const whole = run([stream]);
    for (let at = 0; at <= stream.length; at++) {
      expect(run([stream.slice(0, at), stream.slice(at)]), `split at ${at}`).toEqual(whole);
    }
    expect(run(Array.from(stream))).toEqual(whole);
  });

  it("reports content from the first output item on, and the model from response.created", () => {
    const stream = sse(events());
    const before = run([stream.slice(0, stream.indexOf("event: response.output_item.added"))]);
    expect(before).toMatchObject({ sawContent: false, model: "gpt-5-2025-08-07", completed: false });
    const after = run([stream.slice(0, stream.indexOf("event: response.content_part.added"))]);
    expect(after.sawContent).toBe(true);
  });

  it("takes the model from response.created without being misled by the echoed tools", () => {
    const tools = [{ type: "function", name: "spawn", parameters: { type: "object", properties: { model: { type: "string", enum: ["o3"] } } } }];
    const created = sse([["response.created", { response: { ...base, status: "in_progress", tools } }]]);
    expect(run([created]).model).toBe("gpt-5-2025-08-07");
    const dataOnly = created.replace(/^event: .*\n/, "").replace("data: ", "data:");
    expect(run([dataOnly]).model).toBe("gpt-5-2025-08-07");
  });

  it("is incomplete without a terminal event (Codex retries such a stream)", () => {
    expect(run([sse(events(null))])).toMatchObject({ completed: false, error: undefined, sawContent: true });
  });

  it("treats response.incomplete as a terminal success, with its usage", () => {
    const incomplete: Event = ["response.incomplete", { response: { ...base, status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: USAGE } }];
    expect(run([sse(events(incomplete))])).toMatchObject({ completed: true, error: undefined, usage: EXPECTED_USAGE });
  });

  it("reports response.failed as an error, keeping the usage it carries", () => {
    const failed: Event = ["response.failed", { response: { ...base, status: "failed", error: { code: "rate_limit_exceeded", message: "Rate limit reached. Please try again in 2s." }, usage: USAGE } }];
    expect(run([sse(events(failed))])).toMatchObject({
      completed: false,
      error: { type: "rate_limit_exceeded", message: "Rate limit reached. Please try again in 2s." },
      usage: EXPECTED_USAGE,
    });
  });

  it("reports an error event, flat or nested", () => {
    expect(run([sse([["error", { code: "server_error", message: "boom", param: null }]])]).error).toEqual({ type: "server_error", message: "boom" });
    expect(run([sse([["error", { error: { type: "invalid_request_error", message: "bad" } }]])]).error).toEqual({ type: "invalid_request_error", message: "bad" });
  });

  it("reads CRLF framing, and relays that send data lines without event lines", () => {
    expect(run([sse(events(), { lineEnd: "\r\n" })])).toMatchObject({ usage: EXPECTED_USAGE, completed: true, sawContent: true });
    expect(run([sse(events(), { eventLines: false })])).toMatchObject({ usage: EXPECTED_USAGE, completed: true, sawContent: true, model: "gpt-5-2025-08-07" });
  });
});

describe("ending a broken Responses stream", () => {
  it("continues the upstream's sequence numbers in its response.failed", () => {
    const tap = createOpenAiResponsesStreamTap(opts);
    const upstream = events(null).slice(0, 6);
    tap.push(Buffer.from(sse(upstream)));
    const text = tap.renderError!(new GatewayError("bad_gateway", "The upstream stream broke off"), "req_1");
    expect(text.startsWith("event: response.failed\ndata: ")).toBe(true);
    expect(JSON.parse(text.split("\n")[1].slice(6))).toMatchObject({ type: "response.failed", sequence_number: 6, response: { status: "failed", error: { code: "bad_gateway" } } });
  });
});

describe("Responses JSON bodies", () => {
  const json = (value: unknown) => summarizeOpenAiResponsesJson(Buffer.from(JSON.stringify(value)), opts);

  it("reads a completed or incomplete response", () => {
    expect(json({ ...base, status: "completed", output: [message], usage: USAGE })).toEqual({
      usage: EXPECTED_USAGE,
      model: "gpt-5-2025-08-07",
      completed: true,
      error: undefined,
      sawContent: true,
    });
    expect(json({ ...base, status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: USAGE })).toMatchObject({ completed: true, error: undefined });
  });

  it("reads a compaction (the /v1/responses/compact answer)", () => {
    const compaction = { id: "resp_2", object: "response.compaction", created_at: 1, output: [{ type: "compaction", encrypted_content: "…" }], usage: USAGE };
    expect(json(compaction)).toMatchObject({ completed: true, error: undefined, usage: EXPECTED_USAGE });
  });

  it("treats a failed response, an error body and a non-JSON body under 2xx as failures", () => {
    expect(json({ ...base, status: "failed", error: { code: "server_error", message: "The model crashed" } }).error).toEqual({ type: "server_error", message: "The model crashed" });
    expect(json({ error: { message: "Incorrect API key provided", type: "invalid_request_error", param: null, code: "invalid_api_key" } }).error).toEqual({
      type: "invalid_request_error",
      message: "Incorrect API key provided",
    });
    expect(json({ object: "chat.completion", choices: [] }).error?.type).toBe("invalid_response");
    expect(summarizeOpenAiResponsesJson(Buffer.from("<html>oops</html>"), opts).error?.type).toBe("invalid_response");
  });
});
