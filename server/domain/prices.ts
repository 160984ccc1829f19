/**
 * Model prices, in LiteLLM's field names (USD per token), so the public LiteLLM price file can
 * be synced as it is and admins can paste entries from it.
 */
import { z } from "zod";

const perToken = z.number().nonnegative().finite();

export const priceDataSchema = z
  .object({
    input_cost_per_token: perToken.optional(),
    output_cost_per_token: perToken.optional(),
    cache_creation_input_token_cost: perToken.optional(),
    cache_creation_input_token_cost_above_1hr: perToken.optional(),
    cache_read_input_token_cost: perToken.optional(),
    input_cost_per_token_above_200k_tokens: perToken.optional(),
    output_cost_per_token_above_200k_tokens: perToken.optional(),
    cache_creation_input_token_cost_above_200k_tokens: perToken.optional(),
    cache_creation_input_token_cost_above_1hr_above_200k_tokens: perToken.optional(),
    cache_read_input_token_cost_above_200k_tokens: perToken.optional(),
    input_cost_per_token_above_272k_tokens: perToken.optional(),
    output_cost_per_token_above_272k_tokens: perToken.optional(),
    cache_read_input_token_cost_above_272k_tokens: perToken.optional(),
    litellm_provider: z.string().optional(),
    mode: z.string().optional(),
    max_input_tokens: z.number().optional(),
    max_output_tokens: z.number().optional(),
  })
  .passthrough();

export type PriceData = z.infer<typeof priceDataSchema>;

/** Per-token prices for one request after the tier and derivation rules are applied. */
export interface ResolvedPrices {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  /** Which long-context tier applied, if any ("200k" | "272k"). */
  tier: "200k" | "272k" | null;
}

/**
 * Applies the long-context tier (the whole request is priced at the tier when its prompt side
 * exceeds the threshold and the tier has prices) and derives missing cache prices from the
 * input price: 5-minute write 1.25×, 1-hour write 2×, read 0.1× (Anthropic's published ratios).
 */
export function resolvePrices(price: PriceData, promptTokens: number): ResolvedPrices | null {
  if (price.input_cost_per_token === undefined && price.output_cost_per_token === undefined) return null;
  let tier: ResolvedPrices["tier"] = null;
  let input = price.input_cost_per_token ?? 0;
  let output = price.output_cost_per_token ?? 0;
  let write5m = price.cache_creation_input_token_cost;
  let write1h = price.cache_creation_input_token_cost_above_1hr;
  let read = price.cache_read_input_token_cost;

  if (promptTokens > 272_000 && price.input_cost_per_token_above_272k_tokens !== undefined) {
    tier = "272k";
    input = price.input_cost_per_token_above_272k_tokens;
    output = price.output_cost_per_token_above_272k_tokens ?? output;
    read = price.cache_read_input_token_cost_above_272k_tokens;
    write5m = undefined;
    write1h = undefined;
  } else if (promptTokens > 200_000 && price.input_cost_per_token_above_200k_tokens !== undefined) {
    tier = "200k";
    input = price.input_cost_per_token_above_200k_tokens;
    output = price.output_cost_per_token_above_200k_tokens ?? output;
    write5m = price.cache_creation_input_token_cost_above_200k_tokens;
    write1h = price.cache_creation_input_token_cost_above_1hr_above_200k_tokens;
    read = price.cache_read_input_token_cost_above_200k_tokens;
  }
  return {
    input,
    output,
    cacheWrite5m: write5m ?? input * 1.25,
    cacheWrite1h: write1h ?? input * 2,
    cacheRead: read ?? input * 0.1,
    tier,
  };
}

/**
 * Candidate names to look a model up by, most specific first: the name itself, lowercased,
 * without a vendor prefix ("anthropic/…"), without a date suffix ("-20250929") or "-latest".
 */
export function priceLookupNames(model: string): string[] {
  const names = [model];
  const lower = model.toLowerCase();
  names.push(lower);
  const unprefixed = lower.includes("/") ? lower.slice(lower.lastIndexOf("/") + 1) : lower;
  names.push(unprefixed);
  names.push(unprefixed.replace(/-latest$/, ""));
  names.push(unprefixed.replace(/-\d{8}$/, ""));
  names.push(unprefixed.replace(/-\d{4}-\d{2}-\d{2}$/, ""));
  return [...new Set(names)];
}
