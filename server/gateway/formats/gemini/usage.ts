/**
 * Gemini usageMetadata → the hub's disjoint usage buckets.
 *
 * Gemini counts cached tokens inside `promptTokenCount` and reasoning outside
 * `candidatesTokenCount`, so both are moved: input = prompt − cached (+ tool-use prompt),
 * cache read = cached, output = candidates + thoughts. Gemini has no cache writes on this
 * path (explicit caches are billed as storage), so the cache-creation buckets stay 0.
 */
import { emptyUsage, tokenCount, type Usage } from "../../usage/usage.ts";

/**
 * Converts one `usageMetadata` object. In a stream every chunk repeats the counts so far
 * (cumulative), so the caller keeps the last one rather than adding them up.
 */
export function geminiUsage(raw: unknown): Usage {
  const usage = emptyUsage();
  if (!raw || typeof raw !== "object") return usage;
  const u = raw as Record<string, unknown>;
  const cached = tokenCount(u.cachedContentTokenCount);
  // Tokens of tool results fed back by the API itself (e.g. Google Search grounding) are
  // outside promptTokenCount but billed at the input rate.
  const toolUse = tokenCount(u.toolUsePromptTokenCount);
  usage.inputTokens = Math.max(0, tokenCount(u.promptTokenCount) - cached) + toolUse;
  usage.cacheReadTokens = cached;
  usage.outputTokens = tokenCount(u.candidatesTokenCount) + tokenCount(u.thoughtsTokenCount);
  return usage;
}
