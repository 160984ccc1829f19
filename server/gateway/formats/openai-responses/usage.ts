/**
 * Responses API usage → the hub's disjoint buckets. `input_tokens` includes the cached tokens
 * (`input_tokens_details.cached_tokens` is a subset), so they are taken out of the input count;
 * `output_tokens` already includes reasoning tokens.
 */
import { emptyUsage, tokenCount, type Usage } from "../../usage/usage.ts";

type Raw = Record<string, unknown>;

/** Whether a response's `usage` value carries counts (it is `null` until the response ends). */
export function isUsageObject(value: unknown): value is Raw {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** Normalises a Responses `usage` object. */
export function openAiResponsesUsage(raw: Raw): Usage {
  const usage = emptyUsage();
  const details = isUsageObject(raw.input_tokens_details) ? raw.input_tokens_details : {};
  const input = tokenCount(raw.input_tokens);
  const cacheRead = tokenCount(details.cached_tokens);
  usage.cacheReadTokens = cacheRead;
  usage.inputTokens = Math.max(0, input - cacheRead);
  usage.outputTokens = tokenCount(raw.output_tokens);
  return usage;
}
