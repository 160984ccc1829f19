/**
 * Anthropic usage ⇄ neutral usage. Anthropic's buckets are already disjoint (input_tokens
 * excludes cache reads and writes), so this is a renaming; the billing parser
 * (formats/claude/usage.ts) does the reading, including relays' flat field names and an
 * undivided cache-write total (attributed to the 5-minute TTL, Anthropic's default).
 */
import { mergeClaudeUsage } from "../../formats/claude/usage.ts";
import { emptyUsage, tokenCount, type Usage } from "../../usage/usage.ts";
import type { NeutralUsage, StopReason } from "../neutral.ts";

/** Accumulates Anthropic usage objects (a Message's, or message_start's then message_delta's). */
export class ClaudeUsageReader {
  private readonly usage: Usage = emptyUsage();
  private thinkingTokens: number | undefined;

  merge(raw: unknown): void {
    if (!raw || typeof raw !== "object") return;
    // The SDK types message_delta's input-side counts as nullable: null means "not reported
    // here", never zero, so it must not overwrite what message_start said.
    const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null));
    mergeClaudeUsage(this.usage, present, "5m");
    const details = (present as { output_tokens_details?: { thinking_tokens?: unknown } }).output_tokens_details;
    if (details && typeof details === "object" && details.thinking_tokens !== undefined) this.thinkingTokens = tokenCount(details.thinking_tokens);
  }

  neutral(): NeutralUsage {
    const u = this.usage;
    const out: NeutralUsage = {
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheReadTokens: u.cacheReadTokens,
      cacheWrite5mTokens: u.cacheCreation5mTokens,
      cacheWrite1hTokens: u.cacheCreation1hTokens,
    };
    if (this.thinkingTokens !== undefined) out.reasoningTokens = this.thinkingTokens;
    return out;
  }
}

export function decodeClaudeUsage(raw: unknown): NeutralUsage {
  const reader = new ClaudeUsageReader();
  reader.merge(raw);
  return reader.neutral();
}

/** The usage object of a Message (or a message_delta): every bucket, the cache writes split by TTL. */
export function encodeClaudeUsage(usage: Partial<NeutralUsage> | undefined) {
  const w5 = usage?.cacheWrite5mTokens ?? 0;
  const w1 = usage?.cacheWrite1hTokens ?? 0;
  return {
    input_tokens: usage?.inputTokens ?? 0,
    cache_creation_input_tokens: w5 + w1,
    cache_read_input_tokens: usage?.cacheReadTokens ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: w5, ephemeral_1h_input_tokens: w1 },
    output_tokens: usage?.outputTokens ?? 0,
  };
}

/**
 * Anthropic stop_reason → neutral. "model_context_window_exceeded" is the output limit reached
 * at the context's end; null or an unknown reason is a plain end.
 */
export function decodeStopReason(value: unknown): StopReason {
  switch (value) {
    case "end_turn":
    case "max_tokens":
    case "stop_sequence":
    case "tool_use":
    case "pause_turn":
    case "refusal":
      return value;
    case "model_context_window_exceeded":
      return "max_tokens";
    default:
      return "end_turn";
  }
}

/** Neutral → Anthropic stop_reason: a content filter is a refusal, an upstream error an end. */
export function encodeStopReason(reason: StopReason): string {
  switch (reason) {
    case "content_filter":
      return "refusal";
    case "error":
      return "end_turn";
    default:
      return reason;
  }
}
