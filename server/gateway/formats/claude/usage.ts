/**
 * Anthropic usage: disjoint buckets already (input_tokens excludes cache reads and writes).
 * Cache writes are split by TTL in `cache_creation`; when only the total is given, it is
 * attributed to the TTL the request asked for. Relays sometimes use flat field names.
 */
import { tokenCount, type Usage } from "../../usage/usage.ts";

type Raw = Record<string, unknown>;

/**
 * Merges the usage fields present in `raw` into `into` (later events win, field by field). A
 * null field counts as absent: some relays send `"input_tokens": null` in message_delta, which
 * must not erase the count message_start reported.
 */
export function mergeClaudeUsage(into: Usage, raw: unknown, defaultCacheTtl: "5m" | "1h"): void {
  if (!raw || typeof raw !== "object") return;
  const u = raw as Raw;
  if (u.input_tokens != null) into.inputTokens = tokenCount(u.input_tokens);
  if (u.output_tokens != null) into.outputTokens = tokenCount(u.output_tokens);
  if (u.cache_read_input_tokens != null) into.cacheReadTokens = tokenCount(u.cache_read_input_tokens);

  const split = u.cache_creation as Raw | undefined;
  const fiveMinutes = split?.ephemeral_5m_input_tokens ?? u.cache_creation_5m_input_tokens ?? u.claude_cache_creation_5_m_tokens;
  const oneHour = split?.ephemeral_1h_input_tokens ?? u.cache_creation_1h_input_tokens ?? u.claude_cache_creation_1_h_tokens;
  if (fiveMinutes != null || oneHour != null) {
    into.cacheCreation5mTokens = tokenCount(fiveMinutes);
    into.cacheCreation1hTokens = tokenCount(oneHour);
  } else if (u.cache_creation_input_tokens != null) {
    const total = tokenCount(u.cache_creation_input_tokens);
    // message_delta repeats the total without the split: keep a split that already adds up.
    if (into.cacheCreation5mTokens + into.cacheCreation1hTokens !== total) {
      into.cacheCreation5mTokens = defaultCacheTtl === "5m" ? total : 0;
      into.cacheCreation1hTokens = defaultCacheTtl === "1h" ? total : 0;
    }
  }
}
