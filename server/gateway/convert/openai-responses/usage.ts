/**
 * Usage between the Responses dialect and the neutral (Anthropic-like, disjoint) buckets.
 * `input_tokens` includes `input_tokens_details.cached_tokens`; `output_tokens` includes
 * `output_tokens_details.reasoning_tokens`. The Responses API reports no cache writes, so on the
 * way back any cache writes of another upstream are counted as (uncached) input tokens.
 */
import { tokenCount } from "../../usage/usage.ts";
import type { NeutralUsage } from "../neutral.ts";

type Raw = Record<string, unknown>;

function object(value: unknown): Raw {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Raw) : {};
}

export function decodeUsage(raw: unknown): NeutralUsage {
  const usage = object(raw);
  const input = tokenCount(usage.input_tokens);
  // Cached tokens are a subset of the input: never let a relay's larger figure go negative.
  const cached = Math.min(input, tokenCount(object(usage.input_tokens_details).cached_tokens));
  const decoded: NeutralUsage = {
    inputTokens: input - cached,
    outputTokens: tokenCount(usage.output_tokens),
    cacheReadTokens: cached,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
  };
  const reasoning = object(usage.output_tokens_details).reasoning_tokens;
  if (typeof reasoning === "number") decoded.reasoningTokens = tokenCount(reasoning);
  return decoded;
}

/** The Responses `usage` object of a response that ended with `usage`. */
export function encodeUsage(usage: NeutralUsage): Raw {
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: input + usage.outputTokens,
  };
}
