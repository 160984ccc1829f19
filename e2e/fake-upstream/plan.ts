/**
 * The format-neutral description of an answer that the format builders (anthropic.ts,
 * openai-chat.ts, openai-responses.ts, gemini.ts) produce and the delivery code (wire.ts)
 * writes, applying any fault. Keeping faults out of the builders means every fault works the
 * same way for every format.
 */
import { randomBytes } from 'node:crypto';
import type { ResolvedShape } from './behaviours.ts';
import type { ResolvedError } from './errors.ts';

/** One wire event (an SSE event, a Gemini array element or a WebSocket frame). */
export interface StreamEvent<T = string> {
  /** The event, already framed for the wire when T is string. */
  data: T;
  /** Wait this long before writing the event (used for `chunkDelayMs`). */
  delayBeforeMs?: number;
}

/** Everything needed to write a streamed answer, with or without a fault. */
export interface StreamPlan<T = string> {
  contentType: string;
  /** The complete, well-formed event sequence. */
  events: StreamEvent<T>[];
  /** The sequence without its terminal event (for `truncated-stream`). */
  truncated: StreamEvent<T>[];
  /** The vendor's in-stream error event, given how many events were written before it. */
  errorEvent(eventsBefore: number, err: ResolvedError): StreamEvent<T>;
  /** Text around/between events; only Gemini's JSON-array streaming needs it. */
  framing?: { open: string; separator: string; close: string };
}

/** A successful answer before delivery. */
export type Reply =
  | { type: 'json'; body: unknown; contentType?: string }
  | { type: 'stream'; plan: StreamPlan<string> };

/** What a format builder needs to know about the request. */
export interface GenerationContext {
  /** Model to report (behaviour override or the requested model). */
  model: string;
  shape: ResolvedShape;
  /** The parsed request body (empty object when there was none). */
  body: Record<string, unknown>;
  requestId: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random id in the vendor's style, e.g. `randomId('msg_01', 22)`. */
export function randomId(prefix: string, length: number, alphabet: 'alnum' | 'hex' = 'alnum'): string {
  if (alphabet === 'hex') return prefix + randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}

/** An opaque base64 blob standing in for signatures / encrypted reasoning. */
export function opaqueBlob(bytes = 48): string {
  return randomBytes(bytes).toString('base64');
}

/** Formats one SSE event; `event` omitted for formats that send data-only events. */
export function sseEvent(data: string, event?: string, lineEnd = '\n'): string {
  return (event ? `event: ${event}${lineEnd}` : '') + `data: ${data}${lineEnd}${lineEnd}`;
}

/** Unix time in seconds (OpenAI `created`). */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
