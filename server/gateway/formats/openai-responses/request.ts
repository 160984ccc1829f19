/**
 * OpenAI Responses API requests (/v1/responses and /v1/responses/compact): the fields the
 * gateway reads, found without a full parse. Codex sends 20–200 KiB of `input` items and tools;
 * none of it is decoded here.
 */
import { replaceField } from "../../body/json-scan.ts";
import { requestField, scanRequestBody } from "../../body/request-fields.ts";
import { GatewayError } from "../../errors.ts";
import { BOUNDED_HINTS, boundedField, boundedMetadata, boundedModel, outputCap } from "../../limits/input-bounds.ts";
import type { PrepareInput, RequestInfo, UpstreamRequest } from "../types.ts";

/** Small top-level fields kept as session hints (Codex puts its thread id in prompt_cache_key). */
const HINT_FIELDS = ["prompt_cache_key", "previous_response_id", "metadata", "store", "user", "safety_identifier"] as const;
const FIELDS = new Set(["model", "stream", "max_output_tokens", "input", ...HINT_FIELDS]);

/** Key in RequestInfo.ranges of the conversation's bytes, from whose start the gateway derives a session id. */
const CONVERSATION = "conversation";

/** Reads model, stream, the output cap and the session hints of a Responses request body. */
export function readOpenAiResponsesRequest(body: Buffer): RequestInfo {
  const ranges = scanRequestBody(body, FIELDS);
  const model = requestField(body, ranges.get("model"), "model");
  if (model !== undefined && typeof model !== "string") {
    throw new GatewayError("invalid_request", "model: must be a string");
  }
  boundedModel(model);
  const maxOutputTokens = requestField(body, ranges.get("max_output_tokens"), "max_output_tokens");
  const hints: Record<string, unknown> = {};
  for (const name of HINT_FIELDS) {
    const range = ranges.get(name);
    const value = requestField(body, range, name);
    if (value === undefined) continue;
    if (name === "metadata") boundedMetadata(value, range!.end - range!.start);
    else boundedField(value, BOUNDED_HINTS[name] ?? Infinity, name);
    hints[name] = value;
  }
  // Codex's input starts with the same developer and environment messages in every turn of a thread.
  const input = ranges.get("input");
  if (input) ranges.set(CONVERSATION, input);
  return {
    model,
    stream: requestField(body, ranges.get("stream"), "stream") === true,
    maxTokens: outputCap(maxOutputTokens, "max_output_tokens"),
    hints,
    ranges,
  };
}

/**
 * The body for one attempt: the original bytes, with only the model's value replaced when a
 * redirect changed it. Responses streams always end with their usage, so nothing is injected.
 */
export function prepareOpenAiResponsesUpstream(input: PrepareInput): UpstreamRequest {
  const range = input.info.ranges.get("model");
  const body = range && input.model !== input.info.model ? replaceField(input.body, range, input.model) : input.body;
  return { path: input.route.path, search: input.search, body, usageInjected: false };
}
