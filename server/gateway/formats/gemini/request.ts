/**
 * Gemini API requests (/v1beta/models/{model}:generateContent | :streamGenerateContent |
 * :countTokens). The model and the streaming choice are in the path, not the body; the body is
 * only validated as a JSON object (by the scanner, without building it) and searched for
 * generationConfig.maxOutputTokens and the range of `contents`.
 */
import type { FieldRange } from "../../body/json-scan.ts";
import { requestField, scanRequestBody } from "../../body/request-fields.ts";
import { outputCap } from "../../limits/input-bounds.ts";
import type { GatewayRoute } from "../../endpoints.ts";
import type { PrepareInput, RequestInfo, UpstreamRequest } from "../types.ts";
import { withoutApiKey } from "./query.ts";

const FIELDS = new Set(["generationConfig", "contents"]);

/**
 * Key in RequestInfo.ranges of the conversation's bytes (Gemini's `contents`), from which the
 * gateway derives a session id when the client sends none (the Claude format names its
 * `messages` the same way).
 */
export const CONVERSATION = "conversation";

const MAX_OUTPUT_TOKENS = new Set(["maxOutputTokens"]);

/**
 * generationConfig.maxOutputTokens, when present and a number (see outputCap). The config object is scanned like
 * the top level, so an escaped or repeated key means the same here as there (decision 0012).
 */
export function maxOutputTokens(body: Buffer, range: FieldRange | undefined, where = "generationConfig"): number | undefined {
  if (!range || body[range.start] !== 0x7b /* { */) return undefined;
  const config = body.subarray(range.start, range.end);
  const value = requestField(config, scanRequestBody(config, MAX_OUTPUT_TOKENS, where).get("maxOutputTokens"), `${where}.maxOutputTokens`);
  return outputCap(value, `${where}.maxOutputTokens`);
}

export function readGeminiRequest(body: Buffer, route: GatewayRoute): RequestInfo {
  const ranges = scanRequestBody(body, FIELDS);
  const contents = ranges.get("contents");
  if (contents) ranges.set(CONVERSATION, contents);
  return {
    model: route.model,
    stream: route.stream === true,
    maxTokens: maxOutputTokens(body, ranges.get("generationConfig")),
    hints: {},
    ranges,
  };
}

/** The path with its model segment replaced: /v1beta/models/{model}:{method}. */
export function withPathModel(path: string, model: string): string {
  return path.replace(/^(\/v1beta\/models\/)[^/:]+(:[A-Za-z]+)$/, (_all, head: string, method: string) => `${head}${encodeURIComponent(model)}${method}`);
}

/**
 * The body is sent as it came; a model redirect rewrites the path's model segment, and the
 * caller's `key=` query parameter is dropped (the provider authenticates with its own key).
 */
export function prepareGeminiUpstream(input: PrepareInput): UpstreamRequest {
  const redirected = input.model !== input.info.model;
  return {
    path: redirected ? withPathModel(input.route.path, input.model) : input.route.path,
    search: withoutApiKey(input.search),
    body: input.body,
    usageInjected: false,
  };
}
