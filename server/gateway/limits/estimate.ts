/**
 * The cost reserved for a request at admission: an upper bound of what it can cost, so that
 * concurrent requests cannot spend the same room (see docs/decisions/0009-quota-admission.md).
 *
 *   prompt side  ≤ body bytes × the dearest prompt-side price (a token is at least one byte of
 *                  the JSON body; cache writes may cost up to 2× input)
 *   output side  ≤ max_tokens (or the model's documented maximum) × output price
 *
 * The estimate is capped by the system setting reservationCapUsd: a few huge requests cannot
 * lock a whole budget; above the cap the bound is no longer strict (the decision record says
 * by how much).
 */
import { resolvePrices, type PriceData } from "../usage/prices.ts";

/** When a request names no max_tokens and the price table has no maximum for the model. */
const DEFAULT_MAX_OUTPUT_TOKENS = 32_000;

export function estimateCostNano(bodyBytes: number, maxTokens: number | undefined, price: PriceData | undefined, capNano: number): number {
  if (!price) return 0;
  const prompt = resolvePrices(price, bodyBytes);
  if (!prompt) return 0;
  const promptPrice = Math.max(prompt.input, prompt.cacheWrite5m, prompt.cacheWrite1h, prompt.cacheRead);
  const outputTokens = maxTokens ?? price.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const usd = bodyBytes * promptPrice + outputTokens * prompt.output;
  return Math.min(Math.ceil(usd * 1e9), capNano);
}
