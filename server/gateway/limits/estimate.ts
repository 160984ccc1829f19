/**
 * The cost reserved for a request at admission (docs/decisions/0009-quota-admission.md).
 *
 * Two modes, chosen by the system setting `reservationMode`:
 *
 * - "expected" (default): what the request will most likely cost, so that a member's parallel
 *   requests are admitted while the budget has room for them.
 *     prompt side  body bytes ÷ PROMPT_BYTES_PER_TOKEN, at the input price — or at the cache-write
 *                  price when the request asks for cache writes (Anthropic `cache_control`)
 *     output side  what requests of this model (and key) produced recently, never more than
 *                  max_tokens (COLD_START_OUTPUT_TOKENS until the hub has seen the model)
 *   A window can then be overspent by what its requests in flight cost beyond their estimates;
 *   the decision record states the bound.
 *
 * - "strict": an upper bound of the cost (for teams that resell and must never exceed):
 *     prompt side  ≤ body bytes × the dearest prompt-side price (a token is at least one byte of
 *                  the JSON body; 1-hour cache writes cost 2× input)
 *     output side  ≤ max_tokens (or the model's documented maximum) × output price
 *
 * Both are capped by the system setting reservationCapUsd: a few huge requests cannot lock a
 * whole budget; above the cap the bound is no longer strict (the decision record says by how much).
 */
import { resolvePrices, type PriceData } from "../../domain/prices.ts";

/** When a request names no max_tokens and the price table has no maximum for the model. */
const DEFAULT_MAX_OUTPUT_TOKENS = 32_000;

/**
 * Bytes of JSON request body per prompt token. English prose runs ~4 characters a token and code
 * ~3–3.5; JSON adds quoting and escapes that are bytes, not tokens; CJK text is 3 UTF-8 bytes a
 * character at ~1 token each. 3 errs on the high side for all but escape-heavy CJK bodies (which
 * the output side and the partial-room rule still bound).
 */
export const PROMPT_BYTES_PER_TOKEN = 3;

/** Output expected of a model the hub has not seen answer yet (a typical agent turn). */
export const COLD_START_OUTPUT_TOKENS = 2_000;

export type ReservationMode = "expected" | "strict";

export interface EstimateInput {
  bodyBytes: number;
  maxTokens: number | undefined;
  /** The request asks the upstream to write its prompt to the cache, and for how long. */
  cacheWrite: "5m" | "1h" | null;
  /** Output tokens that recent requests of this model (and key) produced, when known. */
  expectedOutputTokens: number | undefined;
  price: PriceData | undefined;
  capNano: number;
  mode: ReservationMode;
}

export function estimateCostNano(input: EstimateInput): number {
  const { bodyBytes, price } = input;
  if (!price) return 0;
  const outputCap = input.maxTokens ?? price.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  let usd: number;
  if (input.mode === "strict") {
    const prompt = resolvePrices(price, bodyBytes);
    if (!prompt) return 0;
    const promptPrice = Math.max(prompt.input, prompt.cacheWrite5m, prompt.cacheWrite1h, prompt.cacheRead);
    usd = bodyBytes * promptPrice + outputCap * prompt.output;
  } else {
    const promptTokens = Math.ceil(bodyBytes / PROMPT_BYTES_PER_TOKEN);
    const prompt = resolvePrices(price, promptTokens);
    if (!prompt) return 0;
    const promptPrice = input.cacheWrite === "1h" ? prompt.cacheWrite1h : input.cacheWrite === "5m" ? prompt.cacheWrite5m : prompt.input;
    const outputTokens = Math.min(outputCap, Math.ceil(input.expectedOutputTokens ?? COLD_START_OUTPUT_TOKENS));
    usd = promptTokens * promptPrice + outputTokens * prompt.output;
  }
  return Math.min(Math.ceil(usd * 1e9), input.capNano);
}
