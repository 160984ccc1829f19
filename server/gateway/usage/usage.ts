/**
 * Token usage of one request, normalised to Anthropic's disjoint buckets: `inputTokens` never
 * includes cached tokens. OpenAI and Gemini report cached tokens inside their input count;
 * each format's usage parser converts to this shape (see formats/<format>/usage.ts).
 */
export interface Usage {
  /** Input tokens that were neither written to nor read from the prompt cache. */
  inputTokens: number;
  outputTokens: number;
  /** Tokens written to the 5-minute prompt cache. */
  cacheCreation5mTokens: number;
  /** Tokens written to the 1-hour prompt cache. */
  cacheCreation1hTokens: number;
  cacheReadTokens: number;
}

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheCreation5mTokens: 0,
  cacheCreation1hTokens: 0,
  cacheReadTokens: 0,
});

export function emptyUsage(): Usage {
  return { ...ZERO_USAGE };
}

/** All prompt-side tokens (what long-context price tiers are measured against). */
export function promptTokens(u: Usage): number {
  return u.inputTokens + u.cacheCreation5mTokens + u.cacheCreation1hTokens + u.cacheReadTokens;
}

export function hasUsage(u: Usage): boolean {
  return promptTokens(u) + u.outputTokens > 0;
}

/** A non-negative integer from an untrusted usage field (missing, null or junk → 0). */
export function tokenCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
