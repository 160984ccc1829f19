/**
 * Behaviours: what the fake upstream does with one request.
 *
 * A behaviour is a plain JSON-serialisable object so that the same value can be passed to
 * `enqueue()` in-process, sent as the `x-fake-behaviour` request header, or POSTed to
 * `/__fake/enqueue` by an out-of-process test (Playwright).
 *
 * Every kind shares the {@link ResponseShape} options (text, usage, tool call, gzip…), so a fault
 * can be combined with a configured answer: e.g. a `truncated-stream` that still carries the
 * usage you want to see billed, or a `stall-mid-stream` over a gzip-compressed stream.
 */

/**
 * Token counts, in vendor-neutral terms. Each wire format derives its own usage object:
 *
 * | field                   | Anthropic                          | OpenAI Chat / Responses              | Gemini                          |
 * |-------------------------|------------------------------------|--------------------------------------|---------------------------------|
 * | inputTokens             | `input_tokens`                     | part of `prompt_tokens`/`input_tokens` | part of `promptTokenCount`    |
 * | cacheCreation5m/1hTokens| `cache_creation.ephemeral_*` (+sum)| part of prompt (no cache-write field) | part of `promptTokenCount`     |
 * | cacheReadTokens         | `cache_read_input_tokens`          | `*_tokens_details.cached_tokens` (+ in prompt) | `cachedContentTokenCount` (+ in prompt) |
 * | outputTokens            | `output_tokens`                    | `completion_tokens`/`output_tokens`  | `candidatesTokenCount + thoughtsTokenCount` |
 * | reasoningTokens         | (inside output_tokens)             | `*_tokens_details.reasoning_tokens`  | `thoughtsTokenCount`            |
 *
 * So the *billable* totals are the same in every format, which lets one test compare the hub's
 * cost for the same upstream answer across formats.
 */
export interface UsageSpec {
  /** Uncached, non-cache-write input tokens (Anthropic `input_tokens` semantics). Default 25. */
  inputTokens?: number;
  /** All output tokens, reasoning included (as Anthropic and OpenAI count them). Default 10. */
  outputTokens?: number;
  /** Prompt-cache writes with the 5-minute TTL. Default 0. */
  cacheCreation5mTokens?: number;
  /** Prompt-cache writes with the 1-hour TTL. Default 0. */
  cacheCreation1hTokens?: number;
  /** Prompt-cache reads. Default 0. */
  cacheReadTokens?: number;
  /** The part of `outputTokens` spent on reasoning/thinking. Default 0. */
  reasoningTokens?: number;
}

/** A single function/tool call the fake "model" makes after its text. */
export interface ToolCallSpec {
  /** Tool (function) name. */
  name: string;
  /** Arguments object; streamed as JSON pieces where the format streams arguments. */
  input: Record<string, unknown>;
  /** Call id. Default: a generated `toolu_…` (Anthropic) or `call_…` (OpenAI) id. */
  id?: string;
}

/** Options that shape the answer. Every behaviour kind accepts them. */
export interface ResponseShape {
  /** The assistant text. Default "Hello from the fake upstream.". Empty string = no text block. */
  text?: string;
  /**
   * Number of text delta events the text is split into (nearly equal pieces). Default 3.
   * Clamped to the text length so that no delta is empty.
   */
  chunks?: number;
  /** Delay in ms before each text delta after the first. Default 0 (written back to back). */
  chunkDelayMs?: number;
  /** Token counts reported by the answer. See {@link UsageSpec}. */
  usage?: UsageSpec;
  /** Make the model call a tool after its text (Anthropic `tool_use`, OpenAI `tool_calls`/`function_call`, Gemini `functionCall`). */
  toolCall?: ToolCallSpec;
  /**
   * Reasoning text. Anthropic: a `thinking` block (thinking_delta… then signature_delta) before
   * the text; Responses: a `reasoning` item with a summary; Chat: `reasoning_content` deltas
   * (DeepSeek-style, what relays send); Gemini: a `thought: true` part.
   */
  thinking?: string;
  /** Model name reported in the answer. Default: the requested model. */
  model?: string;
  /** Answer of count-tokens endpoints. Default: ceil(request body bytes / 4). */
  countTokens?: number;
  /** Extra response headers (e.g. `anthropic-ratelimit-*`). */
  headers?: Record<string, string>;
  /**
   * Compress the response body with gzip (`content-encoding: gzip`), JSON and streams alike;
   * streams are flushed after every event so they still arrive incrementally.
   */
  gzip?: boolean;
  /**
   * Only for the Responses WebSocket transport: a behaviour marked `'websocket-upgrade'` is
   * consumed by the upgrade handshake (`GET /v1/responses` + `Upgrade: websocket`) instead of by
   * a `response.create` frame. Use it with `status` (e.g. 426, to make the hub fall back to
   * HTTP), `reset-before-headers` or `stall-before-headers`. Handshakes only take such a
   * behaviour from the queue; otherwise they are accepted without consuming anything.
   */
  appliesTo?: 'request' | 'websocket-upgrade';
}

/** Fields shared by the behaviours that produce an error in the vendor's own envelope. */
export interface ErrorSpec {
  /**
   * HTTP status the error stands for; selects the vendor's error type and a realistic default
   * message (e.g. 429 → Anthropic `rate_limit_error`, OpenAI `rate_limit_exceeded`, Google
   * `RESOURCE_EXHAUSTED`; 529 → Anthropic `overloaded_error`).
   */
  status?: number;
  /** Error message, e.g. "prompt is too long: 210000 tokens > 200000 maximum". */
  message?: string;
  /** Override of the vendor error type (Anthropic `error.type`, OpenAI `error.type`, Google `error.status`). */
  errorType?: string;
  /** Override of the OpenAI `error.code` / Responses `response.error.code` (e.g. "context_length_exceeded"). */
  code?: string | null;
}

/** A normal, successful answer (the default when `kind` is omitted). */
export interface SuccessBehaviour extends ResponseShape {
  kind?: 'success';
}

/**
 * Answer with an HTTP error status and the vendor's error envelope:
 * Anthropic `{"type":"error","error":{type,message},"request_id"}`, OpenAI
 * `{"error":{message,type,param,code}}`, Google `{"error":{code,message,status}}`.
 */
export interface StatusErrorBehaviour extends ResponseShape, ErrorSpec {
  kind: 'status';
  /** The HTTP status (any). */
  status: number;
  /**
   * `retry-after` header value in seconds (Google also gets a `RetryInfo` detail).
   * Default: "1" for 429, none otherwise; `null` suppresses it.
   */
  retryAfter?: number | string | null;
}

/** Destroy the connection without answering (TCP reset before any response byte). */
export interface ResetBeforeHeadersBehaviour extends ResponseShape {
  kind: 'reset-before-headers';
}

/**
 * Send the status line, headers and the first `afterEvents` events, then destroy the socket.
 * For a non-streaming request the JSON body counts as two "events" (its two halves) and the
 * default is to reset after the first half.
 */
export interface ResetMidStreamBehaviour extends ResponseShape {
  kind: 'reset-mid-stream';
  /** Events written before the reset. Default 2 (streams) / 1 (JSON). */
  afterEvents?: number;
}

/**
 * Delay the response headers by `ms`, then answer normally (a slow first byte). The wait ends
 * early, without answering, if the client disconnects.
 */
export interface StallBeforeHeadersBehaviour extends ResponseShape {
  kind: 'stall-before-headers';
  /** Delay in ms. Omitted = never answer (until the client gives up or the server closes). */
  ms?: number;
}

/**
 * Send `afterEvents` events, pause `ms`, then continue (or never continue). For a non-streaming
 * request the pause falls between the two halves of the JSON body.
 */
export interface StallMidStreamBehaviour extends ResponseShape {
  kind: 'stall-mid-stream';
  /** Events written before the pause. Default 2 (streams) / 1 (JSON). */
  afterEvents?: number;
  /** Pause in ms. Omitted = pause forever (until the client gives up or the server closes). */
  ms?: number;
}

/**
 * HTTP 200 whose body is an error (what broken relays do): the vendor's error envelope as JSON,
 * or an HTML error page with `html: true`. Sent as-is for streaming requests too.
 */
export interface Fake200Behaviour extends ResponseShape, ErrorSpec {
  kind: 'fake-200';
  /** Send an HTML page (`text/html`) instead of the JSON envelope. */
  html?: boolean;
}

/**
 * An error inside an HTTP 200 stream after `afterEvents` events, in the vendor's in-stream form:
 * Anthropic `event: error` (default `overloaded_error`), OpenAI Chat `data: {"error":…}`,
 * Responses `response.failed` (WebSocket too), Gemini an `{"error":…}` chunk. The stream then
 * ends without its terminal event. A non-streaming request gets the HTTP error status instead
 * (default 529 Anthropic, 500 OpenAI, 503 Google).
 */
export interface StreamErrorBehaviour extends ResponseShape, ErrorSpec {
  kind: 'stream-error';
  /** Events written before the error event. Default 1. */
  afterEvents?: number;
}

/**
 * HTTP 200 with the streaming headers, then the end of the body without any event.
 * A non-streaming request gets a 200 with an empty body.
 */
export interface EmptyStreamBehaviour extends ResponseShape {
  kind: 'empty-stream';
}

/**
 * A stream that ends cleanly but without its terminal event: Anthropic without `message_stop`,
 * Chat without `[DONE]`, Responses without `response.completed`, Gemini whose last chunk has no
 * `finishReason` (and only partial usage). With `afterEvents` the stream instead ends cleanly
 * right after that many events (cut mid-content). A non-streaming request gets the first half
 * of its JSON body.
 */
export interface TruncatedStreamBehaviour extends ResponseShape {
  kind: 'truncated-stream';
  /** End after this many events instead of "everything but the terminal event". */
  afterEvents?: number;
}

/** What the fake upstream does with one request. `kind` defaults to `'success'`. */
export type Behaviour =
  | SuccessBehaviour
  | StatusErrorBehaviour
  | ResetBeforeHeadersBehaviour
  | ResetMidStreamBehaviour
  | StallBeforeHeadersBehaviour
  | StallMidStreamBehaviour
  | Fake200Behaviour
  | StreamErrorBehaviour
  | EmptyStreamBehaviour
  | TruncatedStreamBehaviour;

/** All behaviour kinds. */
export type BehaviourKind = NonNullable<Behaviour['kind']>;

export const BEHAVIOUR_KINDS: readonly BehaviourKind[] = [
  'success',
  'status',
  'reset-before-headers',
  'reset-mid-stream',
  'stall-before-headers',
  'stall-mid-stream',
  'fake-200',
  'stream-error',
  'empty-stream',
  'truncated-stream',
];

/** Usage with every field filled in. */
export type ResolvedUsage = Required<UsageSpec>;

/** The answer content after defaults are applied, shared by the four format builders. */
export interface ResolvedShape {
  text: string;
  /** `text` split into the delta pieces (empty when `text` is empty). */
  textPieces: string[];
  chunkDelayMs: number;
  usage: ResolvedUsage;
  toolCall?: ToolCallSpec;
  thinking?: string;
  /** `thinking` split into a few delta pieces. */
  thinkingPieces: string[];
}

export const DEFAULT_TEXT = 'Hello from the fake upstream.';
export const DEFAULT_CHUNKS = 3;
export const DEFAULT_USAGE: ResolvedUsage = {
  inputTokens: 25,
  outputTokens: 10,
  cacheCreation5mTokens: 0,
  cacheCreation1hTokens: 0,
  cacheReadTokens: 0,
  reasoningTokens: 0,
};

/** Applies defaults to the answer options of a behaviour. */
export function resolveShape(b: Behaviour): ResolvedShape {
  const text = b.text ?? DEFAULT_TEXT;
  const thinking = b.thinking === undefined || b.thinking === '' ? undefined : b.thinking;
  return {
    text,
    textPieces: splitIntoPieces(text, b.chunks ?? DEFAULT_CHUNKS),
    chunkDelayMs: Math.max(0, b.chunkDelayMs ?? 0),
    usage: { ...DEFAULT_USAGE, ...definedOnly(b.usage ?? {}) },
    toolCall: b.toolCall,
    thinking,
    thinkingPieces: thinking ? splitIntoPieces(thinking, 3) : [],
  };
}

/** Total prompt tokens as OpenAI and Gemini count them (cached and cache-write tokens included). */
export function promptTotal(u: ResolvedUsage): number {
  return u.inputTokens + u.cacheCreation5mTokens + u.cacheCreation1hTokens + u.cacheReadTokens;
}

/**
 * Splits `text` into `count` nearly equal, non-empty pieces (fewer if the text is shorter).
 * Splits on code points so that surrogate pairs are never cut in half.
 */
export function splitIntoPieces(text: string, count: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [];
  const n = Math.max(1, Math.min(Math.floor(count) || 1, chars.length));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor((i * chars.length) / n);
    const end = Math.floor(((i + 1) * chars.length) / n);
    pieces.push(chars.slice(start, end).join(''));
  }
  return pieces;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Validates a behaviour that arrived as JSON (header or control API) and returns it typed.
 * Throws an Error with a readable message when it is not a behaviour.
 */
export function parseBehaviour(value: unknown): Behaviour {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('a behaviour must be a JSON object');
  }
  const b = value as Record<string, unknown>;
  const kind = b.kind ?? 'success';
  if (typeof kind !== 'string' || !(BEHAVIOUR_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`unknown behaviour kind ${JSON.stringify(kind)}; expected one of ${BEHAVIOUR_KINDS.join(', ')}`);
  }
  if (kind === 'status' && (typeof b.status !== 'number' || b.status < 100 || b.status > 999)) {
    throw new Error('a "status" behaviour needs a numeric "status" between 100 and 999');
  }
  for (const field of ['chunks', 'chunkDelayMs', 'afterEvents', 'ms', 'countTokens'] as const) {
    if (b[field] !== undefined && (typeof b[field] !== 'number' || !Number.isFinite(b[field]) || (b[field] as number) < 0)) {
      throw new Error(`"${field}" must be a non-negative number`);
    }
  }
  if (b.toolCall !== undefined) {
    const t = b.toolCall as Record<string, unknown> | null;
    if (!t || typeof t.name !== 'string' || typeof t.input !== 'object' || t.input === null || Array.isArray(t.input)) {
      throw new Error('"toolCall" needs a string "name" and an object "input"');
    }
  }
  return b as Behaviour;
}

/** Parses one behaviour or an array of behaviours (control API body). */
export function parseBehaviourList(value: unknown): Behaviour[] {
  return Array.isArray(value) ? value.map(parseBehaviour) : [parseBehaviour(value)];
}
