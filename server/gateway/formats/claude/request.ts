/** Anthropic Messages requests: the fields the gateway reads, found without a full parse. */
import { replaceField, type NestedKeyWatch } from "../../body/json-scan.ts";
import { requestField, scanRequestBody } from "../../body/request-fields.ts";
import { GatewayError } from "../../errors.ts";
import { boundedMetadata, boundedModel, outputCap } from "../../limits/input-bounds.ts";
import type { PrepareInput, RequestInfo, UpstreamRequest } from "../types.ts";

const FIELDS = new Set(["model", "stream", "max_tokens", "metadata", "messages"]);

const CACHE_CONTROL = Buffer.from("cache_control");
/** Anthropic allows 4 breakpoints; more are noted only up to this many (the upstream refuses them). */
const CACHE_CONTROL_LIMIT = 16;
/** A cache_control object is `{"type":"ephemeral","ttl":"1h"}`: its TTL is within this many bytes. */
const CACHE_CONTROL_BYTES = 256;
const ONE_HOUR = Buffer.from('"1h"');

/** Whether any breakpoint asks for a cache write, and the longest TTL one asks for. */
function promptCacheWrite(body: Buffer, valueStarts: readonly number[]): "5m" | "1h" | undefined {
  if (!valueStarts.length) return undefined;
  for (const start of valueStarts) {
    // Only the breakpoint's own object, and never far: a search of the rest of a large body is what this avoids.
    const window = body.subarray(start, Math.min(body.length, start + CACHE_CONTROL_BYTES));
    const end = window.indexOf(0x7d /* } */);
    if (window.subarray(0, end < 0 ? window.length : end).indexOf(ONE_HOUR) >= 0) return "1h";
  }
  return "5m";
}

export function readClaudeRequest(body: Buffer): RequestInfo {
  const cacheControl: NestedKeyWatch = { key: CACHE_CONTROL, valueStarts: [], limit: CACHE_CONTROL_LIMIT };
  const ranges = scanRequestBody(body, FIELDS, undefined, cacheControl);
  const model = requestField(body, ranges.get("model"), "model");
  if (model !== undefined && typeof model !== "string") {
    throw new GatewayError("invalid_request", "model: must be a string");
  }
  boundedModel(model);
  const stream = requestField(body, ranges.get("stream"), "stream");
  const maxTokens = requestField(body, ranges.get("max_tokens"), "max_tokens");
  const metadataRange = ranges.get("metadata");
  const metadata = boundedMetadata(requestField(body, metadataRange, "metadata"), metadataRange ? metadataRange.end - metadataRange.start : 0);
  // The conversation's range (not parsed) lets the gateway derive a session id from its start.
  const messages = ranges.get("messages");
  if (messages) ranges.set("conversation", messages);
  return {
    model,
    stream: stream === true,
    maxTokens: outputCap(maxTokens, "max_tokens"),
    hints: metadata && typeof metadata === "object" ? { metadata } : {},
    ranges,
    promptCacheWrite: promptCacheWrite(body, cacheControl.valueStarts),
  };
}

/** The beta flag Anthropic requires for one-hour cache breakpoints. */
export const EXTENDED_CACHE_TTL_BETA = "extended-cache-ttl-2025-04-11";

type Block = Record<string, unknown>;

/** Sets the TTL of every ephemeral cache breakpoint (system, tools, message content). */
function applyCacheTtl(request: Record<string, unknown>, ttl: "5m" | "1h"): boolean {
  let changed = false;
  const visit = (block: unknown) => {
    const control = (block as Block | null)?.cache_control as Block | undefined;
    if (control && typeof control === "object" && control.type === "ephemeral" && control.ttl !== ttl) {
      control.ttl = ttl;
      changed = true;
    }
  };
  if (Array.isArray(request.system)) request.system.forEach(visit);
  if (Array.isArray(request.tools)) request.tools.forEach(visit);
  if (Array.isArray(request.messages)) {
    for (const message of request.messages as Block[]) if (Array.isArray(message?.content)) (message.content as unknown[]).forEach(visit);
  }
  return changed;
}

/**
 * Same bytes, with only the model's value replaced when a redirect changed it — unless a cache
 * TTL preference applies: then the body is parsed once and every cache breakpoint gets the TTL
 * (1 h also needs its beta flag). That is the one case where the hub re-serialises the body.
 */
export function prepareClaudeUpstream(input: PrepareInput): UpstreamRequest {
  if (input.cacheTtl) {
    const request = JSON.parse(input.body.toString("utf8")) as Record<string, unknown>;
    request.model = input.model;
    const changed = applyCacheTtl(request, input.cacheTtl);
    return {
      path: input.route.path,
      search: input.search,
      body: Buffer.from(JSON.stringify(request)),
      usageInjected: false,
      cacheTtl: input.cacheTtl,
      addBetaFlags: changed && input.cacheTtl === "1h" ? [EXTENDED_CACHE_TTL_BETA] : undefined,
    };
  }
  const range = input.info.ranges.get("model");
  const body = range && input.model !== input.info.model ? replaceField(input.body, range, input.model) : input.body;
  return { path: input.route.path, search: input.search, body, usageInjected: false };
}
