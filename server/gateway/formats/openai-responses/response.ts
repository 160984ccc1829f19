/**
 * Responses API answers: the JSON response object (and the compaction object of
 * /v1/responses/compact), and the SSE stream of typed events (`event: <type>` + `data:` with a
 * sequence_number, no `[DONE]`): response.created → output items and their deltas → one of
 * response.completed | response.incomplete | response.failed.
 *
 * The stream tap recognises events by name and decodes only the few that carry the model, the
 * usage or the outcome (created, completed, incomplete, failed, error); the deltas, which are
 * nearly all of a stream, pass undecoded.
 */
import { SseSplitter, sseEventData } from "../../streaming/sse-splitter.ts";
import { findMember } from "../openai-chat/event-bytes.ts";
import { generatedBytesOf } from "../../streaming/generated-bytes.ts";
import { openAiEmbeddedError } from "../openai-chat/errors.ts";
import type { GatewayError } from "../../errors.ts";
import type { EmbeddedError, ResponseOptions, ResponseSummary, StreamTap } from "../types.ts";
import { renderOpenAiResponsesStreamError } from "./errors.ts";
import { isUsageObject, openAiResponsesUsage } from "./usage.ts";
import { bodyNotJson, emptySummary, unexpectedBody } from "../summary.ts";

const DELTA_MEMBER = ["delta"] as const;

type Raw = Record<string, unknown>;

/** Why a response object failed (`response.error {code, message}`). */
function failure(response: Raw): EmbeddedError {
  const error = (response.error && typeof response.error === "object" ? response.error : {}) as Raw;
  return {
    type: String(error.code ?? error.type ?? "response_failed"),
    message: String(error.message ?? `the response ended with status ${String(response.status)}`),
  };
}

/** Statuses of a response object that mean the request did not succeed. */
const FAILED_STATUSES = new Set(["failed", "cancelled"]);

/** Copies the model and usage of a response object into the summary. */
function readResponseObject(summary: ResponseSummary, response: Raw) {
  if (typeof response.model === "string" && response.model) summary.model = response.model;
  if (isUsageObject(response.usage)) summary.usage = openAiResponsesUsage(response.usage);
}

/**
 * Summarises a complete non-streamed body: a response object (completed or incomplete), a
 * compaction object, else a failure ("fake 200": an error body, a failed response, not JSON).
 */
export function summarizeOpenAiResponsesJson(body: Buffer, _options: ResponseOptions): ResponseSummary {
  const summary = emptySummary();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    summary.error = bodyNotJson();
    return summary;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    summary.error = unexpectedBody();
    return summary;
  }
  const response = parsed as Raw;
  // A response object has an `error` member too (null unless it failed): look at the object kind first.
  const isResponse = response.object === "response" || response.object === "response.compaction" || Array.isArray(response.output);
  if (!isResponse) {
    summary.error = openAiEmbeddedError(response) ?? {
      type: "invalid_response",
      message: "the upstream answered 2xx with a body that is not a response",
    };
    return summary;
  }
  readResponseObject(summary, response);
  if (typeof response.status === "string" && FAILED_STATUSES.has(response.status)) {
    summary.error = failure(response);
    return summary;
  }
  summary.completed = true;
  summary.sawContent = true;
  return summary;
}

/**
 * Events whose payload the tap reads; every other event is recognised by its name alone.
 * response.created is read for its model only, by bytes (see createdModel).
 */
const DECODED = ["response.created", "response.completed", "response.incomplete", "response.failed", "error"];
const DECODED_BYTES = DECODED.map((name) => Buffer.from(name, "latin1"));

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const EVENT_FIELD = Buffer.from("event:");
const DATA_FIELD = Buffer.from("data:");
const TYPE_MEMBER = Buffer.from('{"type":"');

/** Whether `bytes` holds `prefix` at `offset` (a plain loop: cheaper than a native call on a few bytes). */
function hasPrefix(bytes: Buffer, prefix: Buffer, offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[offset + i] !== prefix[i]) return false;
  return true;
}

/**
 * Where the event's type is written: its `event:` line, or, for a relay that sends `data:`
 * lines only, the payload's leading `type` member (OpenAI writes it first). Found by a byte
 * loop over the first line: a stream holds hundreds of delta events, and building a string
 * per event for its name would cost more than everything else the tap does with it.
 */
function typeBounds(event: Buffer): [start: number, end: number] | undefined {
  let start: number;
  let end: number;
  if (hasPrefix(event, EVENT_FIELD)) {
    start = EVENT_FIELD.length;
    while (event[start] === SPACE) start++;
    end = start;
    while (end < event.length && event[end] !== LF && event[end] !== CR) end++;
    while (end > start && event[end - 1] === SPACE) end--;
  } else if (hasPrefix(event, DATA_FIELD)) {
    start = DATA_FIELD.length;
    if (event[start] === SPACE) start++;
    if (!hasPrefix(event, TYPE_MEMBER, start)) return undefined;
    start += TYPE_MEMBER.length;
    end = start;
    while (end < event.length && event[end] !== QUOTE && event[end] !== LF) end++;
    if (event[end] !== QUOTE) return undefined;
  } else {
    return undefined;
  }
  return [start, end];
}

/** The decoded event type the bounds hold, if it is one of DECODED. */
function decodedType(event: Buffer, [start, end]: [number, number]): string | undefined {
  for (let i = 0; i < DECODED_BYTES.length; i++) {
    const name = DECODED_BYTES[i];
    if (name.length === end - start && hasPrefix(event, name, start)) return DECODED[i];
  }
  return undefined;
}

/**
 * The model named in a response.created event, read without decoding it: that event echoes the
 * request's tools and instructions (tens of KiB for Codex), and only the model is wanted from
 * it. The first `model` member is the response's own: the members before it (id, status,
 * instructions…) hold no object with a model, and the tools come after it. The name is only
 * a fallback for the log (the terminal event names the model again), so a relay that orders
 * members otherwise costs nothing but that fallback.
 */
function createdModel(event: Buffer): string | undefined {
  const text = event.toString("latin1");
  const hit = findMember(text, "model");
  if (!hit || text.charCodeAt(hit.valueStart) !== QUOTE) return undefined;
  const end = text.indexOf('"', hit.valueStart + 1);
  if (end < 0) return undefined;
  const raw = event.toString("utf8", hit.valueStart + 1, end);
  // An escape sequence (never seen in a model name) would need JSON's decoding; skip it.
  return raw && !raw.includes("\\") ? raw : undefined;
}

/** The `sequence_number` of an event, read by bytes (the first event's only: later ones are counted). */
function sequenceNumber(event: Buffer): number | undefined {
  const text = event.toString("latin1");
  const hit = findMember(text, "sequence_number");
  if (!hit) return undefined;
  const digits = /^\d+/.exec(text.slice(hit.valueStart, hit.valueStart + 16));
  return digits ? Number(digits[0]) : undefined;
}

const DELTA_SUFFIX = Buffer.from(".delta");

/** Whether the event's type ends in `.delta`, compared by bytes. */
function isDeltaType(event: Buffer, [start, end]: [number, number]): boolean {
  return end - start > DELTA_SUFFIX.length && hasPrefix(event, DELTA_SUFFIX, end - DELTA_SUFFIX.length);
}

/** Whether an event shows output the client will use (the point after which a stream may be committed). */
function isContentEvent(type: string): boolean {
  return type === "response.output_item.added" || type.endsWith(".delta");
}

class OpenAiResponsesStreamTap implements StreamTap {
  private readonly state = emptySummary();
  private readonly splitter = new SseSplitter((event) => this.onEvent(event));
  /** Typed events seen, and the first one's sequence_number: the next number is their sum. */
  private eventsSeen = 0;
  private firstSequenceNumber: number | undefined;
  private generated = 0;

  push(chunk: Buffer): Buffer {
    this.splitter.push(chunk);
    return chunk;
  }

  end(): undefined {
    this.splitter.end();
    return undefined;
  }

  summary(): ResponseSummary {
    return this.state;
  }

  generatedBytes(): number {
    return this.generated;
  }

  /** A response.failed that continues the upstream's numbering (OpenAI numbers events one by one). */
  renderError(error: GatewayError, requestId: string): string {
    const next = this.firstSequenceNumber === undefined ? undefined : this.firstSequenceNumber + this.eventsSeen;
    return renderOpenAiResponsesStreamError(error, requestId, next);
  }

  private onEvent(event: Buffer) {
    const bounds = typeBounds(event);
    if (bounds === undefined) return;
    if (this.eventsSeen++ === 0) this.firstSequenceNumber = sequenceNumber(event);
    // The type as a string only until the first content event: a few events per stream.
    if (!this.state.sawContent && isContentEvent(event.toString("latin1", bounds[0], bounds[1]))) this.state.sawContent = true;
    // Every generated piece (output text, reasoning, refusal, tool arguments) is a `*.delta` event's `delta`.
    if (isDeltaType(event, bounds)) this.generated += generatedBytesOf(event, DELTA_MEMBER);
    const type = decodedType(event, bounds);
    if (type === undefined) return;
    if (type === "response.created") {
      this.state.model ??= createdModel(event);
      return;
    }
    const data = sseEventData(event);
    if (!data) return;
    let payload: Raw;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    if (!payload || typeof payload !== "object") return;
    if (type === "error") {
      // {"type":"error","code","message"} as documented; some relays nest it as {"error":{…}}.
      this.state.error = openAiEmbeddedError(payload) ?? {
        type: String(payload.code ?? "api_error"),
        message: String(payload.message ?? "stream error"),
      };
      return;
    }
    const response = payload.response;
    if (!response || typeof response !== "object") return;
    readResponseObject(this.state, response as Raw);
    if (type === "response.completed" || type === "response.incomplete") {
      // incomplete is a terminal success with a reason (e.g. max_output_tokens): billed and relayed as is.
      this.state.completed = true;
    } else if (type === "response.failed") {
      this.state.error = failure(response as Raw);
    }
  }
}

/** A tap over a Responses stream (nothing is hidden: Responses streams always carry their usage). */
export function createOpenAiResponsesStreamTap(_options: ResponseOptions): StreamTap {
  return new OpenAiResponsesStreamTap();
}
