/** Anthropic Messages requests: the fields the gateway reads, found without a full parse. */
import { JsonSyntaxError, parseField, replaceField, scanTopLevel } from "../../body/json-scan.ts";
import { GatewayError } from "../../errors.ts";
import type { PrepareInput, RequestInfo, UpstreamRequest } from "../types.ts";

const FIELDS = new Set(["model", "stream", "max_tokens", "metadata", "messages"]);

export function readClaudeRequest(body: Buffer): RequestInfo {
  let ranges;
  try {
    ranges = scanTopLevel(body, FIELDS);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new GatewayError("invalid_request", `The request body is not valid JSON: ${error.message}`);
    }
    throw error;
  }
  const model = parseField(body, ranges.get("model"));
  if (model !== undefined && typeof model !== "string") {
    throw new GatewayError("invalid_request", "model: must be a string");
  }
  const stream = parseField(body, ranges.get("stream"));
  const maxTokens = parseField(body, ranges.get("max_tokens"));
  const metadata = parseField(body, ranges.get("metadata"));
  // The conversation's range (not parsed) lets the gateway derive a session id from its start.
  const messages = ranges.get("messages");
  if (messages) ranges.set("conversation", messages);
  return {
    model,
    stream: stream === true,
    maxTokens: typeof maxTokens === "number" ? maxTokens : undefined,
    hints: metadata && typeof metadata === "object" ? { metadata } : {},
    ranges,
  };
}

/** Same bytes, with only the model's value replaced when a redirect changed it. */
export function prepareClaudeUpstream(input: PrepareInput): UpstreamRequest {
  const range = input.info.ranges.get("model");
  const body = range && input.model !== input.info.model ? replaceField(input.body, range, input.model) : input.body;
  return { path: input.route.path, search: input.search, body, usageInjected: false };
}
