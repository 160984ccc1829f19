/**
 * Anthropic Messages requests ⇄ the neutral request: decodeRequest reads what a Claude client
 * sent (/v1/messages), encodeRequest builds the body for an Anthropic upstream.
 */
import type { GatewayRoute } from "../../endpoints.ts";
import type { Message, ReasoningConfig, ReasoningEffort, Request, ResponseFormat, TextPart, ToolChoice, ToolDefinition } from "../neutral.ts";
import { InvalidRequestBody, type ConversionNotes, type EncodedRequest } from "../types.ts";
import { decodeCache, decodeContent, decodeTextBlock, encodeCache, encodePart, encodeText, isObject, note, TOOL_SEARCH_NAMES, type Json } from "./content.ts";

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

function optionalNumber(body: Json, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new InvalidRequestBody(`${field}: must be a number`);
  return value;
}

function decodeSystem(system: unknown): TextPart[] {
  if (system === undefined || system === null) return [];
  if (typeof system === "string") return system === "" ? [] : [{ type: "text", text: system }];
  if (!Array.isArray(system)) throw new InvalidRequestBody("system: must be a string or an array of text blocks");
  return system.map((block, i) => {
    if (!isObject(block) || block.type !== "text") throw new InvalidRequestBody(`system[${i}]: must be a text block`);
    return decodeTextBlock(block, `system[${i}]`);
  });
}

/** A tool definition, or undefined for tool search (deferred tools are simply all defined). */
function decodeTool(tool: unknown, i: number): ToolDefinition | undefined {
  const at = `tools[${i}]`;
  if (!isObject(tool)) throw new InvalidRequestBody(`${at}: must be an object`);
  if (typeof tool.name !== "string" || tool.name === "") throw new InvalidRequestBody(`${at}.name: must be a non-empty string`);
  if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") {
    if (TOOL_SEARCH_NAMES.has(tool.name)) return undefined;
    // Anthropic's server tools (web_search_20250305, bash_20250124, text_editor_…) have no
    // schema in the request; they are kept by name only, with an empty object schema, and
    // whether a target can run them is the target encoder's call.
    return { name: tool.name, parameters: { type: "object", properties: {} } };
  }
  if (!isObject(tool.input_schema)) throw new InvalidRequestBody(`${at}.input_schema: must be an object`);
  const definition: ToolDefinition = { name: tool.name, parameters: tool.input_schema };
  if (typeof tool.description === "string") definition.description = tool.description;
  if (tool.strict === true) definition.strict = true;
  const cache = decodeCache(tool, at);
  if (cache) definition.cache = cache;
  return definition;
}

function decodeToolChoice(choice: unknown): { toolChoice?: ToolChoice; parallel?: boolean } {
  if (choice === undefined || choice === null) return {};
  if (!isObject(choice)) throw new InvalidRequestBody("tool_choice: must be an object");
  const parallel = choice.disable_parallel_tool_use === true ? false : undefined;
  switch (choice.type) {
    case "auto":
      return { toolChoice: { type: "auto" }, parallel };
    case "any":
      return { toolChoice: { type: "required" }, parallel };
    case "none":
      return { toolChoice: { type: "none" }, parallel };
    case "tool":
      if (typeof choice.name !== "string") throw new InvalidRequestBody("tool_choice.name: must be a string");
      return { toolChoice: { type: "tool", name: choice.name }, parallel };
    default:
      throw new InvalidRequestBody('tool_choice.type: must be "auto", "any", "tool" or "none"');
  }
}

/** output_config.effort; Anthropic's levels above "high" are "high" in the neutral scale. */
const EFFORTS: Record<string, ReasoningEffort> = { low: "low", medium: "medium", high: "high", xhigh: "high", max: "high" };

function decodeReasoning(thinking: unknown, effortValue: unknown): ReasoningConfig | undefined {
  let effort: ReasoningEffort | undefined;
  if (effortValue !== undefined && effortValue !== null) {
    effort = typeof effortValue === "string" ? EFFORTS[effortValue] : undefined;
    if (!effort) throw new InvalidRequestBody('output_config.effort: must be "low", "medium", "high", "xhigh" or "max"');
  }
  if (thinking === undefined || thinking === null) return effort ? { enabled: true, effort } : undefined;
  if (!isObject(thinking)) throw new InvalidRequestBody("thinking: must be an object");
  let config: ReasoningConfig;
  switch (thinking.type) {
    case "disabled":
      return { enabled: false };
    case "enabled": {
      const budget = thinking.budget_tokens;
      if (typeof budget !== "number" || !Number.isInteger(budget) || budget < 0) throw new InvalidRequestBody("thinking.budget_tokens: must be a non-negative integer");
      config = { enabled: true, budgetTokens: budget };
      break;
    }
    case "adaptive":
      config = { enabled: true };
      break;
    default:
      throw new InvalidRequestBody('thinking.type: must be "enabled", "disabled" or "adaptive"');
  }
  if (effort) config.effort = effort;
  // display "omitted" returns signatures without text: the client does not want the reasoning.
  config.includeThoughts = thinking.display !== "omitted";
  return config;
}

function decodeResponseFormat(body: Json): ResponseFormat | undefined {
  const config = isObject(body.output_config) ? body.output_config : undefined;
  // output_format is the deprecated (beta) spelling of output_config.format.
  const format = config?.format ?? body.output_format;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format) || format.type !== "json_schema" || !isObject(format.schema)) {
    throw new InvalidRequestBody('output_config.format: must be {"type":"json_schema","schema":{…}}');
  }
  return { type: "json_schema", schema: format.schema };
}

export function decodeClaudeRequest(body: Json, _route: GatewayRoute, _search: string): Request {
  if (typeof body.model !== "string" || body.model === "") throw new InvalidRequestBody("model: must be a non-empty string");
  if (!Array.isArray(body.messages)) throw new InvalidRequestBody("messages: must be an array");

  // Remote MCP servers are tools Anthropic calls itself; another vendor cannot reach them.
  if (Array.isArray(body.mcp_servers) && body.mcp_servers.length) throw new InvalidRequestBody("mcp_servers: Anthropic's remote MCP servers cannot be converted to another format");
  const system = decodeSystem(body.system);
  const toolNames = new Map<string, string>();
  const messages: Message[] = [];
  body.messages.forEach((message, i) => {
    if (!isObject(message)) throw new InvalidRequestBody(`messages[${i}]: must be an object`);
    const parts = decodeContent(message.content, `messages[${i}].content`, toolNames);
    if (message.role === "system") {
      // The API accepts system-role messages; the neutral model has one system prompt, so their
      // text joins it (in order).
      for (const part of parts) {
        if (part.type !== "text") throw new InvalidRequestBody(`messages[${i}]: a system message may hold text only`);
        system.push(part);
      }
      return;
    }
    if (message.role !== "user" && message.role !== "assistant") throw new InvalidRequestBody(`messages[${i}].role: must be "user" or "assistant"`);
    messages.push({ role: message.role, parts });
  });

  if (body.tools !== undefined && body.tools !== null && !Array.isArray(body.tools)) throw new InvalidRequestBody("tools: must be an array");
  const tools: ToolDefinition[] = [];
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, i) => {
      const definition = decodeTool(tool, i);
      if (definition) tools.push(definition);
    });
  }
  const { toolChoice, parallel } = decodeToolChoice(body.tool_choice);

  const request: Request = { model: body.model, system, messages, tools, stream: body.stream === true };
  if (toolChoice) request.toolChoice = toolChoice;
  if (parallel !== undefined) request.parallelToolCalls = parallel;

  const maxTokens = optionalNumber(body, "max_tokens");
  if (maxTokens !== undefined) {
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new InvalidRequestBody("max_tokens: must be a positive integer");
    request.maxOutputTokens = maxTokens;
  }
  const temperature = optionalNumber(body, "temperature");
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, "top_p");
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(body, "top_k");
  if (topK !== undefined) request.topK = topK;

  if (body.stop_sequences !== undefined && body.stop_sequences !== null) {
    if (!Array.isArray(body.stop_sequences) || !body.stop_sequences.every((s) => typeof s === "string")) {
      throw new InvalidRequestBody("stop_sequences: must be an array of strings");
    }
    if (body.stop_sequences.length) request.stopSequences = body.stop_sequences as string[];
  }

  const reasoning = decodeReasoning(body.thinking, isObject(body.output_config) ? body.output_config.effort : undefined);
  if (reasoning) request.reasoning = reasoning;
  const responseFormat = decodeResponseFormat(body);
  if (responseFormat) request.responseFormat = responseFormat;
  if (isObject(body.metadata) && typeof body.metadata.user_id === "string") request.user = body.metadata.user_id;
  return request;
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** max_tokens when the neutral request has none (Anthropic requires it). */
export const DEFAULT_MAX_TOKENS = 8192;
/** max_tokens when thinking is on and the request has none: room for the budget and an answer. */
export const DEFAULT_MAX_TOKENS_THINKING = 32000;
/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;
/** Thinking budget for a reasoning effort given without a budget (OpenAI reasoning_effort). */
export const EFFORT_BUDGET: Record<ReasoningEffort, number> = { minimal: 1024, low: 4096, medium: 10000, high: 24000 };
/** The user turn put first when a conversation starts with the assistant (Anthropic requires a user turn first). */
export const LEADING_USER_TEXT = ".";

interface ClaudeMessage {
  role: "user" | "assistant";
  content: Json[];
}

/** Neutral messages → Anthropic's strictly alternating user/assistant list, starting with user. */
function encodeMessages(messages: readonly Message[], notes: ConversionNotes): ClaudeMessage[] {
  const out: ClaudeMessage[] = [];
  for (const message of messages) {
    const blocks: Json[] = [];
    for (const part of message.parts) {
      const block = encodePart(part, notes);
      if (block) blocks.push(block);
    }
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    // Consecutive turns of one role (e.g. OpenAI's tool messages followed by a user message)
    // become one turn.
    if (last && last.role === message.role) last.content.push(...blocks);
    else out.push({ role: message.role, content: blocks });
  }
  for (const message of out) {
    // Tool results must open the user turn that follows the tool calls.
    if (message.role === "user" && message.content.some((b) => b.type === "tool_result")) {
      message.content.sort((a, b) => Number(b.type === "tool_result") - Number(a.type === "tool_result"));
    }
  }
  // A prefill (the conversation ends with the assistant) may not end with whitespace.
  const last = out[out.length - 1];
  const tail = last?.role === "assistant" ? last.content[last.content.length - 1] : undefined;
  if (tail?.type === "text" && typeof tail.text === "string" && tail.text !== tail.text.trimEnd()) {
    tail.text = tail.text.trimEnd();
    note(notes, "trailing whitespace of the assistant prefill: Anthropic refuses it");
    if (tail.text === "") last.content.pop();
    if (last.content.length === 0) out.pop();
  }
  if (out.length && out[0].role === "assistant") {
    out.unshift({ role: "user", content: [{ type: "text", text: LEADING_USER_TEXT }] });
    note(notes, "a conversation starting with the assistant: Anthropic requires a user turn first, one was added");
  }
  return out;
}

/**
 * True when the request continues a tool round whose assistant turn has no thinking block first:
 * Anthropic refuses thinking then ("Expected `thinking` or `redacted_thinking`, but found
 * `tool_use`"), which is what happens after reasoning from another vendor was dropped.
 */
function toolRoundWithoutThinking(messages: readonly ClaudeMessage[]): boolean {
  const last = messages[messages.length - 1];
  if (!last || last.role !== "user" || !last.content.some((b) => b.type === "tool_result")) return false;
  const assistant = messages[messages.length - 2];
  if (!assistant) return false;
  const first = assistant.content[0]?.type;
  return first !== "thinking" && first !== "redacted_thinking";
}

function encodeToolChoice(request: Request): Json | undefined {
  const noParallel = request.parallelToolCalls === false;
  const choice = request.toolChoice;
  let out: Json | undefined;
  if (!choice || choice.type === "auto") out = choice || noParallel ? { type: "auto" } : undefined;
  else if (choice.type === "none") return { type: "none" };
  else if (choice.type === "required") out = { type: "any" };
  else out = { type: "tool", name: choice.name };
  if (out && noParallel) out.disable_parallel_tool_use = true;
  return out;
}

interface Thinking {
  budget: number;
  maxTokens: number;
}

/**
 * The thinking budget and max_tokens, or undefined when thinking stays off. The budget comes
 * from the request, else from its effort (EFFORT_BUDGET), never under Anthropic's minimum; it
 * must stay under max_tokens, so a client limit too small for any budget turns thinking off.
 */
function planThinking(request: Request, notes: ConversionNotes): Thinking | undefined {
  const reasoning = request.reasoning;
  if (!reasoning?.enabled) return undefined;
  let budget = Math.max(MIN_THINKING_BUDGET, reasoning.budgetTokens ?? EFFORT_BUDGET[reasoning.effort ?? "medium"]);
  const maxTokens = request.maxOutputTokens ?? Math.max(DEFAULT_MAX_TOKENS_THINKING, budget + DEFAULT_MAX_TOKENS);
  if (budget >= maxTokens) {
    if (maxTokens - 1 < MIN_THINKING_BUDGET) {
      note(notes, `thinking: off, the output limit ${maxTokens} leaves no room for Anthropic's minimum budget of ${MIN_THINKING_BUDGET}`);
      return undefined;
    }
    budget = maxTokens - 1;
  }
  return { budget, maxTokens };
}

export function encodeClaudeRequest(request: Request, notes: ConversionNotes): EncodedRequest {
  const messages = encodeMessages(request.messages, notes);
  const tools = request.tools.map((tool) => {
    // Anthropic requires an object schema; an empty parameter list still needs its type.
    const schema = tool.parameters.type === undefined ? { type: "object", properties: {}, ...tool.parameters } : tool.parameters;
    const out: Json = { name: tool.name };
    if (tool.description !== undefined) out.description = tool.description;
    out.input_schema = schema;
    if (tool.strict) out.strict = true;
    const control = encodeCache(tool.cache);
    if (control) out.cache_control = control;
    return out;
  });

  let thinking = planThinking(request, notes);
  const choice = request.toolChoice?.type;
  if (thinking && (choice === "required" || choice === "tool")) {
    note(notes, "thinking: off, Anthropic cannot think while a tool call is forced");
    thinking = undefined;
  }
  if (thinking && toolRoundWithoutThinking(messages)) {
    note(notes, "thinking: off for this tool round, its assistant turn has no Anthropic thinking block");
    thinking = undefined;
  }

  const body: Json = { model: request.model, max_tokens: thinking?.maxTokens ?? request.maxOutputTokens ?? DEFAULT_MAX_TOKENS };
  if (request.system.length) {
    const system = request.system.filter((p) => p.text !== "");
    if (system.length === 1 && !system[0].cache) body.system = system[0].text;
    else if (system.length) body.system = system.map(encodeText);
  }
  body.messages = messages;
  if (tools.length) {
    body.tools = tools;
    const toolChoice = encodeToolChoice(request);
    if (toolChoice) body.tool_choice = toolChoice;
  }
  if (thinking) body.thinking = { type: "enabled", budget_tokens: thinking.budget };
  else if (request.reasoning?.enabled === false) body.thinking = { type: "disabled" };

  if (request.temperature !== undefined) {
    if (thinking) note(notes, "temperature: Anthropic refuses it while thinking");
    else if (request.temperature > 1) {
      note(notes, `temperature ${request.temperature}: lowered to Anthropic's maximum of 1`);
      body.temperature = 1;
    } else body.temperature = request.temperature;
  }
  if (request.topP !== undefined) {
    // With thinking, Anthropic accepts top_p only from 0.95 up.
    if (thinking && request.topP < 0.95) note(notes, "top_p: Anthropic accepts only 0.95 to 1 while thinking");
    else body.top_p = request.topP;
  }
  if (request.topK !== undefined) {
    if (thinking) note(notes, "top_k: Anthropic refuses it while thinking");
    else body.top_k = request.topK;
  }
  if (request.stopSequences?.length) body.stop_sequences = request.stopSequences;
  if (request.user !== undefined) body.metadata = { user_id: request.user };

  const format = request.responseFormat;
  if (format?.type === "json_schema") body.output_config = { format: { type: "json_schema", schema: format.schema } };
  // OpenAI's JSON mode requires the prompt itself to ask for JSON, so without it the answer is
  // still JSON in practice; Anthropic has no schema-less JSON mode.
  else if (format?.type === "json_object") note(notes, "response_format json_object: Anthropic has no JSON mode without a schema (the prompt asks for JSON)");
  if (request.promptCacheKey !== undefined) note(notes, "prompt_cache_key: Anthropic caches by breakpoints instead");
  if (request.stream) body.stream = true;
  return { path: "/v1/messages", search: "", body };
}
