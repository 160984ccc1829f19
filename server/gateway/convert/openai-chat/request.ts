/**
 * Chat Completions request bodies ⇄ the neutral request (see the table in index.ts).
 *
 * Decoding is strict about the shapes it converts (a malformed message is the client's 400,
 * not a silently different prompt) and refuses what the neutral model cannot carry and the
 * answer depends on (audio, n > 1, logprobs, legacy functions). Encoding writes the dialect
 * most OpenAI-compatible servers understand: `max_tokens`, a string system message,
 * DeepSeek-style `reasoning_content` for reasoning that came from a Chat source.
 */
import { createHash } from "node:crypto";
import type {
  CacheBreakpoint,
  DocumentPart,
  ImagePart,
  Message,
  Part,
  ReasoningConfig,
  ReasoningEffort,
  Request,
  ResponseFormat,
  TextPart,
  ThinkingPart,
  ToolCallPart,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
} from "../neutral.ts";
import { InvalidRequestBody, UnsupportedFeature, type ConversionNotes, type EncodedRequest } from "../types.ts";
import { dataUrl, dataUrlSource } from "./media.ts";

const FORMAT = "openai-chat" as const;
export const CHAT_PATH = "/v1/chat/completions";

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A client value named in an error message, cut to a few dozen characters: the message goes
 * back to the client and into the request log, and the value can be any size.
 */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 40 ? text : `${text.slice(0, 40)}…`;
}

function fail(message: string): never {
  throw new InvalidRequestBody(message);
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(`${where}: must be a string`);
  return value;
}

function optionalNumber(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) fail(`${where}: must be a number`);
  return value;
}

function optionalBoolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") fail(`${where}: must be a boolean`);
  return value;
}

/** OpenRouter-style `cache_control` on a content part, which Chat clients of Claude models send. */
function cacheOf(part: Raw): CacheBreakpoint | undefined {
  const cache = part.cache_control;
  if (!isObject(cache) || cache.type !== "ephemeral") return undefined;
  return cache.ttl === "5m" || cache.ttl === "1h" ? { ttl: cache.ttl } : {};
}

function withCache<T extends { cache?: CacheBreakpoint }>(part: T, raw: Raw): T {
  const cache = cacheOf(raw);
  if (cache) part.cache = cache;
  return part;
}

// ---------------------------------------------------------------------------------------------
// decode: content

function textPart(text: string): TextPart {
  return { type: "text", text };
}

/** `content` that may only hold text (system, developer, tool; assistant with refusal parts). */
function decodeTextContent(content: unknown, where: string): TextPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [textPart(content)];
  if (!Array.isArray(content)) fail(`${where}: must be a string or an array of content parts`);
  const parts: TextPart[] = [];
  content.forEach((item, i) => {
    if (!isObject(item)) fail(`${where}[${i}]: must be an object`);
    if (item.type === "text") {
      if (typeof item.text !== "string") fail(`${where}[${i}].text: must be a string`);
      if (item.text !== "") parts.push(withCache(textPart(item.text), item));
    } else if (item.type === "refusal") {
      // An assistant's earlier refusal is what it said: history keeps it as text.
      if (typeof item.refusal !== "string") fail(`${where}[${i}].refusal: must be a string`);
      if (item.refusal !== "") parts.push(textPart(item.refusal));
    } else {
      fail(`${where}[${i}].type: ${quoted(item.type)} is not allowed here (text only)`);
    }
  });
  return parts;
}

function decodeImage(item: Raw, where: string): ImagePart {
  const image = item.image_url;
  if (!isObject(image) || typeof image.url !== "string" || image.url === "") fail(`${where}.image_url.url: must be a non-empty string`);
  const url = image.url;
  const part: ImagePart = { type: "image", source: url.startsWith("data:") ? (dataUrlSource(url) ?? fail(`${where}.image_url.url: malformed data URL`)) : { kind: "url", url } };
  const detail = optionalString(image.detail, `${where}.image_url.detail`);
  if (detail !== undefined) part.detail = detail;
  return withCache(part, item);
}

function decodeFile(item: Raw, where: string): DocumentPart {
  const file = item.file;
  if (!isObject(file)) fail(`${where}.file: must be an object`);
  const filename = optionalString(file.filename, `${where}.file.filename`);
  const fileId = optionalString(file.file_id, `${where}.file.file_id`);
  const fileData = optionalString(file.file_data, `${where}.file.file_data`);
  let part: DocumentPart;
  if (fileData !== undefined) {
    // file_data is a data URL; a bare base64 string (older clients) is taken to be a PDF.
    const source = fileData.startsWith("data:") ? dataUrlSource(fileData) : { kind: "base64" as const, mediaType: "application/pdf", data: fileData };
    if (!source) fail(`${where}.file.file_data: malformed data URL`);
    part = { type: "document", source };
  } else if (fileId !== undefined) {
    part = { type: "document", source: { kind: "file", fileId } };
  } else {
    fail(`${where}.file: needs file_data or file_id`);
  }
  if (filename !== undefined) part.filename = filename;
  return withCache(part, item);
}

/** A user message's `content`: a string or text / image_url / file parts. */
function decodeUserContent(content: unknown, where: string): Part[] {
  if (typeof content === "string") return content === "" ? [] : [textPart(content)];
  if (!Array.isArray(content)) fail(`${where}: must be a string or an array of content parts`);
  const parts: Part[] = [];
  content.forEach((item, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(item)) fail(`${at}: must be an object`);
    switch (item.type) {
      case "text":
        if (typeof item.text !== "string") fail(`${at}.text: must be a string`);
        if (item.text !== "") parts.push(withCache(textPart(item.text), item));
        return;
      case "image_url":
        parts.push(decodeImage(item, at));
        return;
      case "file":
        parts.push(decodeFile(item, at));
        return;
      case "input_audio":
        throw new UnsupportedFeature("input_audio (audio input)", FORMAT);
      default:
        fail(`${at}.type: unknown content part type ${quoted(item.type)}`);
    }
  });
  return parts;
}

/** Tool-call arguments as sent (a JSON text) → an object; anything else is kept as { _raw }. */
export function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return value;
  } catch {
    // kept raw below
  }
  return { _raw: text };
}

function decodeToolCalls(calls: unknown, where: string, names: Map<string, string>): ToolCallPart[] {
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls)) fail(`${where}: must be an array`);
  return calls.map((call, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(call)) fail(`${at}: must be an object`);
    if (call.type !== undefined && call.type !== "function") throw new UnsupportedFeature(`tool call of type ${quoted(call.type)}`, FORMAT);
    if (typeof call.id !== "string" || call.id === "") fail(`${at}.id: must be a non-empty string`);
    const fn = call.function;
    if (!isObject(fn) || typeof fn.name !== "string" || fn.name === "") fail(`${at}.function.name: must be a non-empty string`);
    const args = fn.arguments === undefined || fn.arguments === null ? "" : fn.arguments;
    if (typeof args !== "string") fail(`${at}.function.arguments: must be a JSON string`);
    names.set(call.id, fn.name);
    return { type: "tool_call", id: call.id, name: fn.name, input: parseArguments(args) };
  });
}

// ---------------------------------------------------------------------------------------------
// decode: messages and options

interface DecodedConversation {
  system: TextPart[];
  messages: Message[];
}

/**
 * The `messages` array. System and developer messages anywhere in the history all go to the
 * system prompt, in order (the neutral model has one system prompt, and every other format
 * has one too). Tool messages become tool_result parts of one user message; consecutive tool
 * messages, and a user message right after them, share that message (tool results first, as
 * Anthropic requires).
 */
function decodeMessages(value: unknown): DecodedConversation {
  if (!Array.isArray(value) || value.length === 0) fail("messages: must be a non-empty array");
  const system: TextPart[] = [];
  const messages: Message[] = [];
  /** The user message holding tool results, while more tool messages or user content may join it. */
  let toolTurn: Message | undefined;
  /** Tool call id → name, so results can name their tool (Gemini keys results by name). */
  const names = new Map<string, string>();
  value.forEach((raw, i) => {
    const at = `messages[${i}]`;
    if (!isObject(raw)) fail(`${at}: must be an object`);
    switch (raw.role) {
      case "system":
      case "developer":
        system.push(...decodeTextContent(raw.content, `${at}.content`));
        return;
      case "user": {
        const parts = decodeUserContent(raw.content, `${at}.content`);
        if (toolTurn) {
          toolTurn.parts.push(...parts);
          toolTurn = undefined;
        } else {
          messages.push({ role: "user", parts });
        }
        return;
      }
      case "assistant": {
        toolTurn = undefined;
        if (raw.function_call !== undefined && raw.function_call !== null) throw new UnsupportedFeature("function_call (legacy function calling)", FORMAT);
        if (raw.audio !== undefined && raw.audio !== null) throw new UnsupportedFeature("assistant audio", FORMAT);
        const parts: Part[] = [];
        // reasoning_content (DeepSeek and compatible servers); `reasoning` is another relay spelling.
        const reasoning = optionalString(raw.reasoning_content ?? raw.reasoning, `${at}.reasoning_content`);
        if (reasoning) parts.push({ type: "thinking", text: reasoning, origin: FORMAT });
        parts.push(...decodeTextContent(raw.content, `${at}.content`));
        const refusal = optionalString(raw.refusal, `${at}.refusal`);
        if (refusal) parts.push(textPart(refusal));
        parts.push(...decodeToolCalls(raw.tool_calls, `${at}.tool_calls`, names));
        messages.push({ role: "assistant", parts });
        return;
      }
      case "tool": {
        if (typeof raw.tool_call_id !== "string" || raw.tool_call_id === "") fail(`${at}.tool_call_id: must be a non-empty string`);
        const result: ToolResultPart = { type: "tool_result", callId: raw.tool_call_id, content: decodeTextContent(raw.content, `${at}.content`) };
        const name = names.get(raw.tool_call_id);
        if (name !== undefined) result.name = name;
        if (!toolTurn) {
          toolTurn = { role: "user", parts: [] };
          messages.push(toolTurn);
        }
        toolTurn.parts.push(result);
        return;
      }
      case "function":
        throw new UnsupportedFeature("function messages (legacy function calling)", FORMAT);
      default:
        fail(`${at}.role: unknown role ${quoted(raw.role)}`);
    }
  });
  return { system, messages };
}

function decodeTools(value: unknown): ToolDefinition[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail("tools: must be an array");
  return value.map((tool, i) => {
    const at = `tools[${i}]`;
    if (!isObject(tool)) fail(`${at}: must be an object`);
    if (tool.type !== "function") throw new UnsupportedFeature(`tools of type ${quoted(tool.type)}`, FORMAT);
    const fn = tool.function;
    if (!isObject(fn) || typeof fn.name !== "string" || fn.name === "") fail(`${at}.function.name: must be a non-empty string`);
    const parameters = fn.parameters ?? { type: "object", properties: {} };
    if (!isObject(parameters)) fail(`${at}.function.parameters: must be a JSON Schema object`);
    const definition: ToolDefinition = { name: fn.name, parameters };
    const description = optionalString(fn.description, `${at}.function.description`);
    if (description !== undefined) definition.description = description;
    const strict = optionalBoolean(fn.strict, `${at}.function.strict`);
    if (strict !== undefined) definition.strict = strict;
    return withCache(definition, tool);
  });
}

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "auto" || value === "none" || value === "required") return { type: value };
  if (isObject(value)) {
    if (value.type === "function" && isObject(value.function) && typeof value.function.name === "string" && value.function.name !== "") {
      return { type: "tool", name: value.function.name };
    }
    if (value.type === "allowed_tools" || value.type === "custom") throw new UnsupportedFeature(`tool_choice of type ${value.type}`, FORMAT);
  }
  fail('tool_choice: must be "auto", "none", "required" or {"type":"function","function":{"name":…}}');
}

const EFFORTS: Record<string, ReasoningEffort> = { minimal: "minimal", low: "low", medium: "medium", high: "high", xhigh: "high" };

/** reasoning_effort: "none" turns reasoning off; "xhigh" is the highest effort the neutral model has. */
function decodeReasoning(value: unknown): ReasoningConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "none") return { enabled: false };
  if (typeof value === "string" && EFFORTS[value]) return { enabled: true, effort: EFFORTS[value] };
  fail('reasoning_effort: must be one of "none", "minimal", "low", "medium", "high", "xhigh"');
}

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) fail("response_format: must be an object");
  if (value.type === "text" || value.type === "json_object") return { type: value.type };
  if (value.type === "json_schema") {
    const spec = value.json_schema;
    if (!isObject(spec) || !isObject(spec.schema)) fail("response_format.json_schema.schema: must be a JSON Schema object");
    const format: ResponseFormat = { type: "json_schema", schema: spec.schema };
    const name = optionalString(spec.name, "response_format.json_schema.name");
    if (name !== undefined) format.name = name;
    const strict = optionalBoolean(spec.strict, "response_format.json_schema.strict");
    if (strict !== undefined) format.strict = strict;
    return format;
  }
  fail('response_format.type: must be "text", "json_object" or "json_schema"');
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((s) => typeof s === "string")) return value as string[];
  fail("stop: must be a string or an array of strings");
}

function decodeOutputCap(body: Raw): number | undefined {
  for (const name of ["max_completion_tokens", "max_tokens"]) {
    const value = optionalNumber(body[name], name);
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) fail(`${name}: must be a positive integer`);
    return value;
  }
  return undefined;
}

/** Options whose effect the neutral model cannot carry and a client would notice missing. */
function refuseUnconvertible(body: Raw) {
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw new UnsupportedFeature("n > 1 (several choices)", FORMAT);
  if (body.logprobs === true) throw new UnsupportedFeature("logprobs", FORMAT);
  if (body.audio !== undefined && body.audio !== null) throw new UnsupportedFeature("audio output", FORMAT);
  if (Array.isArray(body.modalities) && body.modalities.includes("audio")) throw new UnsupportedFeature("audio output", FORMAT);
  if (body.web_search_options !== undefined && body.web_search_options !== null) throw new UnsupportedFeature("web_search_options", FORMAT);
  if (body.functions !== undefined || body.function_call !== undefined) throw new UnsupportedFeature("functions (legacy function calling)", FORMAT);
}

/** A /v1/chat/completions body → the neutral request. Throws InvalidRequestBody, UnsupportedFeature. */
export function decodeChatRequest(body: Raw): Request {
  if (typeof body.model !== "string" || body.model === "") fail("model: must be a non-empty string");
  refuseUnconvertible(body);
  const { system, messages } = decodeMessages(body.messages);
  const stream = optionalBoolean(body.stream, "stream") ?? false;
  const request: Request = { model: body.model, system, messages, tools: decodeTools(body.tools), stream };
  const toolChoice = decodeToolChoice(body.tool_choice);
  if (toolChoice) request.toolChoice = toolChoice;
  const parallel = optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls");
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const cap = decodeOutputCap(body);
  if (cap !== undefined) request.maxOutputTokens = cap;
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) request.topP = topP;
  // Not an OpenAI field, but vLLM, SGLang and other compatible servers take it.
  const topK = optionalNumber(body.top_k, "top_k");
  if (topK !== undefined) request.topK = topK;
  const stop = decodeStop(body.stop);
  if (stop) request.stopSequences = stop;
  if (stream) {
    const options = body.stream_options;
    if (options !== undefined && options !== null && !isObject(options)) fail("stream_options: must be an object");
    request.includeStreamUsage = isObject(options) && options.include_usage === true;
  }
  const reasoning = decodeReasoning(body.reasoning_effort);
  if (reasoning) request.reasoning = reasoning;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat) request.responseFormat = responseFormat;
  // safety_identifier replaced user as OpenAI's end-user id; either names the same person.
  const user = optionalString(body.safety_identifier, "safety_identifier") ?? optionalString(body.user, "user");
  if (user !== undefined) request.user = user;
  const cacheKey = optionalString(body.prompt_cache_key, "prompt_cache_key");
  if (cacheKey !== undefined) request.promptCacheKey = cacheKey;
  return request;
}

// ---------------------------------------------------------------------------------------------
// encode

/** Records a drop once per kind (a long conversation with many breakpoints gets one note). */
class Notes {
  private readonly seen = new Set<string>();
  constructor(private readonly notes: ConversionNotes) {}
  add(note: string) {
    if (this.seen.has(note)) return;
    this.seen.add(note);
    this.notes.dropped.push(note);
  }
  cache(part: { cache?: CacheBreakpoint }) {
    if (part.cache) this.add("cache_control: openai-chat has no cache breakpoints");
  }
}

type ChatPart = Raw;

function encodeImage(part: ImagePart, notes: Notes): ChatPart {
  notes.cache(part);
  const { source } = part;
  let url: string;
  if (source.kind === "base64") url = dataUrl(source.mediaType, source.data);
  else if (source.kind === "url") url = source.url;
  else throw new UnsupportedFeature(`an image given as a ${source.kind === "file" ? "file id" : "text"} source`, FORMAT);
  const image: Raw = { url };
  if (part.detail !== undefined) image.detail = part.detail;
  return { type: "image_url", image_url: image };
}

function encodeDocument(part: DocumentPart, notes: Notes): ChatPart {
  notes.cache(part);
  const { source } = part;
  switch (source.kind) {
    case "base64": {
      const file: Raw = { filename: part.filename ?? part.title ?? "document.pdf", file_data: dataUrl(source.mediaType, source.data) };
      return { type: "file", file };
    }
    case "file": {
      const file: Raw = { file_id: source.fileId };
      if (part.filename !== undefined) file.filename = part.filename;
      return { type: "file", file };
    }
    case "text":
      // A plain-text document reads the same as text in the prompt.
      return { type: "text", text: part.title ? `${part.title}\n\n${source.text}` : source.text };
    case "url":
      throw new UnsupportedFeature("a document given by URL", FORMAT);
  }
}

/** One user message's non-result parts as Chat content: a string when it is one text. */
function encodeUserContent(parts: Part[], notes: Notes): string | ChatPart[] {
  if (parts.length === 0) return "";
  if (parts.length === 1 && parts[0].type === "text") {
    notes.cache(parts[0]);
    return parts[0].text;
  }
  const content: ChatPart[] = [];
  for (const part of parts) {
    if (part.type === "text") {
      notes.cache(part);
      content.push({ type: "text", text: part.text });
    } else if (part.type === "image") content.push(encodeImage(part, notes));
    else if (part.type === "document") content.push(encodeDocument(part, notes));
    else if (part.type === "thinking") notes.add("thinking in a user message: not sent to openai-chat");
    else if (part.type === "tool_call") throw new UnsupportedFeature("a tool call in a user message", FORMAT);
  }
  return content.length ? content : "";
}

/**
 * A user message: its tool results first, each as a `tool` message (Chat tool messages take
 * text only: images and documents of a result follow in the user message after them, named
 * by call id), then the rest of the content as one user message.
 */
function encodeUserMessage(message: Message, out: Raw[], notes: Notes) {
  const rest: Part[] = [];
  const carried: Part[] = [];
  for (const part of message.parts) {
    if (part.type !== "tool_result") {
      rest.push(part);
      continue;
    }
    notes.cache(part);
    let text = "";
    let media = false;
    for (const item of part.content) {
      if (item.type === "text") {
        notes.cache(item);
        text = text === "" ? item.text : `${text}\n\n${item.text}`;
      } else {
        if (!media) carried.push({ type: "text", text: `[The result of tool call ${part.callId} includes the following attachment.]` });
        media = true;
        carried.push(item);
      }
    }
    // Chat has no error flag on a tool result; the model reads it from the text.
    if (part.isError) text = text === "" ? "[tool error]" : `[tool error] ${text}`;
    out.push({ role: "tool", tool_call_id: part.callId, content: text });
  }
  const parts = carried.length ? [...carried, ...rest] : rest;
  // A message of tool results only is all said by the tool messages.
  if (parts.length || rest.length === message.parts.length) {
    out.push({ role: "user", content: encodeUserContent(parts, notes) });
  }
}

function encodeAssistantMessage(message: Message, out: Raw[], notes: Notes) {
  let content: string | undefined;
  let reasoning: string | undefined;
  const calls: Raw[] = [];
  for (const part of message.parts) {
    switch (part.type) {
      case "text":
        notes.cache(part);
        content = content === undefined ? part.text : `${content}\n\n${part.text}`;
        break;
      case "thinking":
        reasoning = encodeThinking(part, reasoning, notes);
        break;
      case "tool_call": {
        notes.cache(part);
        const raw = part.input._raw;
        const args = typeof raw === "string" && Object.keys(part.input).length === 1 ? raw : JSON.stringify(part.input);
        calls.push({ id: part.id, type: "function", function: { name: part.name, arguments: args } });
        break;
      }
      default:
        throw new UnsupportedFeature(`a ${part.type} part in an assistant message`, FORMAT);
    }
  }
  // null only beside tool calls: OpenAI refuses an assistant message with neither.
  const message_: Raw = { role: "assistant", content: content ?? (calls.length ? null : "") };
  if (reasoning !== undefined) message_.reasoning_content = reasoning;
  if (calls.length) message_.tool_calls = calls;
  out.push(message_);
}

/**
 * Past reasoning: reasoning a Chat server produced goes back as reasoning_content (DeepSeek
 * asks for it in tool loops; others ignore it). Reasoning of another origin is signed for that
 * vendor and means nothing to this one: dropped, as the answer does not depend on it.
 */
function encodeThinking(part: ThinkingPart, sofar: string | undefined, notes: Notes): string | undefined {
  if (part.origin !== FORMAT || part.redacted !== undefined) {
    notes.add(`thinking: reasoning from ${part.origin ?? "another format"} is not sent to openai-chat`);
    return sofar;
  }
  if (part.text === "") return sofar;
  return sofar === undefined ? part.text : `${sofar}\n\n${part.text}`;
}

/** A thinking budget → the nearest effort (Chat has no budgets). */
function effortOf(reasoning: ReasoningConfig, notes: Notes): ReasoningEffort | undefined {
  if (!reasoning.enabled) return undefined;
  if (reasoning.effort) return reasoning.effort;
  if (reasoning.budgetTokens === undefined) return "medium";
  const effort: ReasoningEffort = reasoning.budgetTokens <= 2048 ? "low" : reasoning.budgetTokens <= 16384 ? "medium" : "high";
  notes.add(`thinking budget_tokens ${reasoning.budgetTokens}: sent as reasoning_effort "${effort}"`);
  return effort;
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === "tool" ? { type: "function", function: { name: choice.name } } : choice.type;
}

/** The neutral request → a Chat Completions body for an openai-compatible upstream. */
export function encodeChatRequest(request: Request, conversionNotes: ConversionNotes): EncodedRequest {
  const notes = new Notes(conversionNotes);
  const messages: Raw[] = [];
  if (request.system.length) {
    request.system.forEach((part) => notes.cache(part));
    // One string: several system messages or content arrays are not understood everywhere.
    messages.push({ role: "system", content: request.system.map((part) => part.text).join("\n\n") });
  }
  for (const message of request.messages) {
    if (message.role === "user") encodeUserMessage(message, messages, notes);
    else encodeAssistantMessage(message, messages, notes);
  }
  const body: Raw = { model: request.model, messages };
  if (request.tools.length) {
    body.tools = request.tools.map((tool) => {
      notes.cache(tool);
      const fn: Raw = { name: tool.name };
      if (tool.description !== undefined) fn.description = tool.description;
      fn.parameters = tool.parameters;
      if (tool.strict !== undefined) fn.strict = tool.strict;
      return { type: "function", function: fn };
    });
    // OpenAI refuses both fields on a request without tools.
    if (request.toolChoice) body.tool_choice = encodeToolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  } else if (request.toolChoice && request.toolChoice.type !== "none" && request.toolChoice.type !== "auto") {
    throw new UnsupportedFeature("tool_choice without tools", FORMAT);
  }
  // max_tokens, not max_completion_tokens: most compatible servers (vLLM, DeepSeek, Ollama…)
  // only know the older name. OpenAI's reasoning models want the newer one; see index.ts.
  if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) notes.add("top_k: openai-chat has no top_k");
  if (request.stopSequences?.length) body.stop = request.stopSequences;
  if (request.reasoning) {
    const effort = effortOf(request.reasoning, notes);
    if (effort !== undefined) body.reasoning_effort = effort;
  }
  if (request.responseFormat) body.response_format = encodeResponseFormat(request.responseFormat);
  if (request.user !== undefined) body.user = endUserId(request.user);
  if (request.promptCacheKey !== undefined) body.prompt_cache_key = request.promptCacheKey;
  if (request.stream) {
    body.stream = true;
    // Always: the hub bills a stream from its usage chunk, whatever the client asked for.
    body.stream_options = { include_usage: true };
  }
  return { path: CHAT_PATH, search: "", body };
}

/**
 * OpenAI refuses an end-user id over 64 characters, and Claude Code's metadata.user_id is about
 * 150: a longer id goes as its SHA-256 (64 hex characters), which still tells users apart and is
 * what OpenAI recommends sending anyway.
 */
function endUserId(user: string): string {
  return user.length <= 64 ? user : createHash("sha256").update(user).digest("hex");
}

function encodeResponseFormat(format: ResponseFormat): Raw {
  if (format.type !== "json_schema") return { type: format.type };
  // OpenAI requires a name; the neutral model may not have one (Gemini responseSchema).
  const spec: Raw = { name: format.name ?? "response", schema: format.schema };
  if (format.strict !== undefined) spec.strict = format.strict;
  return { type: "json_schema", json_schema: spec };
}
