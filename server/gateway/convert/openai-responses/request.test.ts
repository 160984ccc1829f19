import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Request } from "../neutral.ts";
import { type ConversionNotes, InvalidRequestBody, UnsupportedFeature } from "../types.ts";
import { openAiResponsesCodec as codec } from "./index.ts";
import { wrapForeign } from "./reasoning.ts";

const route = { format: "openai-responses" as const, kind: "generate" as const, path: "/v1/responses" };
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const decode = (body: Record<string, unknown>) => codec.decodeRequest(body, route, "");
const encode = (request: Request) => {
  const notes: ConversionNotes = { dropped: [] };
  return { ...codec.encodeRequest(request, notes), notes: notes.dropped };
};
const base = (over: Partial<Request> = {}): Request => ({ model: "gpt-5", system: [], messages: [{ role: "user", parts: [{ type: "text", text: "hi" }] }], tools: [], stream: false, ...over });

const CODEX_NEUTRAL: Request = {
  model: "gpt-5-codex",
  system: [
    { type: "text", text: "You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user's computer." },
    { type: "text", text: "<permissions instructions>\nFilesystem sandboxing: workspace-write.\n</permissions instructions>" },
  ],
  messages: [
    {
      role: "user",
      parts: [
        { type: "text", text: "<environment_context>\n  <cwd>/home/dev/app</cwd>\n  <shell>bash</shell>\n</environment_context>" },
        { type: "text", text: "Fix the failing test in src/sum.ts" },
      ],
    },
    {
      role: "assistant",
      parts: [
        { type: "thinking", text: "**Inspecting the test**\n\nI should read the file first.", encrypted: "gAAAAABpNzQ1encryptedreasoningblob==", itemId: "rs_0a1b2c3d4e5f60718293a4b5c6d7e8f9", origin: "openai-responses" },
        { type: "tool_call", id: "call_Ab12Cd34Ef56Gh78", name: "shell_command", input: { command: "cat src/sum.ts", workdir: "/home/dev/app" } },
        { type: "tool_call", id: "call_Ij90Kl12Mn34Op56", name: "shell_command", input: { command: "cat src/sum.test.ts" } },
      ],
    },
    {
      role: "user",
      parts: [
        { type: "tool_result", callId: "call_Ab12Cd34Ef56Gh78", name: "shell_command", content: [{ type: "text", text: "export const sum = (a: number, b: number) => a - b;\n" }] },
        { type: "tool_result", callId: "call_Ij90Kl12Mn34Op56", name: "shell_command", content: [{ type: "text", text: "expect(sum(1, 2)).toBe(3);\n" }] },
      ],
    },
    {
      role: "assistant",
      parts: [
        {
          type: "tool_call",
          id: "call_Qr78St90Uv12",
          name: "apply_patch",
          input: { input: "*** Begin Patch\n*** Update File: src/sum.ts\n@@\n-export const sum = (a: number, b: number) => a - b;\n+export const sum = (a: number, b: number) => a + b;\n*** End Patch\n" },
        },
      ],
    },
    { role: "user", parts: [{ type: "tool_result", callId: "call_Qr78St90Uv12", name: "apply_patch", content: [{ type: "text", text: "Success. Updated the following files:\nM src/sum.ts\n" }] }] },
    { role: "assistant", parts: [{ type: "text", text: "Fixed: `sum` subtracted instead of adding." }] },
    { role: "user", parts: [{ type: "text", text: "Thanks! Now run the tests." }] },
  ],
  tools: [
    {
      name: "shell_command",
      description: "Runs a shell command and returns its output.",
      strict: false,
      parameters: { type: "object", properties: { command: { type: "string", description: "The shell script to execute" }, workdir: { type: "string" }, timeout_ms: { type: "number" } }, required: ["command"], additionalProperties: false },
    },
    {
      name: "apply_patch",
      description: "Use the `apply_patch` tool to edit files.\n\nSend the tool's raw input as the string argument `input`. The input must follow this lark grammar:\nstart: begin_patch hunk+ end_patch",
      parameters: { type: "object", properties: { input: { type: "string", description: "The raw input of the tool." } }, required: ["input"], additionalProperties: false },
    },
  ],
  toolChoice: { type: "auto" },
  parallelToolCalls: true,
  stream: true,
  reasoning: { enabled: true, effort: "medium", includeThoughts: true },
  promptCacheKey: "019af2c4-2b1e-7c53-9a61-3f7d2e8c1b40",
};

describe("openai-responses decodeRequest", () => {
  it("decodes a Codex CLI request: developer text joins the system, items merge by role, reasoning keeps its id and encrypted content, custom tools become one-string functions", () => {
    expect(decode(fixture("request-codex.json"))).toEqual(CODEX_NEUTRAL);
  });

  it("decodes an SDK request with images, files, structured output, a forced tool and sampling settings", () => {
    expect(decode(fixture("request-sdk.json"))).toEqual({
      model: "gpt-4.1",
      system: [],
      messages: [
        {
          role: "user",
          parts: [
            { type: "text", text: "What is in this image and this file?" },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgoAAAANSUhEUg==" }, detail: "high" },
            { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" }, detail: "auto" },
            { type: "image", source: { kind: "file", fileId: "file-IMG123" } },
            { type: "document", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0xLjQK" }, filename: "report.pdf" },
            { type: "document", source: { kind: "url", url: "https://example.com/paper.pdf" } },
            { type: "document", source: { kind: "file", fileId: "file-PDF456" } },
          ],
        },
      ],
      tools: [{ name: "lookup", description: "Looks a word up.", parameters: { type: "object", properties: { word: { type: "string" } }, required: ["word"], additionalProperties: false }, strict: true }],
      toolChoice: { type: "tool", name: "lookup" },
      stream: false,
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      responseFormat: { type: "json_schema", name: "answer", strict: true, schema: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"], additionalProperties: false } },
      user: "user-1234",
    } satisfies Request);
  });

  it("takes a plain string input as one user message", () => {
    expect(decode({ model: "gpt-5", input: "Hello", instructions: "Be brief." })).toEqual(base({ model: "gpt-5", system: [{ type: "text", text: "Be brief." }], messages: [{ role: "user", parts: [{ type: "text", text: "Hello" }] }] }));
  });

  it("reads easy input messages (role + string content) and tool output given as content parts", () => {
    const request = decode({
      model: "m",
      input: [
        { role: "system", content: "Rules." },
        { role: "user", content: "Look" },
        { type: "function_call", call_id: "c1", name: "shot", arguments: "not json" },
        { type: "function_call_output", call_id: "c1", output: [{ type: "input_text", text: "here" }, { type: "input_image", image_url: "https://x/y.png" }] },
      ],
    });
    expect(request.system).toEqual([{ type: "text", text: "Rules." }]);
    expect(request.messages).toEqual([
      { role: "user", parts: [{ type: "text", text: "Look" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "shot", input: { _raw: "not json" } }] },
      { role: "user", parts: [{ type: "tool_result", callId: "c1", name: "shot", content: [{ type: "text", text: "here" }, { type: "image", source: { kind: "url", url: "https://x/y.png" } }] }] },
    ]);
  });

  it("maps reasoning effort none to disabled thinking and xhigh to high", () => {
    expect(decode({ model: "m", input: "x", reasoning: { effort: "none" } }).reasoning).toEqual({ enabled: false });
    expect(decode({ model: "m", input: "x", reasoning: { effort: "xhigh", summary: null } }).reasoning).toEqual({ enabled: true, effort: "high", includeThoughts: false });
  });

  it("narrows the tools to an allowed_tools choice", () => {
    const request = decode({
      model: "m",
      input: "x",
      tools: [
        { type: "function", name: "a", parameters: { type: "object" } },
        { type: "function", name: "b", parameters: { type: "object" } },
      ],
      tool_choice: { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "b" }] },
    });
    expect(request.tools.map((t) => t.name)).toEqual(["b"]);
    expect(request.toolChoice).toEqual({ type: "required" });
  });

  it("opens the hub's reasoning envelope so a Claude signature goes back to Claude", () => {
    const request = decode({
      model: "m",
      input: [{ type: "reasoning", id: "rs_req1_0", summary: [{ type: "summary_text", text: "thought" }], encrypted_content: wrapForeign("claude", "sig", "EqQBCkYIBxgC") }],
    });
    expect(request.messages[0].parts[0]).toEqual({ type: "thinking", text: "thought", signature: "EqQBCkYIBxgC", origin: "claude" });
  });

  it.each([
    [{ model: "m", input: "x", previous_response_id: "resp_1" }, /previous_response_id/],
    [{ model: "m", input: "x", conversation: "conv_1" }, /conversation/],
    [{ model: "m", input: "x", background: true }, /background/],
    [{ model: "m", input: "x", tools: [{ type: "web_search" }] }, /built-in tool "web_search"/],
    [{ model: "m", input: "x", tools: [{ type: "local_shell" }] }, /built-in tool "local_shell"/],
    [{ model: "m", input: [{ type: "item_reference", id: "msg_1" }] }, /item_reference/],
    [{ model: "m", input: [{ type: "local_shell_call", call_id: "c" }] }, /local_shell_call/],
    [{ model: "m", input: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] }, /input_audio/],
    [{ model: "m", input: [{ role: "user", content: [{ type: "input_text" }] }] }, /input\[0\]\.content\[0\]\.text: must be a string/],
    [{ model: "m", input: 5 }, /input: must be/],
    [{ input: "x" }, /model/],
    [{ model: "m", input: "x", tool_choice: { type: "web_search_preview" } }, /tool_choice/],
    [{ model: "m", input: "x", max_output_tokens: -1 }, /max_output_tokens/],
  ])("refuses %j", (body, message) => {
    expect(() => decode(body as Record<string, unknown>)).toThrow(InvalidRequestBody);
    expect(() => decode(body as Record<string, unknown>)).toThrow(message);
  });
});

describe("openai-responses encodeRequest", () => {
  it("round-trips the Codex request into the normalised stateless form (reasoning without its id, as Codex CLI sends it)", () => {
    const { path, search, body, notes } = encode(decode(fixture("request-codex.json")));
    expect(path).toBe("/v1/responses");
    expect(search).toBe("");
    expect(notes).toEqual([]);
    const original = fixture("request-codex.json");
    const input = original.input as Record<string, unknown>[];
    expect(body).toEqual({
      model: "gpt-5-codex",
      instructions: `${original.instructions}\n\n<permissions instructions>\nFilesystem sandboxing: workspace-write.\n</permissions instructions>`,
      input: [
        { type: "message", role: "user", content: [input[1].content, input[2].content].flat() },
        { type: "reasoning", summary: [{ type: "summary_text", text: "**Inspecting the test**\n\nI should read the file first." }], encrypted_content: "gAAAAABpNzQ1encryptedreasoningblob==" },
        { type: "function_call", call_id: "call_Ab12Cd34Ef56Gh78", name: "shell_command", arguments: '{"command":"cat src/sum.ts","workdir":"/home/dev/app"}' },
        { type: "function_call", call_id: "call_Ij90Kl12Mn34Op56", name: "shell_command", arguments: '{"command":"cat src/sum.test.ts"}' },
        { type: "function_call_output", call_id: "call_Ab12Cd34Ef56Gh78", output: "export const sum = (a: number, b: number) => a - b;\n" },
        { type: "function_call_output", call_id: "call_Ij90Kl12Mn34Op56", output: "expect(sum(1, 2)).toBe(3);\n" },
        { type: "function_call", call_id: "call_Qr78St90Uv12", name: "apply_patch", arguments: JSON.stringify({ input: (input[8] as { input: string }).input }) },
        { type: "function_call_output", call_id: "call_Qr78St90Uv12", output: "Success. Updated the following files:\nM src/sum.ts\n" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Fixed: `sum` subtracted instead of adding." }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "Thanks! Now run the tests." }] },
      ],
      tools: [
        { type: "function", name: "shell_command", description: "Runs a shell command and returns its output.", parameters: (original.tools as Record<string, unknown>[])[0].parameters, strict: false },
        { type: "function", name: "apply_patch", description: CODEX_NEUTRAL.tools[1].description, parameters: CODEX_NEUTRAL.tools[1].parameters, strict: false },
      ],
      tool_choice: "auto",
      parallel_tool_calls: true,
      reasoning: { effort: "medium", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "019af2c4-2b1e-7c53-9a61-3f7d2e8c1b40",
      stream: true,
      store: false,
    });
  });

  it("gives back the SDK request's own parts (images, files, format, forced tool)", () => {
    const original = fixture("request-sdk.json");
    const { body, notes } = encode(decode(original));
    expect(notes).toEqual([]);
    const content = ((original.input as Record<string, unknown>[])[0].content as Record<string, unknown>[]).map((part) => (part.type === "input_image" ? { detail: "auto", ...part } : part));
    expect(body).toEqual({
      model: "gpt-4.1",
      input: [{ type: "message", role: "user", content }],
      tools: original.tools,
      tool_choice: original.tool_choice,
      max_output_tokens: 1024,
      temperature: 0.2,
      top_p: 0.9,
      text: original.text,
      safety_identifier: "user-1234",
      stream: false,
      store: false,
    });
  });

  it("encodes a Claude-like conversation: cache and top_k and stop sequences noted, foreign thinking dropped, tool results split out", () => {
    const request: Request = {
      model: "gpt-5",
      system: [{ type: "text", text: "You are Claude Code.", cache: { ttl: "5m" } }],
      messages: [
        { role: "user", parts: [{ type: "text", text: "List files" }] },
        {
          role: "assistant",
          parts: [
            { type: "thinking", text: "Let me list.", signature: "EqQB", origin: "claude" },
            { type: "text", text: "Listing." },
            { type: "tool_call", id: "toolu_01A", name: "Bash", input: { command: "ls" } },
          ],
        },
        {
          role: "user",
          parts: [
            { type: "tool_result", callId: "toolu_01A", content: [{ type: "text", text: "a.ts" }], isError: true },
            { type: "text", text: "and now?", cache: {} },
            { type: "document", source: { kind: "base64", mediaType: "application/pdf", data: "JVBE" }, title: "Spec" },
          ],
        },
      ],
      tools: [{ name: "Bash", description: "Run", parameters: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { command: { type: "string" } } } }],
      toolChoice: { type: "tool", name: "Bash" },
      parallelToolCalls: false,
      maxOutputTokens: 32000,
      topK: 5,
      stopSequences: ["\n\nHuman:"],
      stream: true,
      reasoning: { enabled: true, budgetTokens: 31999 },
      user: JSON.stringify({ device_id: "d".repeat(64), account_uuid: "", session_id: "0199b8f5-7a54-7e5b-9d7c-0f33c4bc12ab" }),
    };
    const { body, notes } = encode(request);
    expect(body).toEqual({
      model: "gpt-5",
      instructions: "You are Claude Code.",
      input: [
        { type: "message", role: "user", content: [{ type: "input_text", text: "List files" }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Listing." }] },
        { type: "function_call", call_id: "toolu_01A", name: "Bash", arguments: '{"command":"ls"}' },
        { type: "function_call_output", call_id: "toolu_01A", output: "a.ts" },
        { type: "message", role: "user", content: [{ type: "input_text", text: "and now?" }, { type: "input_file", file_data: "data:application/pdf;base64,JVBE", filename: "Spec" }] },
      ],
      tools: [{ type: "function", name: "Bash", description: "Run", parameters: { type: "object", properties: { command: { type: "string" } } }, strict: false }],
      tool_choice: { type: "function", name: "Bash" },
      parallel_tool_calls: false,
      max_output_tokens: 32000,
      reasoning: { effort: "high", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      safety_identifier: expect.stringMatching(/^[0-9a-f]{64}$/),
      stream: true,
      store: false,
    });
    expect(notes).toEqual([
      "cache_control: openai-responses has no cache breakpoints",
      "thinking from claude: openai-responses replays only its own encrypted reasoning",
      "tool_result is_error: openai-responses has no error flag (the result is sent as it is)",
      "top_k: openai-responses has no top_k",
      "stop_sequences: openai-responses has no stop sequences",
    ]);
  });

  it("drops its own reasoning when the encrypted content is missing (the id alone names a stored item)", () => {
    const { body, notes } = encode(base({ messages: [{ role: "assistant", parts: [{ type: "thinking", text: "t", itemId: "rs_1", origin: "openai-responses" }] }] }));
    expect(body.input).toEqual([]);
    expect(notes).toHaveLength(1);
  });

  it("sends disabled thinking as no reasoning, with a note", () => {
    const { body, notes } = encode(base({ reasoning: { enabled: false } }));
    expect(body.reasoning).toBeUndefined();
    expect(body.include).toBeUndefined();
    expect(notes[0]).toMatch(/^thinking disabled/);
  });

  it("maps effort and budget and omits the summary when thoughts are not wanted", () => {
    expect(encode(base({ reasoning: { enabled: true, budgetTokens: 2048 } })).body.reasoning).toEqual({ effort: "low", summary: "auto" });
    expect(encode(base({ reasoning: { enabled: true, budgetTokens: 8000, includeThoughts: false } })).body.reasoning).toEqual({ effort: "medium" });
    expect(encode(base({ reasoning: { enabled: true, effort: "minimal" } })).body.reasoning).toEqual({ effort: "minimal", summary: "auto" });
  });

  it("encodes json_object and unnamed json_schema formats, and tool results with images as content lists", () => {
    expect(encode(base({ responseFormat: { type: "json_object" } })).body.text).toEqual({ format: { type: "json_object" } });
    expect(encode(base({ responseFormat: { type: "json_schema", schema: { type: "object" } } })).body.text).toEqual({ format: { type: "json_schema", name: "response", schema: { type: "object" } } });
    const { body } = encode(base({ messages: [{ role: "user", parts: [{ type: "tool_result", callId: "c", content: [{ type: "text", text: "see" }, { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "AAAA" } }] }] }] }));
    expect(body.input).toEqual([{ type: "function_call_output", call_id: "c", output: [{ type: "input_text", text: "see" }, { type: "input_image", detail: "auto", image_url: "data:image/jpeg;base64,AAAA" }] }]);
  });

  it("refuses an image in an assistant message", () => {
    const request = base({ messages: [{ role: "assistant", parts: [{ type: "image", source: { kind: "url", url: "https://x/y.png" } }] }] });
    expect(() => encode(request)).toThrow(UnsupportedFeature);
  });
});
