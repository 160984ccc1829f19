/**
 * OpenAI Chat Completions requests: the fields the gateway reads, found without a full parse,
 * and the two in-place edits an attempt may need (a model redirect, a stream usage request).
 */
import { requestField, scanRequestBody } from "../../body/request-fields.ts";
import { GatewayError } from "../../errors.ts";
import { BOUNDED_HINTS, boundedField, boundedMetadata, boundedModel, outputCap } from "../../limits/input-bounds.ts";
import type { PrepareInput, RequestInfo, UpstreamRequest } from "../types.ts";

/** Small top-level fields kept as hints: the caller's own identifiers, and the stream options prepareUpstream merges into. */
const HINT_FIELDS = ["prompt_cache_key", "user", "safety_identifier", "metadata", "stream_options"] as const;
const FIELDS = new Set(["model", "stream", "max_tokens", "max_completion_tokens", "messages", ...HINT_FIELDS]);

/** Key in RequestInfo.ranges of the conversation's bytes, from whose start the gateway derives a session id. */
const CONVERSATION = "conversation";

/** Reads model, stream, the output cap and the session hints of a /v1/chat/completions body. */
export function readOpenAiChatRequest(body: Buffer): RequestInfo {
  const ranges = scanRequestBody(body, FIELDS);
  const model = requestField(body, ranges.get("model"), "model");
  if (model !== undefined && typeof model !== "string") {
    throw new GatewayError("invalid_request", "model: must be a string");
  }
  boundedModel(model);
  // max_completion_tokens replaced max_tokens (which reasoning models reject); either may come.
  const maxCompletion = requestField(body, ranges.get("max_completion_tokens"), "max_completion_tokens");
  const maxTokens = requestField(body, ranges.get("max_tokens"), "max_tokens");
  const hints: Record<string, unknown> = {};
  for (const name of HINT_FIELDS) {
    const range = ranges.get(name);
    const value = requestField(body, range, name);
    if (value === undefined) continue;
    if (name === "metadata") boundedMetadata(value, range!.end - range!.start);
    else boundedField(value, BOUNDED_HINTS[name] ?? Infinity, name);
    hints[name] = value;
  }
  const messages = ranges.get("messages");
  if (messages) ranges.set(CONVERSATION, messages);
  return {
    model,
    stream: requestField(body, ranges.get("stream"), "stream") === true,
    maxTokens: outputCap(maxCompletion, "max_completion_tokens") ?? outputCap(maxTokens, "max_tokens"),
    hints,
    ranges,
  };
}

/** One replacement of the byte range [start, end) of the original body. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies non-overlapping edits in one copy of the body (json-scan's replaceField does one; a
 * redirected stream needs two, and the ranges of the second must not shift under the first).
 */
function applyEdits(body: Buffer, edits: Edit[]): Buffer {
  if (edits.length === 0) return body;
  edits.sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of edits) {
    parts.push(body.subarray(at, edit.start), Buffer.from(edit.text));
    at = edit.end;
  }
  parts.push(body.subarray(at));
  return Buffer.concat(parts);
}

const INCLUDE_USAGE = { include_usage: true } as const;

/**
 * The edit that makes a streamed request report its usage, or undefined when none is needed
 * (not a stream, or the client asked for usage itself) or none is possible (stream_options is
 * neither an object nor null: the upstream will reject it anyway, as it would without the hub).
 */
function usageRequestEdit(info: RequestInfo): Edit | undefined {
  if (!info.stream) return undefined;
  const options = info.hints.stream_options;
  const range = info.ranges.get("stream_options");
  if (range === undefined || options === null) {
    if (range) return { start: range.start, end: range.end, text: JSON.stringify(INCLUDE_USAGE) };
    // Right after the stream flag, so nothing else moves and no closing brace must be found.
    const stream = info.ranges.get("stream")!;
    return { start: stream.end, end: stream.end, text: `,"stream_options":${JSON.stringify(INCLUDE_USAGE)}` };
  }
  if (typeof options !== "object" || Array.isArray(options)) return undefined;
  if ((options as Record<string, unknown>).include_usage === true) return undefined;
  // Merge: the client's other stream options (e.g. include_obfuscation) stay.
  return { start: range.start, end: range.end, text: JSON.stringify({ ...options, ...INCLUDE_USAGE }) };
}

/**
 * The body for one attempt: the original bytes, with the model replaced when a redirect changed
 * it and, for a stream that did not ask for usage, `stream_options.include_usage` set so the hub
 * can bill it (usageInjected tells the stream tap to hide that usage from the client again).
 */
export function prepareOpenAiChatUpstream(input: PrepareInput): UpstreamRequest {
  const edits: Edit[] = [];
  const modelRange = input.info.ranges.get("model");
  if (modelRange && input.model !== input.info.model) {
    edits.push({ start: modelRange.start, end: modelRange.end, text: JSON.stringify(input.model) });
  }
  const usageEdit = usageRequestEdit(input.info);
  if (usageEdit) edits.push(usageEdit);
  return { path: input.route.path, search: input.search, body: applyEdits(input.body, edits), usageInjected: usageEdit !== undefined };
}
