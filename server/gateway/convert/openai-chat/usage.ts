/**
 * Chat Completions usage ⇄ the neutral, disjoint buckets. Chat counts cached tokens inside
 * `prompt_tokens` and reasoning tokens inside `completion_tokens`; the neutral model keeps
 * cached tokens apart from input (so input = prompt − cached − cache writes) and reasoning as
 * a subset of output, exactly like Chat. The parsing of the prompt side is the billing
 * parser's (formats/openai-chat/usage.ts), so a converted request costs what a passthrough
 * one would.
 */
import { isUsageObject, openAiChatUsage } from "../../formats/openai-chat/usage.ts";
import { tokenCount } from "../../usage/usage.ts";
import type { NeutralUsage } from "../neutral.ts";

type Raw = Record<string, unknown>;

export function zeroUsage(): NeutralUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 };
}

/** A Chat `usage` object (a body's or the usage chunk's) → neutral; junk or absent → zeros. */
export function decodeChatUsage(raw: unknown): NeutralUsage {
  if (!isUsageObject(raw)) return zeroUsage();
  const usage = openAiChatUsage(raw);
  const neutral: NeutralUsage = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheWrite5mTokens: usage.cacheCreation5mTokens,
    cacheWrite1hTokens: usage.cacheCreation1hTokens,
  };
  const details = raw.completion_tokens_details;
  if (isUsageObject(details) && details.reasoning_tokens !== undefined) {
    neutral.reasoningTokens = tokenCount(details.reasoning_tokens);
  }
  return neutral;
}

/**
 * Neutral usage → a Chat `usage` object. prompt_tokens is every prompt-side token (uncached +
 * cache reads + cache writes); cache writes are also named in
 * prompt_tokens_details.cache_write_tokens (the OpenRouter spelling the hub's own Chat usage
 * parser reads), only when there are some: the openai SDK ignores the extra member, and a
 * reader of it can bill the writes apart.
 */
export function encodeChatUsage(usage: NeutralUsage): Raw {
  const cacheWrite = usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
  const prompt = usage.inputTokens + usage.cacheReadTokens + cacheWrite;
  const promptDetails: Raw = { cached_tokens: usage.cacheReadTokens, audio_tokens: 0 };
  if (cacheWrite > 0) promptDetails.cache_write_tokens = cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
