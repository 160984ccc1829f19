/**
 * Gemini generateContent request bodies ⇄ the neutral Request. The model and streaming come from
 * the route (/v1beta/models/{model}:generateContent | :streamGenerateContent), never the body.
 */
import type { GatewayRoute } from "../../endpoints.ts";
import type { ApiFormat } from "../../formats/types.ts";
import type {
  DocumentPart,
  ImagePart,
  MediaSource,
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
import { fromGeminiSchema, toGeminiSchema } from "./schema.ts";
import { encodeThinking } from "./thinking.ts";

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Documented by Google for histories that come from another model (Gemini 3 refuses a tool
 * loop whose functionCall parts lack a thoughtSignature): the validator skips this value.
 */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

/**
 * Gemini 1.x/2.x never validate signatures (and a made-up one is better not shown to them);
 * Gemini 3 and anything newer or unrecognised (an alias) gets the skip value.
 */
const UNSIGNED_MODELS = /(^|\/)gemini-[12](\.|-)/;

/** Gemini accepts at most this many stop sequences. */
const MAX_STOP_SEQUENCES = 5;

/** The call id a decoder gives the n-th functionCall (0-based) of a body that carries none. */
export function geminiCallId(n: number): string {
  return `call_${n}`;
}

// ---------------------------------------------------------------------------------------------
// decode (a Gemini client's request → neutral)
// ---------------------------------------------------------------------------------------------

function fail(message: string): never {
  throw new InvalidRequestBody(message);
}

function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) fail(`${name}: must be a number`);
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(`${name}: must be a string`);
  return value;
}

function mediaSourceFromInline(inline: unknown, where: string): { kind: "base64"; mediaType: string; data: string } {
  if (!isObject(inline) || typeof inline.mimeType !== "string" || typeof inline.data !== "string") {
    fail(`${where}.inlineData: needs a string mimeType and data`);
  }
  return { kind: "base64", mediaType: inline.mimeType, data: inline.data };
}

/** Images become image parts; any other media (PDF, audio, video, text) a document part. */
function mediaPart(source: MediaSource): ImagePart | DocumentPart {
  return source.mediaType?.startsWith("image/") ? { type: "image", source } : { type: "document", source };
}

/** Tracks call ids so that id-less functionResponse parts answer the right functionCall. */
class CallIds {
  private count = 0;
  /** Calls not answered yet, by function name, oldest first. */
  private readonly pending = new Map<string, string[]>();
  /** Every call id seen, for a functionResponse with an id of its own. */
  private readonly names = new Map<string, string>();

  call(name: string, id: string | undefined): string {
    const callId = id || geminiCallId(this.count);
    this.count++;
    const queue = this.pending.get(name) ?? [];
    queue.push(callId);
    this.pending.set(name, queue);
    this.names.set(callId, name);
    return callId;
  }

  answer(name: string, id: string | undefined): string {
    const queue = this.pending.get(name);
    if (id) {
      if (queue) {
        const at = queue.indexOf(id);
        if (at >= 0) queue.splice(at, 1);
      }
      return id;
    }
    const oldest = queue?.shift();
    // A response to a call that is not in the history still needs an id of its own.
    return oldest ?? this.call(name, undefined);
  }
}

function decodeFunctionResponse(response: unknown): { content: TextPart[]; isError?: boolean } {
  if (isObject(response)) {
    const keys = Object.keys(response);
    // Gemini's documented convention: {"output": …} for a result, {"error": …} for a failure.
    if (keys.length === 1 && typeof response.output === "string") return { content: [{ type: "text", text: response.output }] };
    if (keys.length === 1 && typeof response.error === "string") return { content: [{ type: "text", text: response.error }], isError: true };
  }
  return { content: [{ type: "text", text: JSON.stringify(response ?? {}) }] };
}

function decodePart(raw: unknown, where: string, role: "user" | "assistant", ids: CallIds): Part | undefined {
  if (!isObject(raw)) fail(`${where}: must be an object`);
  const signature = optionalString(raw.thoughtSignature, `${where}.thoughtSignature`);
  if (raw.functionCall !== undefined) {
    const call = raw.functionCall;
    if (!isObject(call) || typeof call.name !== "string" || !call.name) fail(`${where}.functionCall: needs a name`);
    if (call.args !== undefined && call.args !== null && !isObject(call.args)) fail(`${where}.functionCall.args: must be an object`);
    const part: ToolCallPart = {
      type: "tool_call",
      id: ids.call(call.name, optionalString(call.id, `${where}.functionCall.id`)),
      name: call.name,
      input: (call.args as Json | undefined) ?? {},
    };
    if (signature) part.signature = signature;
    return part;
  }
  if (raw.functionResponse !== undefined) {
    const result = raw.functionResponse;
    if (!isObject(result) || typeof result.name !== "string" || !result.name) fail(`${where}.functionResponse: needs a name`);
    const { content, isError } = decodeFunctionResponse(result.response);
    const part: ToolResultPart = {
      type: "tool_result",
      callId: ids.answer(result.name, optionalString(result.id, `${where}.functionResponse.id`)),
      name: result.name,
      content,
    };
    if (isError) part.isError = true;
    return part;
  }
  if (raw.inlineData !== undefined) return mediaPart(mediaSourceFromInline(raw.inlineData, where));
  if (raw.fileData !== undefined) {
    const file = raw.fileData;
    if (!isObject(file) || typeof file.fileUri !== "string" || !file.fileUri) fail(`${where}.fileData: needs a fileUri`);
    const mediaType = optionalString(file.mimeType, `${where}.fileData.mimeType`);
    return mediaPart(mediaType ? { kind: "file", fileId: file.fileUri, mediaType } : { kind: "file", fileId: file.fileUri });
  }
  if (raw.text !== undefined) {
    const text = optionalString(raw.text, `${where}.text`) ?? "";
    if (raw.thought === true) {
      const part: ThinkingPart = { type: "thinking", text, origin: "gemini" };
      if (signature) part.encrypted = signature;
      return part;
    }
    // A signature on a plain text part (Gemini 3 puts one on the last part) is not enforced by
    // the API and the neutral text part has no slot for it: it is not kept.
    return role === "assistant" && text === "" ? undefined : { type: "text", text };
  }
  if (raw.thought === true && signature) return { type: "thinking", text: "", encrypted: signature, origin: "gemini" };
  if (raw.executableCode !== undefined || raw.codeExecutionResult !== undefined) fail(`${where}: code execution parts cannot be converted`);
  if (signature) return undefined; // a bare signature part
  return fail(`${where}: unsupported part (expected text, inlineData, fileData, functionCall or functionResponse)`);
}

function decodeSystem(raw: unknown): TextPart[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === "string") return [{ type: "text", text: raw }];
  if (!isObject(raw) || !Array.isArray(raw.parts)) fail("systemInstruction: must be a Content with parts");
  return raw.parts.map((part, i) => {
    if (!isObject(part) || typeof part.text !== "string") fail(`systemInstruction.parts[${i}]: only text parts are supported`);
    return { type: "text", text: part.text } as TextPart;
  });
}

function decodeContents(raw: unknown): Message[] {
  if (!Array.isArray(raw)) fail("contents: must be an array");
  const ids = new CallIds();
  const messages: Message[] = [];
  raw.forEach((content, i) => {
    if (!isObject(content)) fail(`contents[${i}]: must be an object`);
    // "function" is the role older clients gave to turns of function responses.
    const role =
      content.role === undefined || content.role === "user" || content.role === "function"
        ? "user"
        : content.role === "model"
          ? "assistant"
          : fail(`contents[${i}].role: must be "user" or "model"`);
    if (!Array.isArray(content.parts)) fail(`contents[${i}].parts: must be an array`);
    const parts: Part[] = [];
    content.parts.forEach((part, j) => {
      const decoded = decodePart(part, `contents[${i}].parts[${j}]`, role, ids);
      if (decoded) parts.push(decoded);
    });
    messages.push({ role, parts });
  });
  return messages;
}

function decodeTools(raw: unknown): ToolDefinition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) fail("tools: must be an array");
  const tools: ToolDefinition[] = [];
  raw.forEach((tool, i) => {
    if (!isObject(tool)) fail(`tools[${i}]: must be an object`);
    const other = Object.keys(tool).filter((key) => key !== "functionDeclarations");
    if (other.length > 0) fail(`tools[${i}]: ${other.join(", ")} cannot be converted (only functionDeclarations)`);
    if (!Array.isArray(tool.functionDeclarations)) fail(`tools[${i}].functionDeclarations: must be an array`);
    tool.functionDeclarations.forEach((decl, j) => {
      const where = `tools[${i}].functionDeclarations[${j}]`;
      if (!isObject(decl) || typeof decl.name !== "string" || !decl.name) fail(`${where}: needs a name`);
      let parameters: Json;
      if (isObject(decl.parametersJsonSchema)) parameters = decl.parametersJsonSchema;
      else if (isObject(decl.parameters)) parameters = fromGeminiSchema(decl.parameters);
      else parameters = { type: "object", properties: {} };
      const definition: ToolDefinition = { name: decl.name, parameters };
      const description = optionalString(decl.description, `${where}.description`);
      if (description !== undefined) definition.description = description;
      tools.push(definition);
    });
  });
  return tools;
}

function decodeToolConfig(raw: unknown, tools: ToolDefinition[]): { toolChoice?: ToolChoice; tools: ToolDefinition[] } {
  if (!isObject(raw) || !isObject(raw.functionCallingConfig)) return { tools };
  const config = raw.functionCallingConfig;
  const mode = typeof config.mode === "string" ? config.mode.toUpperCase() : "AUTO";
  const allowed = Array.isArray(config.allowedFunctionNames) ? config.allowedFunctionNames.filter((n): n is string => typeof n === "string") : [];
  switch (mode) {
    case "AUTO":
    case "MODE_UNSPECIFIED":
    case "VALIDATED":
      return { toolChoice: { type: "auto" }, tools };
    case "NONE":
      return { toolChoice: { type: "none" }, tools };
    case "ANY":
      if (allowed.length === 1) return { toolChoice: { type: "tool", name: allowed[0] }, tools };
      // Several allowed names: the neutral model has no subset, so only those tools are offered.
      if (allowed.length > 1) return { toolChoice: { type: "required" }, tools: tools.filter((t) => allowed.includes(t.name)) };
      return { toolChoice: { type: "required" }, tools };
    default:
      return fail(`toolConfig.functionCallingConfig.mode: unknown mode ${JSON.stringify(config.mode)}`);
  }
}

const EFFORTS: Record<string, ReasoningEffort> = { MINIMAL: "minimal", LOW: "low", MEDIUM: "medium", HIGH: "high" };

function decodeThinking(raw: unknown): ReasoningConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) fail("generationConfig.thinkingConfig: must be an object");
  const budget = optionalNumber(raw.thinkingBudget, "generationConfig.thinkingConfig.thinkingBudget");
  const level = optionalString(raw.thinkingLevel, "generationConfig.thinkingConfig.thinkingLevel");
  const reasoning: ReasoningConfig = { enabled: budget !== 0 };
  // -1 is "dynamic": thinking on, the model picks the budget.
  if (budget !== undefined && budget > 0) reasoning.budgetTokens = budget;
  if (level !== undefined && level.toUpperCase() !== "THINKING_LEVEL_UNSPECIFIED") {
    const effort = EFFORTS[level.toUpperCase()];
    if (!effort) fail(`generationConfig.thinkingConfig.thinkingLevel: unknown level ${JSON.stringify(level)}`);
    reasoning.effort = effort;
  }
  if (typeof raw.includeThoughts === "boolean") reasoning.includeThoughts = raw.includeThoughts;
  return reasoning;
}

function decodeResponseFormat(config: Json): ResponseFormat | undefined {
  const mime = optionalString(config.responseMimeType, "generationConfig.responseMimeType");
  if (mime === undefined || mime === "text/plain") return undefined;
  if (mime !== "application/json") fail(`generationConfig.responseMimeType: ${mime} cannot be converted (text/plain or application/json)`);
  if (isObject(config.responseJsonSchema)) return { type: "json_schema", schema: config.responseJsonSchema };
  if (isObject(config.responseSchema)) return { type: "json_schema", schema: fromGeminiSchema(config.responseSchema) };
  return { type: "json_object" };
}

function decodeGeneration(raw: unknown, request: Request): void {
  if (raw === undefined || raw === null) return;
  if (!isObject(raw)) fail("generationConfig: must be an object");
  const candidates = optionalNumber(raw.candidateCount, "generationConfig.candidateCount");
  if (candidates !== undefined && candidates > 1) fail("generationConfig.candidateCount: only one candidate can be converted");
  const max = optionalNumber(raw.maxOutputTokens, "generationConfig.maxOutputTokens");
  if (max !== undefined) request.maxOutputTokens = max;
  const temperature = optionalNumber(raw.temperature, "generationConfig.temperature");
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(raw.topP, "generationConfig.topP");
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(raw.topK, "generationConfig.topK");
  if (topK !== undefined) request.topK = topK;
  if (raw.stopSequences !== undefined && raw.stopSequences !== null) {
    if (!Array.isArray(raw.stopSequences) || !raw.stopSequences.every((s) => typeof s === "string")) fail("generationConfig.stopSequences: must be an array of strings");
    if (raw.stopSequences.length > 0) request.stopSequences = raw.stopSequences as string[];
  }
  const reasoning = decodeThinking(raw.thinkingConfig);
  if (reasoning) request.reasoning = reasoning;
  const format = decodeResponseFormat(raw);
  if (format) request.responseFormat = format;
}

/** A Gemini request body (already parsed) → neutral. The model and streaming come from the route. */
export function decodeGeminiRequest(body: Record<string, unknown>, model: string | undefined, stream: boolean): Request {
  if (!model) fail("the model is missing from the path");
  if (body.cachedContent !== undefined && body.cachedContent !== null) fail("cachedContent: a Gemini context cache cannot be converted for another upstream");
  const declared = decodeTools(body.tools);
  const { toolChoice, tools } = decodeToolConfig(body.toolConfig, declared);
  const request: Request = {
    model,
    system: decodeSystem(body.systemInstruction),
    messages: decodeContents(body.contents),
    tools,
    stream,
  };
  if (toolChoice) request.toolChoice = toolChoice;
  decodeGeneration(body.generationConfig, request);
  return request;
}

export function decodeRequest(body: Record<string, unknown>, route: GatewayRoute, _search: string): Request {
  return decodeGeminiRequest(body, route.model, route.stream === true);
}

// ---------------------------------------------------------------------------------------------
// encode (neutral → a request for a Gemini upstream)
// ---------------------------------------------------------------------------------------------

const EXTENSION_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
};

function mediaTypeOfUrl(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0];
  const dot = path.lastIndexOf(".");
  return dot < 0 ? undefined : EXTENSION_TYPES[path.slice(dot + 1).toLowerCase()];
}

class Encoder {
  private cacheNoted = false;
  private thinkingNoted = false;
  /** Tool names by call id, for tool results that do not carry one. */
  private readonly callNames = new Map<string, string>();

  constructor(
    private readonly notes: ConversionNotes,
    private readonly target: ApiFormat,
    /** Whether signature-less function calls get SKIP_SIGNATURE (see UNSIGNED_MODELS). */
    private readonly signCalls: boolean,
  ) {}

  note(text: string) {
    if (!this.notes.dropped.includes(text)) this.notes.dropped.push(text);
  }

  cache(part: { cache?: unknown }) {
    if (part.cache && !this.cacheNoted) {
      this.cacheNoted = true;
      this.note("cache breakpoints: gemini has no cache_control");
    }
  }

  media(source: MediaSource, what: string): Json {
    switch (source.kind) {
      case "base64":
        return { inlineData: { mimeType: source.mediaType, data: source.data } };
      case "text":
        return { text: source.text };
      case "url": {
        // A data: URL (what OpenAI clients send for local images) is inline data.
        const data = /^data:([^;,]+);base64,/.exec(source.url);
        if (data) return { inlineData: { mimeType: data[1], data: source.url.slice(data[0].length) } };
        // Gemini fetches http(s) URLs given as fileData (it needs the media type).
        const mimeType = source.mediaType ?? mediaTypeOfUrl(source.url);
        if (!mimeType) throw new UnsupportedFeature(`${what} URL without a known media type`, this.target);
        return { fileData: { mimeType, fileUri: source.url } };
      }
      case "file": {
        // Only Gemini's own file URIs (https://…/files/… or gs://…) mean something to Gemini.
        if (!/^(https:\/\/|gs:\/\/)/.test(source.fileId)) throw new UnsupportedFeature(`${what} file id from another provider`, this.target);
        const file: Json = { fileUri: source.fileId };
        if (source.mediaType) file.mimeType = source.mediaType;
        return { fileData: file };
      }
    }
  }

  contentPart(part: TextPart | ImagePart | DocumentPart): Json {
    this.cache(part);
    if (part.type === "text") return { text: part.text };
    if (part.type === "image") {
      if (part.detail) this.note("image detail: gemini has no detail setting");
      return this.media(part.source, "image");
    }
    if (part.source.kind === "text") {
      return { text: part.title ? `${part.title}\n\n${part.source.text}` : part.source.text };
    }
    return this.media(part.source, "document");
  }

  /** One neutral part → Gemini parts (none, one, or a function response and its media). */
  parts(part: Part, out: Json[]) {
    switch (part.type) {
      case "text":
        this.cache(part);
        // Gemini refuses an empty text part.
        if (part.text !== "") out.push({ text: part.text });
        return;
      case "image":
      case "document":
        out.push(this.contentPart(part));
        return;
      case "thinking": {
        if (part.origin !== "gemini") {
          if (!this.thinkingNoted) {
            this.thinkingNoted = true;
            this.note("thinking from another format: gemini cannot take it back");
          }
          return;
        }
        if (part.text === "" && !part.encrypted) return;
        const encoded: Json = { text: part.text, thought: true };
        if (part.encrypted) encoded.thoughtSignature = part.encrypted;
        out.push(encoded);
        return;
      }
      case "tool_call": {
        this.cache(part);
        this.callNames.set(part.id, part.name);
        const encoded: Json = { functionCall: { name: part.name, args: part.input, id: part.id } };
        if (part.signature) encoded.thoughtSignature = part.signature;
        out.push(encoded);
        return;
      }
      case "tool_result": {
        this.cache(part);
        const name = part.name ?? this.callNames.get(part.callId);
        if (!name) throw new UnsupportedFeature(`a tool result for an unknown call (${part.callId})`, this.target);
        const text = part.content
          .filter((c): c is TextPart => c.type === "text")
          .map((c) => c.text)
          .join("\n");
        const response = part.isError ? { error: text } : { output: text };
        out.push({ functionResponse: { name, response, id: part.callId } });
        // Media a tool returned follow the response in the same turn (Gemini's functionResponse
        // has no media slot on most models).
        for (const item of part.content) if (item.type !== "text") out.push(this.contentPart(item));
        return;
      }
    }
  }

  contents(messages: Message[]): Json[] {
    const contents: Json[] = [];
    for (const message of messages) {
      const role = message.role === "assistant" ? "model" : "user";
      const parts: Json[] = [];
      for (const part of message.parts) this.parts(part, parts);
      if (message.role === "assistant" && this.signCalls) this.signFirstCall(parts);
      if (parts.length === 0) continue;
      // Gemini wants alternating turns; consecutive messages of one role become one turn.
      const last = contents[contents.length - 1];
      if (last && last.role === role) (last.parts as Json[]).push(...parts);
      else contents.push({ role, parts });
    }
    return contents;
  }

  /** Gemini 3 refuses function calls without a signature; history from elsewhere gets Google's skip value. */
  signFirstCall(parts: Json[]) {
    const calls = parts.filter((p) => p.functionCall !== undefined);
    if (calls.length > 0 && !calls.some((p) => typeof p.thoughtSignature === "string")) calls[0].thoughtSignature = SKIP_SIGNATURE;
  }

  tools(tools: ToolDefinition[]): Json[] | undefined {
    if (tools.length === 0) return undefined;
    const removed = new Set<string>();
    const declarations = tools.map((tool) => {
      this.cache(tool);
      const declaration: Json = { name: tool.name };
      if (tool.description !== undefined) declaration.description = tool.description;
      const parameters = toGeminiSchema(tool.parameters, removed);
      // An object schema without properties is refused by Gemini: a tool without arguments has no parameters.
      if (!(parameters.type === "object" && (!isObject(parameters.properties) || Object.keys(parameters.properties).length === 0))) declaration.parameters = parameters;
      return declaration;
    });
    if (removed.size > 0) this.note(`tool schema keywords gemini refuses: ${[...removed].sort().join(", ")}`);
    if (tools.some((t) => t.strict)) this.note("strict function calling: gemini has no strict mode");
    return [{ functionDeclarations: declarations }];
  }
}

function encodeToolChoice(choice: ToolChoice): Json {
  switch (choice.type) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    case "tool":
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
  }
}

/** The body of a Gemini generateContent request (also the `request` of a Code Assist one). */
export function encodeGeminiBody(request: Request, notes: ConversionNotes, target: ApiFormat): Json {
  const encoder = new Encoder(notes, target, !UNSIGNED_MODELS.test(request.model));
  const system = request.system.length > 0 ? { parts: request.system.map((part) => encoder.contentPart(part)) } : undefined;
  const body: Json = { contents: encoder.contents(request.messages) };
  if (system) body.systemInstruction = system;
  const tools = encoder.tools(request.tools);
  if (tools) body.tools = tools;
  if (request.toolChoice && (tools || request.toolChoice.type === "none")) body.toolConfig = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls === false) encoder.note("parallel_tool_calls=false: gemini has no switch for it");
  if (request.user !== undefined) encoder.note("user id: gemini has no end-user field");
  if (request.promptCacheKey !== undefined) encoder.note("prompt_cache_key: gemini has no cache key");

  const generation: Json = {};
  if (request.maxOutputTokens !== undefined) generation.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) generation.temperature = request.temperature;
  if (request.topP !== undefined) generation.topP = request.topP;
  if (request.topK !== undefined) generation.topK = request.topK;
  if (request.stopSequences && request.stopSequences.length > 0) {
    if (request.stopSequences.length > MAX_STOP_SEQUENCES) throw new UnsupportedFeature(`more than ${MAX_STOP_SEQUENCES} stop sequences`, target);
    generation.stopSequences = request.stopSequences;
  }
  const format = request.responseFormat;
  if (format && format.type !== "text") {
    generation.responseMimeType = "application/json";
    if (format.type === "json_schema") {
      const removed = new Set<string>();
      generation.responseSchema = toGeminiSchema(format.schema, removed);
      if (removed.size > 0) encoder.note(`response schema keywords gemini refuses: ${[...removed].sort().join(", ")}`);
    }
  }
  if (request.reasoning) {
    const thinking = encodeThinking(request.reasoning, bareModel(request.model), (text) => encoder.note(text));
    if (thinking) generation.thinkingConfig = thinking;
  }
  if (Object.keys(generation).length > 0) body.generationConfig = generation;
  return body;
}

/** The model id as it goes in a path (a "models/" prefix is the path's own). */
export function bareModel(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}

export function encodeRequest(request: Request, notes: ConversionNotes): EncodedRequest {
  const method = request.stream ? "streamGenerateContent" : "generateContent";
  return {
    path: `/v1beta/models/${encodeURIComponent(bareModel(request.model))}:${method}`,
    search: request.stream ? "?alt=sse" : "",
    body: encodeGeminiBody(request, notes, "gemini"),
  };
}
