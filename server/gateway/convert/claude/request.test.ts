import { describe, expect, it } from "vitest";
import type { Request } from "../neutral.ts";
import { InvalidRequestBody, UnsupportedFeature, type ConversionNotes } from "../types.ts";
import toolRound from "./fixtures/request-tool-round.json";
import structured from "./fixtures/request-structured.json";
import { decodeClaudeRequest, encodeClaudeRequest } from "./request.ts";

const route = { format: "claude" as const, kind: "generate" as const, path: "/v1/messages" };
const decode = (body: object) => decodeClaudeRequest(structuredClone(body) as Record<string, unknown>, route, "");
function encode(request: Request) {
  const notes: ConversionNotes = { dropped: [] };
  const out = encodeClaudeRequest(request, notes);
  return { ...out, notes: notes.dropped };
}
const base = (over: Partial<Request> = {}): Request => ({ model: "claude-x", system: [], messages: [{ role: "user", parts: [{ type: "text", text: "hi" }] }], tools: [], stream: false, ...over });

const TOOL_ROUND: Request = {
  model: "claude-sonnet-4-5",
  system: [
    { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
    { type: "text", text: "Working directory: /home/dev/app", cache: { ttl: "1h" } },
  ],
  messages: [
    {
      role: "user",
      parts: [
        { type: "text", text: "What is in this screenshot, and what do the two config files say?" },
        { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" } },
        { type: "image", source: { kind: "url", url: "https://example.com/diagram.jpg" } },
        { type: "document", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0xLjQKJcfsj6IKNSAwIG9iago=" }, title: "spec.pdf", cache: {} },
      ],
    },
    {
      role: "assistant",
      parts: [
        { type: "thinking", text: "The user wants both files; I can read them in parallel.", signature: "EqQBCkYIBxgCKkDxRk2bP1mQ3vJ7yXo9Xv6d2q1Zc0Yh8w4uT5sLrN3pVe7Kq9aB2cD4eF6gH8iJ0kL1mN2oP3qR4sT5uV6wX7yZ8", origin: "claude" },
        { type: "thinking", text: "", redacted: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8", origin: "claude" },
        { type: "text", text: "I'll read both config files." },
        { type: "tool_call", id: "toolu_01A09q90qw90lq917835lq9", name: "Read", input: { file_path: "/home/dev/app/a.json" } },
        { type: "tool_call", id: "toolu_01B18r81rx81mr826924mr8", name: "Read", input: { file_path: "/home/dev/app/b.json", limit: 200 } },
      ],
    },
    {
      role: "user",
      parts: [
        { type: "tool_result", callId: "toolu_01A09q90qw90lq917835lq9", name: "Read", content: [{ type: "text", text: '{"port": 8080}' }] },
        { type: "tool_result", callId: "toolu_01B18r81rx81mr826924mr8", name: "Read", content: [{ type: "text", text: "ENOENT: no such file or directory" }], isError: true, cache: {} },
      ],
    },
  ],
  tools: [{ name: "Read", description: "Reads a file from the local filesystem.", parameters: toolRound.tools[0].input_schema, cache: { ttl: "1h" } }],
  toolChoice: { type: "auto" },
  maxOutputTokens: 32000,
  stream: true,
  reasoning: { enabled: true, budgetTokens: 10000, includeThoughts: true },
  user: "user_3f6a_account__session_9b1c2d",
};

const STRUCTURED: Request = {
  model: "claude-opus-4-5",
  system: [{ type: "text", text: "Extract the contact from the message." }],
  messages: [
    { role: "user", parts: [{ type: "text", text: "John Smith (john@example.com) wants the Enterprise plan." }] },
    { role: "assistant", parts: [{ type: "text", text: '{"name":' }] },
  ],
  tools: [{ name: "lookup_plan", description: "Looks up a plan.", parameters: { type: "object", properties: { plan: { type: "string" } } }, strict: true }],
  toolChoice: { type: "tool", name: "lookup_plan" },
  parallelToolCalls: false,
  maxOutputTokens: 1024,
  temperature: 0.2,
  topP: 0.9,
  topK: 40,
  stopSequences: ["\n\nHuman:"],
  stream: false,
  responseFormat: { type: "json_schema", schema: structured.output_config.format.schema },
};

describe("Claude requests: golden fixtures", () => {
  it("decodes a Claude Code tool round (thinking, redacted thinking, parallel calls, images, a PDF, cache breakpoints)", () => {
    expect(decode(toolRound)).toEqual(TOOL_ROUND);
  });

  it("encodes that tool round back into the same body, with nothing dropped", () => {
    const out = encode(TOOL_ROUND);
    expect(out.path).toBe("/v1/messages");
    expect(out.search).toBe("");
    expect(out.body).toEqual(toolRound);
    expect(out.notes).toEqual([]);
  });

  it("decodes structured output, sampling settings, stop sequences and a forced tool without parallel calls", () => {
    expect(decode(structured)).toEqual(STRUCTURED);
  });

  it("encodes them back into the same body", () => {
    const out = encode(STRUCTURED);
    expect(out.body).toEqual(structured);
    expect(out.notes).toEqual([]);
  });
});

describe("decodeRequest", () => {
  it("reads string content, an empty system and role:system messages (joined to the system prompt)", () => {
    const request = decode({
      model: "m",
      max_tokens: 10,
      system: "",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hello" },
      ],
    });
    expect(request.system).toEqual([{ type: "text", text: "Be brief." }]);
    expect(request.messages).toEqual([{ role: "user", parts: [{ type: "text", text: "hello" }] }]);
    expect(request.stream).toBe(false);
  });

  it("keeps Anthropic's server tools by name with an empty object schema", () => {
    const request = decode({
      model: "m",
      messages: [],
      tools: [
        { type: "web_search_20250305", name: "web_search", max_uses: 5 },
        { type: "bash_20250124", name: "bash" },
        { type: "custom", name: "f", input_schema: { type: "object" } },
      ],
    });
    expect(request.tools).toEqual([
      { name: "web_search", parameters: { type: "object", properties: {} } },
      { name: "bash", parameters: { type: "object", properties: {} } },
      { name: "f", parameters: { type: "object" } },
    ]);
  });

  it("leaves Anthropic's tool search out: deferred tools are all defined, its calls, results and tool references dropped", () => {
    const request = decode({
      model: "m",
      tools: [
        { type: "tool_search_tool_regex_20251119", name: "tool_search_tool_regex" },
        { name: "mcp__github__create_issue", description: "Create an issue", input_schema: { type: "object", properties: { title: { type: "string" } } }, defer_loading: true },
      ],
      messages: [
        { role: "user", content: "File an issue" },
        {
          role: "assistant",
          content: [
            { type: "server_tool_use", id: "srvtoolu_1", name: "tool_search_tool_regex", input: { pattern: "github" } },
            { type: "tool_search_tool_result", tool_use_id: "srvtoolu_1", content: { type: "tool_search_tool_search_result", tool_references: [{ type: "tool_reference", tool_name: "mcp__github__create_issue" }] } },
            { type: "tool_use", id: "toolu_1", name: "mcp__github__create_issue", input: { title: "Bug" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "tool_reference", tool_name: "x" }, { type: "text", text: "#12" }] }] },
      ],
    });
    expect(request.tools).toEqual([{ name: "mcp__github__create_issue", description: "Create an issue", parameters: { type: "object", properties: { title: { type: "string" } } } }]);
    expect(request.messages[1].parts).toEqual([{ type: "tool_call", id: "toolu_1", name: "mcp__github__create_issue", input: { title: "Bug" } }]);
    expect(request.messages[2].parts).toEqual([{ type: "tool_result", callId: "toolu_1", name: "mcp__github__create_issue", content: [{ type: "text", text: "#12" }] }]);
  });

  it("reads adaptive thinking with an effort, disabled thinking, omitted display and the deprecated output_format", () => {
    const adaptive = decode({ model: "m", messages: [], thinking: { type: "adaptive" }, output_config: { effort: "max" } });
    expect(adaptive.reasoning).toEqual({ enabled: true, effort: "high", includeThoughts: true });
    expect(decode({ model: "m", messages: [], thinking: { type: "disabled" } }).reasoning).toEqual({ enabled: false });
    expect(decode({ model: "m", messages: [], thinking: { type: "enabled", budget_tokens: 2048, display: "omitted" } }).reasoning).toEqual({ enabled: true, budgetTokens: 2048, includeThoughts: false });
    expect(decode({ model: "m", messages: [], output_config: { effort: "low" } }).reasoning).toEqual({ enabled: true, effort: "low" });
    const schema = { type: "object", properties: {} };
    expect(decode({ model: "m", messages: [], output_format: { type: "json_schema", schema } }).responseFormat).toEqual({ type: "json_schema", schema });
  });

  it("reads tool_result blocks with images, documents and an empty result, and an empty signature as none", () => {
    const request = decode({
      model: "m",
      messages: [
        { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "" }, { type: "tool_use", id: "a", name: "shot", input: {} }] },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "a",
              content: [
                { type: "text", text: "here" },
                { type: "image", source: { type: "file", file_id: "file_011" } },
                { type: "document", source: { type: "text", media_type: "text/plain", data: "notes" } },
              ],
            },
            { type: "tool_result", tool_use_id: "unknown" },
            { type: "document", source: { type: "content", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] } },
            { type: "document", source: { type: "url", url: "https://x/y.pdf" } },
          ],
        },
      ],
    });
    expect(request.messages[0].parts[0]).toEqual({ type: "thinking", text: "t", origin: "claude" });
    expect(request.messages[1].parts).toEqual([
      {
        type: "tool_result",
        callId: "a",
        name: "shot",
        content: [
          { type: "text", text: "here" },
          { type: "image", source: { kind: "file", fileId: "file_011" } },
          { type: "document", source: { kind: "text", text: "notes", mediaType: "text/plain" } },
        ],
      },
      { type: "tool_result", callId: "unknown", content: [] },
      { type: "document", source: { kind: "text", text: "a\n\nb", mediaType: "text/plain" } },
      { type: "document", source: { kind: "url", url: "https://x/y.pdf", mediaType: "application/pdf" } },
    ]);
  });

  it.each([
    [{ messages: [] }, "model: must be a non-empty string"],
    [{ model: "m", messages: {} }, "messages: must be an array"],
    [{ model: "m", messages: [{ role: "tool", content: "x" }] }, 'messages[0].role: must be "user" or "assistant"'],
    [{ model: "m", messages: [{ role: "user", content: 5 }] }, "messages[0].content: must be a string or an array of content blocks"],
    [{ model: "m", messages: [{ role: "assistant", content: [{ type: "tool_use", id: "a", name: "f", input: "{}" }] }] }, "messages[0].content[0].input: must be an object"],
    [{ model: "m", messages: [{ role: "assistant", content: [{ type: "server_tool_use", id: "s", name: "web_search", input: {} }] }] }, 'messages[0].content[0].type: content blocks of type "server_tool_use" cannot be converted to another format'],
    [{ model: "m", messages: [{ role: "assistant", content: [{ type: "web_search_tool_result", tool_use_id: "s", content: [] }] }] }, 'messages[0].content[0].type: content blocks of type "web_search_tool_result" cannot be converted to another format'],
    [{ model: "m", messages: [{ role: "user", content: [{ type: "x".repeat(10_000) }] }] }, `messages[0].content[0].type: content blocks of type "${"x".repeat(64)}" cannot be converted to another format`],
    [{ model: "m", messages: [{ role: "user", content: [{ type: "text", text: "x", cache_control: { type: "ephemeral", ttl: "2h" } }] }] }, 'messages[0].content[0].cache_control.ttl: must be "5m" or "1h"'],
    [{ model: "m", messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", data: "x" } }] }] }, "messages[0].content[0].source.media_type: must be a string"],
    [{ model: "m", messages: [], system: [{ type: "image" }] }, "system[0]: must be a text block"],
    [{ model: "m", messages: [], tools: [{ name: "f" }] }, "tools[0].input_schema: must be an object"],
    [{ model: "m", messages: [], tool_choice: { type: "required" } }, 'tool_choice.type: must be "auto", "any", "tool" or "none"'],
    [{ model: "m", messages: [], thinking: { type: "enabled", budget_tokens: "lots" } }, "thinking.budget_tokens: must be a non-negative integer"],
    [{ model: "m", messages: [], max_tokens: 0 }, "max_tokens: must be a positive integer"],
    [{ model: "m", messages: [], temperature: "hot" }, "temperature: must be a number"],
    [{ model: "m", messages: [], stop_sequences: [1] }, "stop_sequences: must be an array of strings"],
    [{ model: "m", messages: [], output_config: { format: { type: "json_object" } } }, 'output_config.format: must be {"type":"json_schema","schema":{…}}'],
    [{ model: "m", messages: [], mcp_servers: [{ type: "url", url: "https://mcp.example.com/sse", name: "x" }] }, "mcp_servers: Anthropic's remote MCP servers cannot be converted to another format"],
  ])("refuses a malformed body %#", (body, message) => {
    expect(() => decode(body)).toThrow(new InvalidRequestBody(message));
  });
});

describe("encodeRequest", () => {
  it("builds a valid Messages body from a Chat-style conversation (separate tool messages, effort, JSON schema, user)", () => {
    const out = encode({
      model: "claude-sonnet-4-5",
      system: [{ type: "text", text: "You are terse." }],
      messages: [
        { role: "user", parts: [{ type: "text", text: "Weather in Paris and Rome?" }, { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/4AAQ" }, detail: "low" }] },
        {
          role: "assistant",
          parts: [
            { type: "tool_call", id: "call_p", name: "weather", input: { city: "Paris" } },
            { type: "tool_call", id: "call_r", name: "weather", input: { city: "Rome" } },
          ],
        },
        { role: "user", parts: [{ type: "tool_result", callId: "call_p", content: [{ type: "text", text: "18C" }] }] },
        { role: "user", parts: [{ type: "tool_result", callId: "call_r", content: [{ type: "text", text: "24C" }] }] },
      ],
      tools: [{ name: "weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: true }],
      toolChoice: { type: "auto" },
      parallelToolCalls: true,
      maxOutputTokens: 4000,
      stream: true,
      includeStreamUsage: true,
      reasoning: { enabled: true, effort: "low", includeThoughts: true },
      responseFormat: { type: "json_schema", name: "weather_report", schema: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"], additionalProperties: false }, strict: true },
      user: "user-123",
      stopSequences: ["END"],
    });
    expect(out.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 4000,
      system: "You are terse.",
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }, { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } }] },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "call_p", name: "weather", input: { city: "Paris" } },
            { type: "tool_use", id: "call_r", name: "weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "call_p", content: "18C" },
            { type: "tool_result", tool_use_id: "call_r", content: "24C" },
          ],
        },
      ],
      tools: [{ name: "weather", description: "Current weather", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: true }],
      tool_choice: { type: "auto" },
      stop_sequences: ["END"],
      metadata: { user_id: "user-123" },
      output_config: { format: { type: "json_schema", schema: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"], additionalProperties: false } } },
      stream: true,
    });
    // The tool round's assistant turn has no Anthropic thinking, so thinking stays off this turn.
    expect(out.notes).toEqual(["image detail: Anthropic has no detail setting", "thinking: off for this tool round, its assistant turn has no Anthropic thinking block"]);
  });

  it("sets max_tokens, which Anthropic requires, when the request has none", () => {
    expect(encode(base()).body).toEqual({ model: "claude-x", max_tokens: 8192, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
  });

  it("derives the thinking budget from an effort and leaves room for the answer", () => {
    expect(encode(base({ reasoning: { enabled: true, effort: "high" } })).body).toMatchObject({ max_tokens: 32192, thinking: { type: "enabled", budget_tokens: 24000 } });
    expect(encode(base({ reasoning: { enabled: true, effort: "minimal" } })).body).toMatchObject({ max_tokens: 32000, thinking: { type: "enabled", budget_tokens: 1024 } });
    expect(encode(base({ reasoning: { enabled: true } })).body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 10000 } });
    expect(encode(base({ reasoning: { enabled: true, budgetTokens: 50000 } })).body).toMatchObject({ max_tokens: 58192, thinking: { budget_tokens: 50000 } });
    expect(encode(base({ reasoning: { enabled: true, budgetTokens: 100 } })).body).toMatchObject({ thinking: { budget_tokens: 1024 } });
    // The client's output limit includes reasoning (as OpenAI's does): the budget stays under it.
    expect(encode(base({ maxOutputTokens: 2000, reasoning: { enabled: true, effort: "high" } })).body).toMatchObject({ max_tokens: 2000, thinking: { budget_tokens: 1999 } });
  });

  it("turns thinking off when the output limit leaves no room for the minimum budget, or a tool is forced", () => {
    const small = encode(base({ maxOutputTokens: 1000, reasoning: { enabled: true, effort: "low" } }));
    expect(small.body.thinking).toBeUndefined();
    expect(small.body.max_tokens).toBe(1000);
    expect(small.notes).toEqual(["thinking: off, the output limit 1000 leaves no room for Anthropic's minimum budget of 1024"]);
    const tool = { name: "f", parameters: { type: "object" } };
    const forced = encode(base({ tools: [tool], toolChoice: { type: "required" }, reasoning: { enabled: true } }));
    expect(forced.body.thinking).toBeUndefined();
    expect(forced.body.tool_choice).toEqual({ type: "any" });
    expect(forced.notes).toEqual(["thinking: off, Anthropic cannot think while a tool call is forced"]);
  });

  it("sends thinking disabled when the client turned it off", () => {
    expect(encode(base({ reasoning: { enabled: false, effort: "low" } })).body.thinking).toEqual({ type: "disabled" });
  });

  it("drops temperature, top_k and a low top_p while thinking, and lowers a temperature above 1", () => {
    const thinking = encode(base({ temperature: 0.5, topK: 5, topP: 0.5, reasoning: { enabled: true } }));
    expect(thinking.body).not.toHaveProperty("temperature");
    expect(thinking.body).not.toHaveProperty("top_k");
    expect(thinking.body).not.toHaveProperty("top_p");
    expect(thinking.notes).toEqual(["temperature: Anthropic refuses it while thinking", "top_p: Anthropic accepts only 0.95 to 1 while thinking", "top_k: Anthropic refuses it while thinking"]);
    expect(encode(base({ topP: 0.97, reasoning: { enabled: true } })).body.top_p).toBe(0.97);
    const hot = encode(base({ temperature: 1.6 }));
    expect(hot.body.temperature).toBe(1);
    expect(hot.notes).toEqual(["temperature 1.6: lowered to Anthropic's maximum of 1"]);
  });

  it("drops reasoning from another vendor and turns thinking off for a tool round that then lacks it", () => {
    const out = encode(
      base({
        reasoning: { enabled: true, effort: "medium" },
        tools: [{ name: "f", parameters: { type: "object", properties: {} } }],
        messages: [
          { role: "user", parts: [{ type: "text", text: "go" }] },
          {
            role: "assistant",
            parts: [
              { type: "thinking", text: "hmm", encrypted: "gAAAA", origin: "openai-responses" },
              { type: "tool_call", id: "call_1", name: "f", input: {} },
            ],
          },
          { role: "user", parts: [{ type: "tool_result", callId: "call_1", content: [{ type: "text", text: "ok" }] }] },
        ],
      }),
    );
    expect(out.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "f", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "ok" }] },
    ]);
    expect(out.body.thinking).toBeUndefined();
    expect(out.notes).toEqual([
      "thinking from openai-responses: Anthropic accepts only reasoning it signed",
      "thinking: off for this tool round, its assistant turn has no Anthropic thinking block",
    ]);
  });

  it("merges same-role turns, puts tool results first, starts with a user turn and makes tool ids acceptable", () => {
    const out = encode(
      base({
        messages: [
          { role: "assistant", parts: [{ type: "tool_call", id: "functions.read:0", name: "read", input: { _raw: "{bad" } }, { type: "tool_call", id: "functions.read:1", name: "read", input: {} }] },
          { role: "user", parts: [{ type: "tool_result", callId: "functions.read:0", content: [] }] },
          { role: "user", parts: [{ type: "text", text: "and also" }, { type: "tool_result", callId: "functions.read:1", content: [{ type: "text", text: "" }] }] },
          { role: "assistant", parts: [{ type: "text", text: "" }] },
        ],
      }),
    );
    expect(out.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "." }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "functions_read_0", name: "read", input: { _raw: "{bad" } },
          { type: "tool_use", id: "functions_read_1", name: "read", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "functions_read_0" },
          { type: "tool_result", tool_use_id: "functions_read_1" },
          { type: "text", text: "and also" },
        ],
      },
    ]);
    expect(out.notes).toEqual(["empty text blocks: Anthropic refuses them", "a conversation starting with the assistant: Anthropic requires a user turn first, one was added"]);
  });

  it("trims the whitespace Anthropic refuses at the end of an assistant prefill", () => {
    const out = encode(base({ messages: [{ role: "user", parts: [{ type: "text", text: "Answer:" }] }, { role: "assistant", parts: [{ type: "text", text: "The answer is " }] }] }));
    expect(out.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Answer:" }] },
      { role: "assistant", content: [{ type: "text", text: "The answer is" }] },
    ]);
    expect(out.notes).toEqual(["trailing whitespace of the assistant prefill: Anthropic refuses it"]);
    const blank = encode(base({ messages: [{ role: "user", parts: [{ type: "text", text: "Go" }] }, { role: "assistant", parts: [{ type: "text", text: "\n" }] }] }));
    expect(blank.body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Go" }] }]);
  });

  it("encodes tool choices, parallelism, empty schemas and leaves tool_choice out without tools", () => {
    const tools = [{ name: "f", parameters: {} }];
    expect(encode(base({ tools, parallelToolCalls: false })).body).toMatchObject({ tools: [{ name: "f", input_schema: { type: "object", properties: {} } }], tool_choice: { type: "auto", disable_parallel_tool_use: true } });
    expect(encode(base({ tools, toolChoice: { type: "none" }, parallelToolCalls: false })).body.tool_choice).toEqual({ type: "none" });
    expect(encode(base({ tools, toolChoice: { type: "tool", name: "f" } })).body.tool_choice).toEqual({ type: "tool", name: "f" });
    expect(encode(base({ tools })).body).not.toHaveProperty("tool_choice");
    expect(encode(base({ toolChoice: { type: "required" } })).body).not.toHaveProperty("tool_choice");
  });

  it("converts media: text documents from base64, a filename as title; notes image detail and JSON mode", () => {
    const out = encode(
      base({
        responseFormat: { type: "json_object" },
        promptCacheKey: "k",
        messages: [
          {
            role: "user",
            parts: [
              { type: "image", source: { kind: "url", url: "https://x/a.png" }, detail: "high" },
              { type: "document", source: { kind: "base64", mediaType: "text/plain", data: Buffer.from("héllo").toString("base64") }, filename: "a.txt" },
              { type: "document", source: { kind: "url", url: "https://x/b.pdf" } },
            ],
          },
        ],
      }),
    );
    expect(out.body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "image", source: { type: "url", url: "https://x/a.png" } },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "héllo" }, title: "a.txt" },
          { type: "document", source: { type: "url", url: "https://x/b.pdf" } },
        ],
      },
    ]);
    expect(out.body).not.toHaveProperty("output_config");
    expect(out.notes).toEqual([
      "image detail: Anthropic has no detail setting",
      "response_format json_object: Anthropic has no JSON mode without a schema (the prompt asks for JSON)",
      "prompt_cache_key: Anthropic caches by breakpoints instead",
    ]);
  });

  it.each([
    [{ type: "image", source: { kind: "file", fileId: "file-abc" } }, "an image given as another vendor's file id"],
    [{ type: "image", source: { kind: "base64", mediaType: "image/bmp", data: "Qk0=" } }, "image type image/bmp"],
    [{ type: "document", source: { kind: "base64", mediaType: "application/msword", data: "0M8R" } }, "a document of type application/msword"],
    [{ type: "document", source: { kind: "file", fileId: "files/abc" } }, "a document given as another vendor's file id"],
  ] as const)("refuses media Anthropic cannot read %#", (part, feature) => {
    const request = base({ messages: [{ role: "user", parts: [part as never] }] });
    expect(() => encode(request)).toThrow(new UnsupportedFeature(feature, "claude"));
  });
});
