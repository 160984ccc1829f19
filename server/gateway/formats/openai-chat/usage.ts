/**
 * Chat Completions usage → the hub's disjoint buckets. OpenAI counts cached tokens inside
 * `prompt_tokens` (`prompt_tokens_details.cached_tokens` is a subset), so they are taken out of
 * the input count; a relay that also reports prompt-cache writes (`cache_write_tokens`,
 * OpenRouter style) counts them inside `prompt_tokens` too. `completion_tokens` already
 * includes reasoning tokens.
 */
import { emptyUsage, tokenCount, type Usage } from "../../usage/usage.ts";

type Raw = Record<string, unknown>;

/** Whether a chunk's or body's `usage` value carries counts (a stream's other chunks carry `null`). */
export function isUsageObject(value: unknown): value is Raw {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** Normalises a Chat Completions `usage` object. */
export function openAiChatUsage(raw: Raw): Usage {
  const usage = emptyUsage();
  const details = isUsageObject(raw.prompt_tokens_details) ? raw.prompt_tokens_details : {};
  // Some relays answer with Responses-style names; the meaning (cached included) is the same.
  const prompt = tokenCount(raw.prompt_tokens ?? raw.input_tokens);
  // DeepSeek reports cache hits as prompt_cache_hit_tokens instead of the details object.
  const cacheRead = tokenCount(details.cached_tokens ?? raw.prompt_cache_hit_tokens);
  const cacheWrite = tokenCount(details.cache_write_tokens ?? raw.cache_write_tokens);
  usage.cacheReadTokens = cacheRead;
  // OpenAI-compatible caches have one (automatic) lifetime; the 5-minute bucket is the hub's default.
  usage.cacheCreation5mTokens = cacheWrite;
  usage.inputTokens = Math.max(0, prompt - cacheRead - cacheWrite);
  usage.outputTokens = tokenCount(raw.completion_tokens ?? raw.output_tokens);
  return usage;
}
