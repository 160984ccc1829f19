import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { GatewayRoute } from "../../endpoints.ts";
import type { Request } from "../neutral.ts";
import { InvalidRequestBody, UnsupportedFeature, type ConversionNotes } from "../types.ts";
import { decodeRequest, encodeRequest, SKIP_SIGNATURE } from "./request.ts";

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

function route(model: string, stream: boolean): GatewayRoute {
  return { format: "gemini", kind: "generate", path: `/v1beta/models/${model}:${stream ? "streamGenerateContent" : "generateContent"}`, model, stream };
}

function notes(): ConversionNotes {
  return { dropped: [] };
}

const TOOLS_NEUTRAL: Request = {
  model: "gemini-2.5-flash",
  system: [{ type: "text", text: "You are a helpful assistant." }],
  messages: [
    { role: "user", parts: [{ type: "text", text: "What is the weather in Paris and in Tokyo?" }] },
    {
      role: "assistant",
      parts: [
        { type: "thinking", text: "I should look both up.", origin: "gemini" },
        { type: "tool_call", id: "call_0", name: "get_weather", input: { city: "Paris" }, signature: "CiQBjz1rX2sig1" },
        { type: "tool_call", id: "call_1", name: "get_weather", input: { city: "Tokyo" } },
      ],
    },
    {
      role: "user",
      parts: [
        { type: "tool_result", callId: "call_0", name: "get_weather", content: [{ type: "text", text: "18°C, cloudy" }] },
        { type: "tool_result", callId: "call_1", name: "get_weather", content: [{ type: "text", text: "station offline" }], isError: true },
      ],
    },
  ],
  tools: [
    {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: {
        type: "object",
        properties: { city: { type: "string", description: "City name" }, unit: { type: ["string", "null"], enum: ["C", "F"] } },
        required: ["city"],
      },
    },
  ],
  toolChoice: { type: "auto" },
  stream: true,
  temperature: 0.7,
  topP: 0.95,
  topK: 40,
  maxOutputTokens: 8192,
  stopSequences: ["END"],
  reasoning: { enabled: true, budgetTokens: 1024, includeThoughts: true },
};

describe("gemini decodeRequest", () => {
  it("decodes a tool round with parallel calls, thinking and generation settings", () => {
    expect(decodeRequest(fixture("request-tools.json"), route("gemini-2.5-flash", true), "?alt=sse")).toEqual(TOOLS_NEUTRAL);
  });

  it("decodes images, files, structured output and a thinking level", () => {
    const request = decodeRequest(fixture("request-media.json"), route("gemini-2.5-pro", false), "");
    expect(request).toEqual({
      model: "gemini-2.5-pro",
      system: [],
      messages: [
        {
          role: "user",
          parts: [
            { type: "text", text: "Describe the picture and summarise the report." },
            {
              type: "image",
              source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" },
            },
            { type: "document", source: { kind: "file", fileId: "https://generativelanguage.googleapis.com/v1beta/files/abc123", mediaType: "application/pdf" } },
          ],
        },
      ],
      tools: [],
      stream: false,
      responseFormat: {
        type: "json_schema",
        schema: { type: "object", properties: { picture: { type: "string" }, report: { type: "string" } }, required: ["picture", "report"] },
      },
      reasoning: { enabled: true, effort: "low" },
    });
  });

  it("pairs id-less function responses with the oldest open call of that name, and keeps given ids", () => {
    const request = decodeRequest(
      {
        contents: [
          { role: "user", parts: [{ text: "go" }] },
          { role: "model", parts: [{ functionCall: { name: "a", args: {} } }, { functionCall: { name: "b", args: {}, id: "given-b" } }, { functionCall: { name: "a", args: {} } }] },
          { role: "user", parts: [{ functionResponse: { name: "b", response: { x: 1 }, id: "given-b" } }, { functionResponse: { name: "a", response: {} } }, { functionResponse: { name: "a", response: {} } }] },
        ],
      },
      route("m", false),
      "",
    );
    expect(request.messages[1].parts.map((p) => (p.type === "tool_call" ? p.id : ""))).toEqual(["call_0", "given-b", "call_2"]);
    expect(request.messages[2].parts.map((p) => (p.type === "tool_result" ? p.callId : ""))).toEqual(["given-b", "call_0", "call_2"]);
    // A response object other than {output}/{error} is passed on as its JSON text.
    expect(request.messages[2].parts[0]).toMatchObject({ content: [{ type: "text", text: '{"x":1}' }] });
  });

  it("maps function calling modes, narrowing ANY with several names to those tools", () => {
    const tools = [{ functionDeclarations: [{ name: "a" }, { name: "b" }, { name: "c" }] }];
    const decode = (functionCallingConfig: unknown) => decodeRequest({ contents: [], tools, toolConfig: { functionCallingConfig } }, route("m", false), "");
    expect(decode({ mode: "NONE" }).toolChoice).toEqual({ type: "none" });
    expect(decode({ mode: "ANY" }).toolChoice).toEqual({ type: "required" });
    expect(decode({ mode: "ANY", allowedFunctionNames: ["b"] }).toolChoice).toEqual({ type: "tool", name: "b" });
    const narrowed = decode({ mode: "ANY", allowedFunctionNames: ["a", "c"] });
    expect(narrowed.toolChoice).toEqual({ type: "required" });
    expect(narrowed.tools.map((t) => t.name)).toEqual(["a", "c"]);
    expect(narrowed.tools[0].parameters).toEqual({ type: "object", properties: {} });
  });

  it('reads the older "function" role as a user turn', () => {
    const request = decodeRequest(
      {
        contents: [
          { role: "model", parts: [{ functionCall: { name: "f", args: { a: 1 } } }] },
          { role: "function", parts: [{ functionResponse: { name: "f", response: { output: "ok" } } }] },
        ],
      },
      route("m", false),
      "",
    );
    expect(request.messages[1]).toEqual({ role: "user", parts: [{ type: "tool_result", callId: "call_0", name: "f", content: [{ type: "text", text: "ok" }] }] });
  });

  it("reads parametersJsonSchema as it is and thinkingBudget 0 as thinking off", () => {
    const schema = { type: "object", properties: { q: { type: "string" } }, additionalProperties: false };
    const request = decodeRequest(
      { contents: [{ parts: [{ text: "x" }] }], tools: [{ functionDeclarations: [{ name: "s", parametersJsonSchema: schema }] }], generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
      route("m", false),
      "",
    );
    expect(request.tools[0].parameters).toEqual(schema);
    expect(request.reasoning).toEqual({ enabled: false });
    expect(request.messages[0].role).toBe("user");
  });

  it.each([
    [{ contents: [], tools: [{ googleSearch: {} }] }, "googleSearch"],
    [{ contents: [], tools: [{ functionDeclarations: [], codeExecution: {} }] }, "codeExecution"],
    [{ contents: "hi" }, "contents: must be an array"],
    [{ contents: [{ role: "system", parts: [] }] }, 'must be "user" or "model"'],
    [{ contents: [{ role: "user", parts: [{ functionCall: { args: {} } }] }] }, "functionCall: needs a name"],
    [{ contents: [{ role: "user", parts: [{ inlineData: { mimeType: "image/png" } }] }] }, "inlineData"],
    [{ contents: [{ role: "user", parts: [{ videoMetadata: {} }] }] }, "unsupported part"],
    [{ contents: [], cachedContent: "cachedContents/abc" }, "cachedContent"],
    [{ contents: [], generationConfig: { candidateCount: 2 } }, "candidateCount"],
    [{ contents: [], generationConfig: { responseMimeType: "text/x.enum" } }, "text/x.enum"],
    [{ contents: [], generationConfig: { temperature: "hot" } }, "temperature: must be a number"],
    [{ contents: [], toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } }, "unknown mode"],
  ])("refuses %j with a clear message", (body, message) => {
    expect(() => decodeRequest(body as Record<string, unknown>, route("m", false), "")).toThrow(InvalidRequestBody);
    expect(() => decodeRequest(body as Record<string, unknown>, route("m", false), "")).toThrow(message);
  });
});

describe("gemini encodeRequest", () => {
  it("encodes the decoded tool round back into the fixture's shape (ids sent, types lower-cased)", () => {
    const n = notes();
    const encoded = encodeRequest(TOOLS_NEUTRAL, n);
    expect(encoded.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(encoded.search).toBe("?alt=sse");
    const original = fixture("request-tools.json");
    const contents = original.contents as Array<{ parts: Array<Record<string, Record<string, unknown>>> }>;
    contents[1].parts[1].functionCall.id = "call_0";
    contents[1].parts[2].functionCall.id = "call_1";
    contents[2].parts[0].functionResponse.id = "call_0";
    contents[2].parts[1].functionResponse.id = "call_1";
    expect(encoded.body).toEqual({
      ...original,
      contents,
      tools: [
        {
          functionDeclarations: [
            {
              name: "get_weather",
              description: "Current weather for a city",
              parameters: {
                type: "object",
                properties: { city: { type: "string", description: "City name" }, unit: { type: "string", nullable: true, enum: ["C", "F"] } },
                required: ["city"],
              },
            },
          ],
        },
      ],
    });
    expect(n.dropped).toEqual([]);
  });

  it("encodes a Claude-style conversation: names from earlier calls, foreign thinking dropped, skip signature, notes", () => {
    const n = notes();
    const encoded = encodeRequest(
      {
        model: "models/gemini-3-pro-preview",
        system: [{ type: "text", text: "Be brief.", cache: { ttl: "5m" } }],
        messages: [
          { role: "user", parts: [{ type: "text", text: "List files" }] },
          { role: "user", parts: [{ type: "image", source: { kind: "url", url: "https://example.com/a.JPG?x=1" }, detail: "high" }] },
          {
            role: "assistant",
            parts: [
              { type: "thinking", text: "Use ls.", signature: "anthropic-sig", origin: "claude" },
              { type: "tool_call", id: "toolu_01", name: "bash", input: { command: "ls" } },
              { type: "tool_call", id: "toolu_02", name: "bash", input: { command: "pwd" } },
            ],
          },
          {
            role: "user",
            parts: [
              { type: "tool_result", callId: "toolu_01", content: [{ type: "text", text: "a.txt" }, { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA=" } }] },
              { type: "tool_result", callId: "toolu_02", content: [{ type: "text", text: "denied" }], isError: true },
              { type: "document", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, title: "Spec" },
              { type: "document", source: { kind: "text", text: "plain body" }, title: "Notes" },
            ],
          },
        ],
        tools: [
          {
            name: "bash",
            parameters: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { command: { type: "string" } }, required: ["command"], additionalProperties: false },
            cache: {},
          },
          { name: "noop", description: "No arguments", parameters: { type: "object", properties: {} } },
        ],
        toolChoice: { type: "tool", name: "bash" },
        parallelToolCalls: false,
        stream: false,
        user: "user-123",
        reasoning: { enabled: false },
        responseFormat: { type: "json_object" },
      },
      n,
    );
    expect(encoded).toEqual({
      path: "/v1beta/models/gemini-3-pro-preview:generateContent",
      search: "",
      body: {
        contents: [
          {
            role: "user",
            parts: [{ text: "List files" }, { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/a.JPG?x=1" } }],
          },
          {
            role: "model",
            parts: [
              { functionCall: { name: "bash", args: { command: "ls" }, id: "toolu_01" }, thoughtSignature: SKIP_SIGNATURE },
              { functionCall: { name: "bash", args: { command: "pwd" }, id: "toolu_02" } },
            ],
          },
          {
            role: "user",
            parts: [
              { functionResponse: { name: "bash", response: { output: "a.txt" }, id: "toolu_01" } },
              { inlineData: { mimeType: "image/png", data: "AAA=" } },
              { functionResponse: { name: "bash", response: { error: "denied" }, id: "toolu_02" } },
              { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
              { text: "Notes\n\nplain body" },
            ],
          },
        ],
        systemInstruction: { parts: [{ text: "Be brief." }] },
        tools: [
          {
            functionDeclarations: [
              { name: "bash", parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] } },
              { name: "noop", description: "No arguments" },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["bash"] } },
        generationConfig: { responseMimeType: "application/json", thinkingConfig: { thinkingLevel: "low" } },
      },
    });
    expect(n.dropped).toEqual([
      "cache breakpoints: gemini has no cache_control",
      "image detail: gemini has no detail setting",
      "thinking from another format: gemini cannot take it back",
      "tool schema keywords gemini refuses: $schema, additionalProperties",
      "parallel_tool_calls=false: gemini has no switch for it",
      "user id: gemini has no end-user field",
      "thinking off: gemini-3-pro-preview always thinks, lowest level sent",
    ]);
  });

  it("sends a thinking effort as thinkingLevel and a json_schema as a rewritten responseSchema", () => {
    const n = notes();
    const { body } = encodeRequest(
      {
        model: "gemini-3-flash",
        system: [],
        messages: [{ role: "user", parts: [{ type: "text", text: "hi" }] }],
        tools: [],
        stream: true,
        reasoning: { enabled: true, effort: "high", includeThoughts: false },
        responseFormat: { type: "json_schema", name: "out", schema: { type: "object", properties: { n: { type: "integer", const: 3 } }, additionalProperties: false } },
      },
      n,
    );
    expect(body.generationConfig).toEqual({
      responseMimeType: "application/json",
      responseSchema: { type: "object", properties: { n: { type: "integer", description: "Allowed values: 3" } } },
      thinkingConfig: { thinkingLevel: "high", includeThoughts: false },
    });
    expect(n.dropped).toEqual(["response schema keywords gemini refuses: additionalProperties, const(non-string)"]);
  });

  it.each<[string, Partial<Request>]>([
    ["file id from another provider", { messages: [{ role: "user", parts: [{ type: "document", source: { kind: "file", fileId: "file-abc" } }] }] }],
    ["image URL without a known media type", { messages: [{ role: "user", parts: [{ type: "image", source: { kind: "url", url: "https://example.com/img" } }] }] }],
    ["a tool result for an unknown call", { messages: [{ role: "user", parts: [{ type: "tool_result", callId: "x", content: [] }] }] }],
    ["more than 5 stop sequences", { stopSequences: ["1", "2", "3", "4", "5", "6"] }],
  ])("refuses %s", (feature, overrides) => {
    const request: Request = { model: "m", system: [], messages: [], tools: [], stream: false, ...overrides };
    expect(() => encodeRequest(request, notes())).toThrow(UnsupportedFeature);
    expect(() => encodeRequest(request, notes())).toThrow(feature);
  });

  it("leaves out empty text and empty thinking parts, and turns that end up empty", () => {
    const { body } = encodeRequest(
      {
        model: "gemini-2.5-flash",
        system: [],
        messages: [
          { role: "user", parts: [{ type: "text", text: "" }, { type: "text", text: "hi" }] },
          { role: "assistant", parts: [{ type: "thinking", text: "", origin: "gemini" }, { type: "text", text: "" }] },
          { role: "user", parts: [{ type: "text", text: "again" }] },
        ],
        tools: [],
        stream: false,
      },
      notes(),
    );
    expect(body.contents).toEqual([{ role: "user", parts: [{ text: "hi" }, { text: "again" }] }]);
  });

  it("sends a data: URL image as inline data", () => {
    const { body } = encodeRequest(
      {
        model: "gemini-2.5-flash",
        system: [],
        messages: [{ role: "user", parts: [{ type: "image", source: { kind: "url", url: "data:image/webp;base64,UklGRg==" } }] }],
        tools: [],
        stream: false,
      },
      notes(),
    );
    expect(body.contents).toEqual([{ role: "user", parts: [{ inlineData: { mimeType: "image/webp", data: "UklGRg==" } }] }]);
  });

  it("gives signature-less calls the skip value only for models that validate signatures", () => {
    const request = (model: string): Request => ({
      model,
      system: [],
      messages: [{ role: "assistant", parts: [{ type: "tool_call", id: "t1", name: "f", input: {} }] }],
      tools: [],
      stream: false,
    });
    const firstPart = (model: string) => (encodeRequest(request(model), notes()).body.contents as Array<{ parts: Array<Record<string, unknown>> }>)[0].parts[0];
    expect(firstPart("gemini-2.5-pro").thoughtSignature).toBeUndefined();
    expect(firstPart("models/gemini-2.0-flash").thoughtSignature).toBeUndefined();
    expect(firstPart("gemini-3-flash-preview").thoughtSignature).toBe(SKIP_SIGNATURE);
    expect(firstPart("team-default").thoughtSignature).toBe(SKIP_SIGNATURE);
  });

  it("keeps a Gemini signature on calls and on thought parts instead of the skip value", () => {
    const { body } = encodeRequest(
      {
        model: "m",
        system: [],
        messages: [
          {
            role: "assistant",
            parts: [
              { type: "thinking", text: "t", encrypted: "sig-t", origin: "gemini" },
              { type: "tool_call", id: "c1", name: "f", input: {}, signature: "sig-c" },
              { type: "tool_call", id: "c2", name: "f", input: {} },
            ],
          },
        ],
        tools: [],
        stream: false,
      },
      notes(),
    );
    expect((body.contents as Array<{ parts: unknown[] }>)[0].parts).toEqual([
      { text: "t", thought: true, thoughtSignature: "sig-t" },
      { functionCall: { name: "f", args: {}, id: "c1" }, thoughtSignature: "sig-c" },
      { functionCall: { name: "f", args: {}, id: "c2" } },
    ]);
  });
});
