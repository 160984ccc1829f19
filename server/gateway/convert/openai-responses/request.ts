/**
 * Responses requests ⇄ the neutral request.
 *
 * decode: a client's POST /v1/responses body (Codex CLI, the openai SDK) → neutral. Whatever
 * depends on OpenAI's stored state (previous_response_id, conversation, prompt templates,
 * item_reference, background mode) or on OpenAI's built-in tools cannot be converted and is
 * refused with InvalidRequestBody naming it.
 * encode: neutral → a body for a Responses upstream (`codex` providers), stateless (store:false).
 */
import { createHash } from "node:crypto";
import type { GatewayRoute } from "../../endpoints.ts";
import type { Message, Part, ReasoningConfig, ReasoningEffort, Request, ResponseFormat, ToolCallPart, ToolChoice, ToolDefinition, ToolResultPart } from "../neutral.ts";
import { type ConversionNotes, type EncodedRequest, UnsupportedFeature } from "../types.ts";
import { type ContentPart, decodeContentPart, encodeInputPart, invalid, isObject, optionalString, stringAt } from "./content.ts";
import { thinkingFromItem } from "./reasoning.ts";

type Raw = Record<string, unknown>;

const TARGET = "openai-responses" as const;

// ---------------------------------------------------------------------------------------------
// decode

/** Fields that point at state kept by OpenAI: another upstream cannot see it. */
const STATEFUL_FIELDS = ["previous_response_id", "conversation", "prompt"] as const;

/** Parsed function-call arguments: an object, or the text kept as { _raw } when it is not one. */
export function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed;
  } catch {
    // kept raw below
  }
  return { _raw: text };
}

/** Builds the message list, merging consecutive items of one role into one message. */
class Conversation {
  readonly messages: Message[] = [];

  add(role: Message["role"], part: Part) {
    const last = this.messages[this.messages.length - 1];
    if (last && last.role === role) last.parts.push(part);
    else this.messages.push({ role, parts: [part] });
  }
}

/** The parameters schema of a Codex `custom` (free-form) tool seen as a function: one string. */
function customToolSchema(): Record<string, unknown> {
  return {
    type: "object",
    properties: { input: { type: "string", description: "The raw input of the tool." } },
    required: ["input"],
    additionalProperties: false,
  };
}

function decodeTools(raw: unknown): ToolDefinition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) invalid("tools", "must be an array");
  return raw.map((tool, i): ToolDefinition => {
    const path = `tools[${i}]`;
    if (!isObject(tool)) invalid(path, "must be an object");
    if (tool.type !== "function" && tool.type !== "custom") {
      invalid(`${path}.type`, `the built-in tool ${JSON.stringify(tool.type)} cannot be converted to another format`);
    }
    const name = stringAt(tool.name, `${path}.name`);
    const description = optionalString(tool.description, `${path}.description`);
    if (tool.type === "function") {
      const parameters = tool.parameters ?? { type: "object", properties: {} };
      if (!isObject(parameters)) invalid(`${path}.parameters`, "must be an object");
      const definition: ToolDefinition = { name, parameters };
      if (description !== undefined) definition.description = description;
      if (typeof tool.strict === "boolean") definition.strict = tool.strict;
      return definition;
    }
    // A free-form tool (Codex's apply_patch) becomes a function with one string argument,
    // `input`; its grammar, if any, is told to the model in the description. Calls come back
    // as function_call items with {"input": …}, which Codex's apply_patch handler accepts.
    // The description says how to call it as a function, since the original may say "do not wrap in JSON".
    const format = isObject(tool.format) ? tool.format : undefined;
    let text = description ?? "";
    text += `${text ? "\n\n" : ""}Send the tool's raw input as the string argument \`input\`.`;
    if (format?.type === "grammar" && typeof format.definition === "string") {
      const syntax = typeof format.syntax === "string" ? format.syntax : "grammar";
      text += ` The input must follow this ${syntax} grammar:\n${format.definition}`;
    }
    return { name, description: text, parameters: customToolSchema() };
  });
}

function decodeToolChoice(raw: unknown, tools: ToolDefinition[]): { choice?: ToolChoice; tools: ToolDefinition[] } {
  if (raw === undefined || raw === null) return { tools };
  if (raw === "auto" || raw === "none" || raw === "required") return { choice: { type: raw }, tools };
  if (isObject(raw)) {
    if (raw.type === "function" || raw.type === "custom") return { choice: { type: "tool", name: stringAt(raw.name, "tool_choice.name") }, tools };
    if (raw.type === "allowed_tools") {
      // Only these tools may be called: the same as offering only them.
      if (!Array.isArray(raw.tools)) invalid("tool_choice.tools", "must be an array");
      const allowed = new Set(raw.tools.map((t, i) => (isObject(t) ? stringAt(t.name, `tool_choice.tools[${i}].name`) : invalid(`tool_choice.tools[${i}]`, "must be an object"))));
      const mode = raw.mode === "required" ? "required" : "auto";
      return { choice: { type: mode }, tools: tools.filter((t) => allowed.has(t.name)) };
    }
  }
  return invalid("tool_choice", `${JSON.stringify(raw)} cannot be converted to another format`);
}

const EFFORTS: ReadonlySet<string> = new Set(["minimal", "low", "medium", "high"]);

function decodeReasoning(raw: unknown): ReasoningConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) invalid("reasoning", "must be an object");
  const effort = raw.effort;
  if (effort === "none") return { enabled: false };
  const config: ReasoningConfig = { enabled: true };
  if (typeof effort === "string") {
    // "xhigh" (the newest Codex models) is the highest effort the other formats know.
    if (effort === "xhigh") config.effort = "high";
    else if (EFFORTS.has(effort)) config.effort = effort as ReasoningEffort;
    else invalid("reasoning.effort", `unknown effort ${JSON.stringify(effort)}`);
  }
  const summary = raw.summary !== undefined ? raw.summary : raw.generate_summary;
  if (typeof summary === "string") config.includeThoughts = true;
  else if (summary === null) config.includeThoughts = false;
  return config;
}

function decodeTextFormat(raw: unknown): ResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) invalid("text", "must be an object");
  const format = raw.format;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) invalid("text.format", "must be an object");
  if (format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type === "json_schema") {
    if (!isObject(format.schema)) invalid("text.format.schema", "must be an object");
    const decoded: ResponseFormat = { type: "json_schema", schema: format.schema };
    const name = optionalString(format.name, "text.format.name");
    if (name !== undefined) decoded.name = name;
    if (typeof format.strict === "boolean") decoded.strict = format.strict;
    return decoded;
  }
  return invalid("text.format.type", `unknown format ${JSON.stringify(format.type)}`);
}

function decodeToolOutput(raw: unknown, path: string): ContentPart[] {
  if (typeof raw === "string") return [{ type: "text", text: raw }];
  if (!Array.isArray(raw)) invalid(path, "must be a string or a list of content parts");
  return raw.map((part, i) => decodeContentPart(part, `${path}[${i}]`));
}

/** Item types that only exist with OpenAI's built-in tools or stored state. */
function unconvertibleItem(type: string, path: string): never {
  if (type === "item_reference") invalid(path, "an item_reference points at a stored item, which another upstream cannot see");
  return invalid(`${path}.type`, `input item type ${JSON.stringify(type)} cannot be converted to another format`);
}

function decodeInput(raw: unknown, system: Request["system"]): Message[] {
  const conversation = new Conversation();
  if (typeof raw === "string") {
    conversation.add("user", { type: "text", text: raw });
    return conversation.messages;
  }
  if (raw === undefined || raw === null) return conversation.messages;
  if (!Array.isArray(raw)) invalid("input", "must be a string or an array of items");
  /** Tool names by call id, so a function_call_output can say which tool it answers (Gemini needs it). */
  const names = new Map<string, string>();
  raw.forEach((item, i) => {
    const path = `input[${i}]`;
    if (!isObject(item)) invalid(path, "must be an object");
    const type = item.type ?? (item.role !== undefined ? "message" : undefined);
    switch (type) {
      case "message": {
        const role = item.role;
        const content = item.content;
        const parts: ContentPart[] = typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content.map((part, j) => decodeContentPart(part, `${path}.content[${j}]`)) : invalid(`${path}.content`, "must be a string or an array");
        if (role === "system" || role === "developer") {
          // The neutral request has one system prompt: developer messages join the instructions, in order.
          for (const part of parts) {
            if (part.type !== "text") invalid(`${path}.content`, `a ${role} message can only hold text when converted`);
            system.push(part);
          }
        } else if (role === "user" || role === "assistant") {
          if (role === "assistant" && parts.some((p) => p.type !== "text")) invalid(`${path}.content`, "an assistant message can only hold text");
          for (const part of parts) conversation.add(role, part);
        } else {
          invalid(`${path}.role`, `unknown role ${JSON.stringify(role)}`);
        }
        return;
      }
      case "function_call":
      case "custom_tool_call": {
        const callId = stringAt(item.call_id, `${path}.call_id`);
        const name = stringAt(item.name, `${path}.name`);
        const input = type === "function_call" ? parseArguments(stringAt(item.arguments, `${path}.arguments`)) : { input: stringAt(item.input, `${path}.input`) };
        names.set(callId, name);
        conversation.add("assistant", { type: "tool_call", id: callId, name, input } satisfies ToolCallPart);
        return;
      }
      case "function_call_output":
      case "custom_tool_call_output": {
        const callId = stringAt(item.call_id, `${path}.call_id`);
        const result: ToolResultPart = { type: "tool_result", callId, content: decodeToolOutput(item.output, `${path}.output`) };
        const name = names.get(callId);
        if (name !== undefined) result.name = name;
        conversation.add("user", result);
        return;
      }
      case "reasoning": {
        const summary = item.summary ?? [];
        if (!Array.isArray(summary)) invalid(`${path}.summary`, "must be an array");
        let texts = summary.map((s, j) => (isObject(s) ? stringAt(s.text, `${path}.summary[${j}].text`) : invalid(`${path}.summary[${j}]`, "must be an object")));
        // Raw reasoning text (open-weight models) when there is no summary.
        if (texts.length === 0 && Array.isArray(item.content)) texts = item.content.filter(isObject).map((c) => (typeof c.text === "string" ? c.text : ""));
        const encrypted = optionalString(item.encrypted_content, `${path}.encrypted_content`);
        const id = optionalString(item.id, `${path}.id`);
        conversation.add("assistant", thinkingFromItem(texts.join("\n\n"), id, encrypted));
        return;
      }
      default:
        return unconvertibleItem(String(type), path);
    }
  });
  return conversation.messages;
}

/** A client's Responses request → neutral. Throws InvalidRequestBody. */
export function decodeResponsesRequest(body: Record<string, unknown>, _route?: GatewayRoute, _search?: string): Request {
  for (const field of STATEFUL_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && value !== "") invalid(field, `${field} refers to state stored by OpenAI, which another upstream cannot see; send the whole conversation in input instead`);
  }
  if (body.background === true) invalid("background", "background responses are stored by OpenAI and cannot be converted");
  const model = stringAt(body.model, "model");
  const system: Request["system"] = [];
  const instructions = optionalString(body.instructions, "instructions");
  if (instructions) system.push({ type: "text", text: instructions });
  const messages = decodeInput(body.input, system);
  const { choice, tools } = decodeToolChoice(body.tool_choice, decodeTools(body.tools));
  const request: Request = { model, system, messages, tools, stream: body.stream === true };
  if (choice) request.toolChoice = choice;
  if (typeof body.parallel_tool_calls === "boolean") request.parallelToolCalls = body.parallel_tool_calls;
  if (body.max_output_tokens !== undefined && body.max_output_tokens !== null) {
    if (typeof body.max_output_tokens !== "number" || !Number.isInteger(body.max_output_tokens) || body.max_output_tokens < 1) invalid("max_output_tokens", "must be a positive integer");
    request.maxOutputTokens = body.max_output_tokens;
  }
  if (typeof body.temperature === "number") request.temperature = body.temperature;
  if (typeof body.top_p === "number") request.topP = body.top_p;
  const reasoning = decodeReasoning(body.reasoning);
  if (reasoning) request.reasoning = reasoning;
  const format = decodeTextFormat(body.text);
  if (format) request.responseFormat = format;
  const user = optionalString(body.safety_identifier, "safety_identifier") ?? optionalString(body.user, "user");
  if (user) request.user = user;
  const cacheKey = optionalString(body.prompt_cache_key, "prompt_cache_key");
  if (cacheKey) request.promptCacheKey = cacheKey;
  return request;
}

// ---------------------------------------------------------------------------------------------
// encode

/** OpenAI's limit on safety_identifier and prompt_cache_key. */
const MAX_IDENTIFIER = 64;

/** An identifier within OpenAI's limit: longer ones (Claude Code's JSON user_id) become their SHA-256, stable per user. */
function identifier(value: string): string {
  return value.length <= MAX_IDENTIFIER ? value : createHash("sha256").update(value).digest("hex");
}

/** Thinking budget → effort, for clients that give a budget (Anthropic, Gemini) rather than an effort. */
function effortFor(reasoning: ReasoningConfig): ReasoningEffort {
  if (reasoning.effort) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === undefined) return "medium";
  if (budget < 4096) return "low";
  if (budget < 16384) return "medium";
  return "high";
}

function argumentsText(input: Record<string, unknown>): string {
  const keys = Object.keys(input);
  if (keys.length === 1 && keys[0] === "_raw" && typeof input._raw === "string") return input._raw;
  return JSON.stringify(input);
}

function encodeToolOutput(content: ToolResultPart["content"], notes: Set<string>): string | Raw[] {
  if (content.length === 0) return "";
  if (content.length === 1 && content[0].type === "text") return content[0].text;
  return content.map((part) => encodeInputPart(part, notes));
}

function encodeInput(messages: Message[], notes: Set<string>): Raw[] {
  const items: Raw[] = [];
  for (const message of messages) {
    let pending: Raw[] = [];
    const flush = () => {
      if (pending.length) items.push({ type: "message", role: message.role, content: pending });
      pending = [];
    };
    for (const part of message.parts) {
      switch (part.type) {
        case "text":
          if (part.cache) notes.add("cache_control: openai-responses has no cache breakpoints");
          pending.push(message.role === "assistant" ? { type: "output_text", text: part.text } : { type: "input_text", text: part.text });
          break;
        case "image":
        case "document":
          if (message.role === "assistant") throw new UnsupportedFeature(`${part.type} in an assistant message`, TARGET);
          pending.push(encodeInputPart(part, notes));
          break;
        case "thinking":
          flush();
          if (part.origin === TARGET && part.encrypted) {
            // No id, as Codex CLI sends them (it never serialises a reasoning item's id): with
            // store:false an id makes OpenAI look for a stored item ("Item with id … not found").
            items.push({ type: "reasoning", summary: part.text ? [{ type: "summary_text", text: part.text }] : [], encrypted_content: part.encrypted });
          } else {
            notes.add(`thinking from ${part.origin ?? "an unknown format"}: openai-responses replays only its own encrypted reasoning`);
          }
          break;
        case "tool_call":
          flush();
          if (part.cache) notes.add("cache_control: openai-responses has no cache breakpoints");
          items.push({ type: "function_call", call_id: part.id, name: part.name, arguments: argumentsText(part.input) });
          break;
        case "tool_result":
          flush();
          if (part.cache) notes.add("cache_control: openai-responses has no cache breakpoints");
          if (part.isError) notes.add("tool_result is_error: openai-responses has no error flag (the result is sent as it is)");
          items.push({ type: "function_call_output", call_id: part.callId, output: encodeToolOutput(part.content, notes) });
          break;
      }
    }
    flush();
  }
  return items;
}

function encodeTools(tools: ToolDefinition[], notes: Set<string>): Raw[] {
  return tools.map((tool) => {
    if (tool.cache) notes.add("cache_control: openai-responses has no cache breakpoints");
    const { $schema: _schema, ...parameters } = tool.parameters;
    const encoded: Raw = { type: "function", name: tool.name };
    if (tool.description !== undefined) encoded.description = tool.description;
    encoded.parameters = parameters;
    // Responses functions are strict unless told otherwise, and strict mode refuses most
    // schemas written for other formats: strict only when the client asked for it.
    encoded.strict = tool.strict ?? false;
    return encoded;
  });
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === "tool" ? { type: "function", name: choice.name } : choice.type;
}

function encodeTextFormat(format: ResponseFormat): Raw {
  if (format.type !== "json_schema") return { type: format.type };
  const encoded: Raw = { type: "json_schema", name: format.name ?? "response", schema: format.schema };
  if (format.strict !== undefined) encoded.strict = format.strict;
  return encoded;
}

/** Neutral → a stateless Responses request (POST /v1/responses). Throws UnsupportedFeature; records drops. */
export function encodeResponsesRequest(request: Request, notes: ConversionNotes): EncodedRequest {
  const dropped = new Set<string>();
  const body: Raw = { model: request.model };
  if (request.system.length) {
    if (request.system.some((p) => p.cache)) dropped.add("cache_control: openai-responses has no cache breakpoints");
    body.instructions = request.system.map((p) => p.text).join("\n\n");
  }
  body.input = encodeInput(request.messages, dropped);
  if (request.tools.length) body.tools = encodeTools(request.tools, dropped);
  if (request.toolChoice) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) dropped.add("top_k: openai-responses has no top_k");
  // Stop sequences can cut an answer short; Responses has none. Clients of the hub (Claude
  // Code, the SDKs' agents) do not rely on them, so they are dropped with a note, not refused.
  if (request.stopSequences?.length) dropped.add("stop_sequences: openai-responses has no stop sequences");
  const reasoning = request.reasoning;
  if (reasoning?.enabled) {
    const encoded: Raw = { effort: effortFor(reasoning) };
    if (reasoning.includeThoughts !== false) encoded.summary = "auto";
    body.reasoning = encoded;
    // Stateless: the reasoning comes back encrypted so the next turn can replay it.
    body.include = ["reasoning.encrypted_content"];
  } else if (reasoning && !reasoning.enabled) {
    dropped.add("thinking disabled: openai-responses reasoning models choose their own minimum effort (reasoning not sent)");
  }
  if (request.responseFormat) body.text = { format: encodeTextFormat(request.responseFormat) };
  if (request.user) body.safety_identifier = identifier(request.user);
  if (request.promptCacheKey) body.prompt_cache_key = identifier(request.promptCacheKey);
  body.stream = request.stream;
  body.store = false;
  notes.dropped.push(...dropped);
  return { path: "/v1/responses", search: "", body };
}
