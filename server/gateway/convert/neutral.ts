/**
 * The neutral model that format conversion goes through (decision 0020). A request, a response
 * or a stream in one wire format is decoded into these shapes and encoded into another, so each
 * format has one decoder and one encoder instead of one converter per pair.
 *
 * The model is close to Anthropic Messages (the richest of the four: thinking signatures,
 * cache breakpoints, documents, tool ids) with the few things Claude cannot say (structured
 * output, reasoning effort, end-user id) as optional fields. A field a target cannot express is
 * dropped by its encoder only when that cannot change the answer, with a note (ConversionNotes);
 * otherwise the encoder throws UnsupportedFeature, which the client receives as a 400.
 *
 * Everything here is plain data (no Buffers, no classes) so fixtures can be compared with
 * toEqual.
 */
import type { ApiFormat } from "../formats/types.ts";

/** A prompt-cache breakpoint (Anthropic cache_control); other targets ignore it. */
export interface CacheBreakpoint {
  ttl?: "5m" | "1h";
}

export type MediaSource =
  | { kind: "base64"; mediaType: string; data: string }
  | { kind: "url"; url: string; mediaType?: string }
  /** Plain text (Anthropic text documents). */
  | { kind: "text"; text: string; mediaType?: string }
  /** A provider-side file id (OpenAI file_id, Gemini fileData.fileUri, Anthropic file source). */
  | { kind: "file"; fileId: string; mediaType?: string };

export interface TextPart {
  type: "text";
  text: string;
  cache?: CacheBreakpoint;
}

export interface ImagePart {
  type: "image";
  source: MediaSource;
  /** OpenAI image detail ("auto" | "low" | "high"); others ignore it. */
  detail?: string;
  cache?: CacheBreakpoint;
}

/** A document (PDF or text) the model should read. */
export interface DocumentPart {
  type: "document";
  source: MediaSource;
  title?: string;
  /** OpenAI input_file filename. */
  filename?: string;
  cache?: CacheBreakpoint;
}

/**
 * Model reasoning. `signature` (Anthropic) or `encrypted` (OpenAI encrypted_content, Gemini
 * thoughtSignature) only means something to the format it came from (`origin`): encoders of
 * another format send the text only, or drop the part when there is no text.
 */
export interface ThinkingPart {
  type: "thinking";
  text: string;
  signature?: string;
  /** Anthropic redacted_thinking data. */
  redacted?: string;
  /** OpenAI reasoning encrypted_content / id, Gemini thoughtSignature. */
  encrypted?: string;
  /** OpenAI Responses reasoning item id, kept for a round trip to the same format. */
  itemId?: string;
  origin?: ApiFormat;
}

export interface ToolCallPart {
  type: "tool_call";
  /** Call id as the source gave it (Gemini has none: encoders make one up, e.g. "call_<n>"). */
  id: string;
  name: string;
  /** The parsed arguments (an object). Unparseable argument text is kept as { _raw: text }. */
  input: Record<string, unknown>;
  /** Gemini thoughtSignature attached to a functionCall part, for a round trip to Gemini. */
  signature?: string;
  cache?: CacheBreakpoint;
}

export interface ToolResultPart {
  type: "tool_result";
  /** The id of the tool_call this answers. */
  callId: string;
  /** The tool's name where the source knows it (Gemini needs it; others look it up by id). */
  name?: string;
  content: Array<TextPart | ImagePart | DocumentPart>;
  isError?: boolean;
  cache?: CacheBreakpoint;
}

export type Part = TextPart | ImagePart | DocumentPart | ThinkingPart | ToolCallPart | ToolResultPart;

export interface Message {
  role: "user" | "assistant";
  parts: Part[];
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (an object schema). Encoders adapt it to what the target accepts. */
  parameters: Record<string, unknown>;
  /** OpenAI strict function calling. */
  strict?: boolean;
  cache?: CacheBreakpoint;
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  /** The model must call some tool (Anthropic "any", OpenAI "required", Gemini mode ANY). */
  | { type: "required" }
  | { type: "tool"; name: string };

export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

/** Thinking / reasoning configuration. */
export interface ReasoningConfig {
  /** false: the client turned thinking off explicitly. */
  enabled: boolean;
  /** Anthropic budget_tokens, Gemini thinkingBudget. */
  budgetTokens?: number;
  /** OpenAI reasoning.effort, Gemini thinkingLevel. */
  effort?: ReasoningEffort;
  /** The client wants the reasoning text back (OpenAI summary, Gemini includeThoughts). */
  includeThoughts?: boolean;
}

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; schema: Record<string, unknown>; strict?: boolean };

export interface Request {
  /** The model to ask the upstream for (already redirected by the provider's rules). */
  model: string;
  /** System prompt / instructions / systemInstruction, as text parts. */
  system: TextPart[];
  messages: Message[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** false: at most one tool call per turn (OpenAI parallel_tool_calls, Anthropic disable_parallel_tool_use). */
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  stream: boolean;
  /** OpenAI Chat clients: stream_options.include_usage (the client wants the usage chunk). */
  includeStreamUsage?: boolean;
  reasoning?: ReasoningConfig;
  responseFormat?: ResponseFormat;
  /** End-user id (Anthropic metadata.user_id, OpenAI user / safety_identifier). */
  user?: string;
  /** OpenAI prompt_cache_key / session hints worth keeping on a same-family target. */
  promptCacheKey?: string;
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal" | "pause_turn" | "content_filter" | "error";

/** Usage in Anthropic's disjoint buckets (the same as usage/usage.ts, plus reasoning tokens). */
export interface NeutralUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  /** Reasoning tokens, included in outputTokens (OpenAI reasoning_tokens, Gemini thoughtsTokenCount). */
  reasoningTokens?: number;
}

export interface Response {
  id: string;
  model: string;
  /** text, thinking and tool_call parts, in the order generated. */
  parts: Part[];
  stopReason: StopReason;
  stopSequence?: string;
  usage: NeutralUsage;
}

/**
 * A stream as a sequence of events. Invariants every decoder keeps and every encoder may rely
 * on: exactly one `start` first; content blocks are sequential (at most one open block; a
 * block's deltas come between its block_start and block_stop; indexes count up from 0);
 * at most one `finish`, after the last block_stop; `error` may come at any point and nothing
 * follows it. A decoder fed a source that interleaves blocks (OpenAI parallel tool-call deltas)
 * reorders them to keep these invariants.
 */
export type StreamEvent =
  | { type: "start"; id: string; model: string; usage?: Partial<NeutralUsage> }
  | { type: "block_start"; index: number; block: { type: "text" } | { type: "thinking" } | { type: "redacted_thinking"; data: string } | { type: "tool_call"; id: string; name: string } }
  | { type: "text_delta"; index: number; text: string }
  | { type: "thinking_delta"; index: number; text: string }
  /** Anthropic signature_delta, OpenAI encrypted_content, Gemini thoughtSignature (for `origin` only). */
  | { type: "signature_delta"; index: number; signature: string; origin: ApiFormat }
  /** A fragment of a tool call's JSON arguments. */
  | { type: "tool_args_delta"; index: number; json: string }
  | { type: "block_stop"; index: number }
  | { type: "finish"; stopReason: StopReason; stopSequence?: string; usage: NeutralUsage }
  | { type: "error"; errorType: string; message: string };
