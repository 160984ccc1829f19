/**
 * Code Assist requests (/v1internal:<method>), as Gemini CLI sends them with Google login. The
 * generation methods wrap a Gemini request: `{model, project, user_prompt_id, request: {contents,
 * generationConfig, …, session_id}}`; countTokens sends `{request: {model: "models/<m>", contents}}`;
 * housekeeping methods (loadCodeAssist, onboardUser, …) carry no model at all.
 *
 * The top level is scanned for `model` and `request`; the `request` object is then scanned once
 * more (its own top level only) for generationConfig, session_id, contents and a countTokens model. That
 * second pass walks most of the body again, but only with the scanner (no object tree).
 */
import { parseField, replaceField, type FieldRange } from "../../body/json-scan.ts";
import { requestField, scanRequestBody } from "../../body/request-fields.ts";
import type { GatewayRoute } from "../../endpoints.ts";
import { GatewayError } from "../../errors.ts";
import { boundedField, boundedModel, INPUT_BOUNDS } from "../../limits/input-bounds.ts";
import { CONVERSATION, maxOutputTokens } from "../gemini/request.ts";
import { withoutApiKey } from "../gemini/query.ts";
import type { PrepareInput, RequestInfo, UpstreamRequest } from "../types.ts";

const TOP_FIELDS = new Set(["model", "request"]);
const INNER_FIELDS = new Set(["generationConfig", "session_id", "model", "contents"]);

/** Key in RequestInfo.ranges of the model nested in `request` (countTokens), as an absolute range. */
export const NESTED_MODEL = "request.model";
const MODELS_PREFIX = "models/";

function offset(range: FieldRange, by: number): FieldRange {
  return { start: range.start + by, end: range.end + by, keyStart: range.keyStart + by };
}

function parseString(body: Buffer, range: FieldRange | undefined, name: string): string | undefined {
  const value = requestField(body, range, name);
  if (value !== undefined && typeof value !== "string") throw new GatewayError("invalid_request", `${name}: must be a string`);
  // Only models are read as strings here; the "models/" prefix fits in the margin of the limit.
  return boundedModel(value, name);
}

export function readCodeAssistRequest(body: Buffer, route: GatewayRoute): RequestInfo {
  const ranges = scanRequestBody(body, TOP_FIELDS);
  let model = parseString(body, ranges.get("model"), "model");
  let maxTokens: number | undefined;
  const hints: Record<string, unknown> = {};
  const requestRange = ranges.get("request");
  if (requestRange && body[requestRange.start] === 0x7b /* { */) {
    // The first scan validated the structure; this one decodes the inner keys (and may refuse a duplicate).
    const request = body.subarray(requestRange.start, requestRange.end);
    const inner = scanRequestBody(request, INNER_FIELDS, "request");
    maxTokens = maxOutputTokens(request, inner.get("generationConfig"), "request.generationConfig");
    const sessionId = boundedField(requestField(request, inner.get("session_id"), "request.session_id"), INPUT_BOUNDS.sessionIdChars, "request.session_id");
    if (typeof sessionId === "string" && sessionId) hints.session_id = sessionId;
    const contents = inner.get("contents");
    if (contents) ranges.set(CONVERSATION, offset(contents, requestRange.start));
    const nested = inner.get("model");
    if (model === undefined && nested) {
      const named = parseString(request, nested, "request.model");
      model = named?.startsWith(MODELS_PREFIX) ? named.slice(MODELS_PREFIX.length) : named;
      ranges.set(NESTED_MODEL, offset(nested, requestRange.start));
    }
  }
  return { model: model || undefined, stream: route.stream === true, maxTokens, hints, ranges };
}

/**
 * Same bytes, with only the model replaced when a redirect changed it: the top-level `model` of
 * a generation request, or countTokens' `request.model` (keeping its "models/" prefix). The
 * caller's `key=` query parameter is dropped.
 */
export function prepareCodeAssistUpstream(input: PrepareInput): UpstreamRequest {
  let body = input.body;
  if (input.model !== input.info.model) {
    const top = input.info.ranges.get("model");
    const nested = input.info.ranges.get(NESTED_MODEL);
    if (top) body = replaceField(body, top, input.model);
    else if (nested) {
      const prefixed = String(parseField(body, nested)).startsWith(MODELS_PREFIX);
      body = replaceField(body, nested, prefixed ? `${MODELS_PREFIX}${input.model}` : input.model);
    }
  }
  return { path: input.route.path, search: withoutApiKey(input.search), body, usageInjected: false };
}
