import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { GatewayRoute } from "../../endpoints.ts";
import type { Request } from "../neutral.ts";
import { InvalidRequestBody, UnsupportedFeature, type ConversionNotes } from "../types.ts";
import { openAiChatCodec } from "./index.ts";

const ROUTE: GatewayRoute = { format: "openai-chat", kind: "generate", path: "/v1/chat/completions" };

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
}

const decode = (body: Record<string, unknown>) => openAiChatCodec.decodeRequest(body, ROUTE, "");

function encode(request: Request) {
  const notes: ConversionNotes = { dropped: [] };
  const encoded = openAiChatCodec.encodeRequest(request, notes);
  return { ...encoded, notes: notes.dropped };
}

function base(overrides: Partial<Request> = {}): Request {
  return { model: "m", system: [], messages: [{ role: "user", parts: [{ type: "text", text: "hi" }] }], tools: [], stream: false, ...overrides };
}

const WEATHER_SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
  required: ["city", "unit"],
  additionalProperties: false,
};

describe("decodeRequest: golden requests", () => {
  it("a parallel tool round: calls, results merged into one user turn with the next question, options", () => {
    const expected: Request = {
      model: "gpt-4.1",
      system: [{ type: "text", text: "You are a coding assistant. Use the tools to inspect the repository." }],
      messages: [
        { role: "user", parts: [{ type: "text", text: "What is the weather in Paris and in Tokyo?" }] },
        {
          role: "assistant",
          parts: [
            { type: "tool_call", id: "call_Vq1Kx8bJcT0nE3", name: "get_weather", input: { city: "Paris", unit: "celsius" } },
            { type: "tool_call", id: "call_9mPzL2wQaR7yHd", name: "get_weather", input: { city: "Tokyo", unit: "celsius" } },
          ],
        },
        {
          role: "user",
          parts: [
            { type: "tool_result", callId: "call_Vq1Kx8bJcT0nE3", name: "get_weather", content: [{ type: "text", text: '{"temp":14,"sky":"overcast"}' }] },
            { type: "tool_result", callId: "call_9mPzL2wQaR7yHd", name: "get_weather", content: [{ type: "text", text: '{"temp":22,"sky":"clear"}' }] },
            { type: "text", text: "Answer in one sentence." },
          ],
        },
      ],
      tools: [{ name: "get_weather", description: "Current weather for a city.", parameters: WEATHER_SCHEMA, strict: true }],
      toolChoice: { type: "auto" },
      parallelToolCalls: true,
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ["\n\nUser:"],
      stream: true,
      includeStreamUsage: true,
      user: "user-7f3a",
      promptCacheKey: "session-5b1e0c2a",
    };
    expect(decode(fixture("request-tools.json"))).toEqual(expected);
  });

  it("images (data URL and web URL), files, reasoning history and a mid-history system message", () => {
    const expected: Request = {
      model: "gpt-4o",
      system: [
        { type: "text", text: "Describe images precisely." },
        { type: "text", text: "Keep answers under 50 words." },
      ],
      messages: [
        {
          role: "user",
          parts: [
            { type: "text", text: "Compare these two pictures and the attached report." },
            {
              type: "image",
              source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" },
              detail: "high",
            },
            { type: "image", source: { kind: "url", url: "https://upload.wikimedia.org/wikipedia/commons/3/3f/Fronalpstock_big.jpg" } },
            {
              type: "document",
              source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg==" },
              filename: "report.pdf",
            },
            { type: "document", source: { kind: "file", fileId: "file-6F2ksmvXxt4VdoqmHRw6kL" } },
          ],
        },
        {
          role: "assistant",
          parts: [
            { type: "thinking", text: "Two images: a 1x1 PNG and a landscape photo.", origin: "openai-chat" },
            { type: "text", text: "The first is a single pixel; the second is a mountain." },
          ],
        },
        { role: "user", parts: [{ type: "text", text: "And the report?" }] },
      ],
      tools: [],
      maxOutputTokens: 300,
      stream: false,
      reasoning: { enabled: true, effort: "low" },
      user: "alice@example.com",
    };
    expect(decode(fixture("request-media.json"))).toEqual(expected);
  });

  it("structured output", () => {
    const request = decode(fixture("request-structured.json"));
    expect(request.responseFormat).toEqual({
      type: "json_schema",
      name: "calendar_event",
      strict: true,
      schema: (fixture("request-structured.json").response_format as { json_schema: { schema: unknown } }).json_schema.schema,
    });
    expect(request.toolChoice).toEqual({ type: "none" });
    expect(request.stream).toBe(false);
    expect(request.includeStreamUsage).toBeUndefined();
  });
});

describe("encodeRequest: golden requests back to Chat", () => {
  it("the tool round comes back as the fixture, in the documented normalised form", () => {
    const original = fixture("request-tools.json");
    const { path, search, body, notes } = encode(decode(original));
    expect(path).toBe("/v1/chat/completions");
    expect(search).toBe("");
    const messages = original.messages as Record<string, unknown>[];
    expect(body).toEqual({
      ...original,
      // The developer message is the system prompt; tool content arrays become strings.
      messages: [
        { role: "system", content: messages[0].content },
        messages[1],
        messages[2],
        messages[3],
        { role: "tool", tool_call_id: "call_9mPzL2wQaR7yHd", content: '{"temp":22,"sky":"clear"}' },
        messages[5],
      ],
      // Compatible servers know max_tokens; safety_identifier travels as user.
      max_completion_tokens: undefined,
      max_tokens: 1024,
      safety_identifier: undefined,
      user: "user-7f3a",
      stop: ["\n\nUser:"],
    });
    expect(notes).toEqual([]);
  });

  it("media: data URLs rebuilt, files as file parts, Chat reasoning back as reasoning_content, system texts joined", () => {
    const { body } = encode(decode(fixture("request-media.json")));
    expect(body).toEqual({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Describe images precisely.\n\nKeep answers under 50 words." },
        {
          role: "user",
          content: [
            { type: "text", text: "Compare these two pictures and the attached report." },
            {
              type: "image_url",
              image_url: { url: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", detail: "high" },
            },
            { type: "image_url", image_url: { url: "https://upload.wikimedia.org/wikipedia/commons/3/3f/Fronalpstock_big.jpg" } },
            { type: "file", file: { filename: "report.pdf", file_data: "data:application/pdf;base64,JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg==" } },
            { type: "file", file: { file_id: "file-6F2ksmvXxt4VdoqmHRw6kL" } },
          ],
        },
        {
          role: "assistant",
          content: "The first is a single pixel; the second is a mountain.",
          reasoning_content: "Two images: a 1x1 PNG and a landscape photo.",
        },
        { role: "user", content: "And the report?" },
      ],
      max_tokens: 300,
      reasoning_effort: "low",
      user: "alice@example.com",
    });
  });

  it("structured output: response_format comes back; tool_choice is left out without tools", () => {
    const original = fixture("request-structured.json");
    const { body } = encode(decode(original));
    expect(body).toEqual({ model: original.model, messages: original.messages, response_format: original.response_format });
  });
});

describe("decodeRequest: shapes and refusals", () => {
  it("tool_choice forms, reasoning_effort values and the output cap precedence", () => {
    expect(decode({ model: "m", messages: [{ role: "user", content: "x" }], tool_choice: "required" }).toolChoice).toEqual({ type: "required" });
    expect(decode({ model: "m", messages: [{ role: "user", content: "x" }], tool_choice: { type: "function", function: { name: "f" } } }).toolChoice).toEqual({ type: "tool", name: "f" });
    expect(decode({ model: "m", messages: [{ role: "user", content: "x" }], reasoning_effort: "none" }).reasoning).toEqual({ enabled: false });
    expect(decode({ model: "m", messages: [{ role: "user", content: "x" }], reasoning_effort: "xhigh" }).reasoning).toEqual({ enabled: true, effort: "high" });
    expect(decode({ model: "m", messages: [{ role: "user", content: "x" }], max_tokens: 10, max_completion_tokens: 20 }).maxOutputTokens).toBe(20);
    expect(decode({ model: "m", messages: [{ role: "user", content: "x" }], stream: true }).includeStreamUsage).toBe(false);
  });

  it("unparseable tool-call arguments are kept raw and go back as they came", () => {
    const body = {
      model: "m",
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1' } }] },
        { role: "tool", tool_call_id: "c1", content: "done" },
      ],
    };
    const request = decode(body);
    expect(request.messages[1].parts).toEqual([{ type: "tool_call", id: "c1", name: "f", input: { _raw: '{"a":1' } }]);
    const messages = encode(request).body.messages as Record<string, unknown>[];
    expect(messages[1]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1' } }] });
    // A turn of tool results only is all said by the tool message.
    expect(messages).toHaveLength(3);
  });

  it("OpenRouter-style cache_control on parts becomes cache breakpoints", () => {
    const request = decode({
      model: "m",
      messages: [
        { role: "system", content: [{ type: "text", text: "big prompt", cache_control: { type: "ephemeral", ttl: "1h" } }] },
        { role: "user", content: [{ type: "text", text: "q", cache_control: { type: "ephemeral" } }] },
      ],
    });
    expect(request.system).toEqual([{ type: "text", text: "big prompt", cache: { ttl: "1h" } }]);
    expect(request.messages[0].parts).toEqual([{ type: "text", text: "q", cache: {} }]);
  });

  it.each([
    [{ messages: [] }, /messages: must be a non-empty array/],
    [{ messages: "hi" }, /messages: must be a non-empty array/],
    [{ messages: [{ role: "wizard", content: "x" }] }, /messages\[0\]\.role: unknown role "wizard"/],
    [{ messages: [{ role: "user", content: 5 }] }, /messages\[0\]\.content: must be a string or an array/],
    [{ messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] }, /messages\[0\]\.content\[0\]\.type: unknown content part type "video"/],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] }, /image_url\.url: must be a non-empty string/],
    [{ messages: [{ role: "tool", content: "x" }] }, /messages\[0\]\.tool_call_id/],
    [{ messages: [{ role: "assistant", tool_calls: [{ id: "c", function: { name: "f", arguments: { a: 1 } } }] }] }, /arguments: must be a JSON string/],
    [{ messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "x" } }] }] }, /is not allowed here \(text only\)/],
    [{ messages: [{ role: "user", content: "x" }], tool_choice: "sometimes" }, /tool_choice: must be/],
    [{ messages: [{ role: "user", content: "x" }], reasoning_effort: "max" }, /reasoning_effort: must be one of/],
    [{ messages: [{ role: "user", content: "x" }], stop: [1] }, /stop: must be a string or an array of strings/],
    [{ messages: [{ role: "user", content: "x" }], max_tokens: 0 }, /max_tokens: must be a positive integer/],
    [{ messages: [{ role: "user", content: "x" }], temperature: "hot" }, /temperature: must be a number/],
    [{ messages: [{ role: "user", content: "x" }], response_format: { type: "json_schema", json_schema: { name: "x" } } }, /json_schema\.schema/],
    [{ messages: [{ role: "user", content: "x" }], tools: [{ type: "function", function: {} }] }, /tools\[0\]\.function\.name/],
  ])("malformed %j → InvalidRequestBody", (body, message) => {
    const call = () => decode({ model: "m", ...body });
    expect(call).toThrow(InvalidRequestBody);
    expect(call).toThrow(message);
  });

  it("a client value quoted in an error message is cut short", () => {
    const call = () => decode({ model: "m", messages: [{ role: "x".repeat(100_000), content: "x" }] });
    expect(call).toThrow(InvalidRequestBody);
    try {
      call();
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(120);
    }
  });

  it("a missing model is the client's error", () => {
    expect(() => decode({ messages: [{ role: "user", content: "x" }] })).toThrow(InvalidRequestBody);
  });

  it.each([
    [{ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }] }, "input_audio"],
    [{ messages: [{ role: "user", content: "x" }], n: 2 }, "n > 1"],
    [{ messages: [{ role: "user", content: "x" }], logprobs: true }, "logprobs"],
    [{ messages: [{ role: "user", content: "x" }], modalities: ["text", "audio"], audio: { voice: "alloy", format: "wav" } }, "audio output"],
    [{ messages: [{ role: "user", content: "x" }], web_search_options: {} }, "web_search_options"],
    [{ messages: [{ role: "user", content: "x" }], functions: [{ name: "f" }] }, "functions"],
    [{ messages: [{ role: "user", content: "x" }], tools: [{ type: "custom", custom: { name: "g" } }] }, "tools of type"],
  ])("unconvertible %j → UnsupportedFeature", (body, feature) => {
    let error: unknown;
    try {
      decode({ model: "m", ...body });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedFeature);
    expect((error as UnsupportedFeature).feature).toContain(feature);
  });
});

describe("encodeRequest: what Chat cannot say", () => {
  it("streams always ask for the usage chunk, whatever the client asked", () => {
    expect(encode(base({ stream: true, includeStreamUsage: false })).body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(encode(base()).body.stream).toBeUndefined();
  });

  it("cache breakpoints and top_k are dropped with one note each", () => {
    const { body, notes } = encode(
      base({
        system: [{ type: "text", text: "s", cache: {} }],
        messages: [{ role: "user", parts: [{ type: "text", text: "a", cache: { ttl: "1h" } }] }],
        tools: [{ name: "t", parameters: { type: "object" }, cache: {} }],
        topK: 40,
      }),
    );
    expect(notes).toEqual(["cache_control: openai-chat has no cache breakpoints", "top_k: openai-chat has no top_k"]);
    expect(body.top_k).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain("cache");
  });

  it("thinking of another origin is dropped with a note; a budget becomes an effort with a note", () => {
    const { body, notes } = encode(
      base({
        messages: [
          { role: "user", parts: [{ type: "text", text: "q" }] },
          {
            role: "assistant",
            parts: [
              { type: "thinking", text: "claude thoughts", signature: "EqQBCkgIARABGAIiQL", origin: "claude" },
              { type: "text", text: "a" },
            ],
          },
        ],
        reasoning: { enabled: true, budgetTokens: 31999 },
      }),
    );
    expect((body.messages as Record<string, unknown>[])[1]).toEqual({ role: "assistant", content: "a" });
    expect(body.reasoning_effort).toBe("high");
    expect(notes).toEqual(['thinking: reasoning from claude is not sent to openai-chat', 'thinking budget_tokens 31999: sent as reasoning_effort "high"']);
  });

  it("reasoning turned off sends no effort", () => {
    expect(encode(base({ reasoning: { enabled: false } })).body.reasoning_effort).toBeUndefined();
  });

  it("tool results: error flag as a prefix, images moved to a user message after the tool messages", () => {
    const { body } = encode(
      base({
        messages: [
          { role: "user", parts: [{ type: "text", text: "q" }] },
          { role: "assistant", parts: [{ type: "tool_call", id: "t1", name: "shot", input: {} }, { type: "tool_call", id: "t2", name: "run", input: { cmd: "ls" } }] },
          {
            role: "user",
            parts: [
              { type: "tool_result", callId: "t1", content: [{ type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA=" } }] },
              { type: "tool_result", callId: "t2", content: [{ type: "text", text: "permission denied" }], isError: true },
              { type: "text", text: "go on" },
            ],
          },
        ],
      }),
    );
    expect((body.messages as unknown[]).slice(2)).toEqual([
      { role: "tool", tool_call_id: "t1", content: "" },
      { role: "tool", tool_call_id: "t2", content: "[tool error] permission denied" },
      {
        role: "user",
        content: [
          { type: "text", text: "[The result of tool call t1 includes the following attachment.]" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAA=" } },
          { type: "text", text: "go on" },
        ],
      },
    ]);
  });

  it("refuses what would change the answer: URL documents, file-id images, a forced tool without tools", () => {
    const withPart = (part: Request["messages"][number]["parts"][number]) => base({ messages: [{ role: "user", parts: [part] }] });
    expect(() => encode(withPart({ type: "document", source: { kind: "url", url: "https://x/a.pdf" } }))).toThrow(UnsupportedFeature);
    expect(() => encode(withPart({ type: "image", source: { kind: "file", fileId: "file_1" } }))).toThrow(UnsupportedFeature);
    expect(() => encode(base({ toolChoice: { type: "tool", name: "f" } }))).toThrow(UnsupportedFeature);
  });

  it("text documents become text; named tool choice and parallel flag go with the tools", () => {
    const { body } = encode(
      base({
        messages: [{ role: "user", parts: [{ type: "document", title: "Notes", source: { kind: "text", text: "line one" } }, { type: "text", text: "summarise" }] }],
        tools: [{ name: "f", parameters: { type: "object" } }],
        toolChoice: { type: "tool", name: "f" },
        parallelToolCalls: false,
        responseFormat: { type: "json_schema", schema: { type: "object" } },
      }),
    );
    expect(body).toMatchObject({
      messages: [{ role: "user", content: [{ type: "text", text: "Notes\n\nline one" }, { type: "text", text: "summarise" }] }],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      response_format: { type: "json_schema", json_schema: { name: "response", schema: { type: "object" } } },
    });
  });

  it("an end-user id over OpenAI's 64 characters goes as its SHA-256; a short one as it is", () => {
    const claudeCodeUserId = `user_${"a".repeat(64)}_account_5b1e0c2a-0000-4000-8000-000000000000_session_7f3a0000-0000-4000-8000-000000000000`;
    const long = encode(base({ user: claudeCodeUserId })).body.user as string;
    expect(long).toMatch(/^[0-9a-f]{64}$/);
    expect(encode(base({ user: claudeCodeUserId })).body.user).toBe(long);
    expect(encode(base({ user: "alice" })).body.user).toBe("alice");
  });

  it("an assistant turn left empty by a dropped thinking part still has content (OpenAI refuses null without calls)", () => {
    const { body } = encode(
      base({
        messages: [
          { role: "user", parts: [{ type: "text", text: "q" }] },
          { role: "assistant", parts: [{ type: "thinking", text: "", redacted: "abc", origin: "claude" }] },
          { role: "user", parts: [{ type: "thinking", text: "odd", origin: "claude" }] },
        ],
      }),
    );
    expect((body.messages as unknown[]).slice(1)).toEqual([
      { role: "assistant", content: "" },
      { role: "user", content: "" },
    ]);
  });
});
