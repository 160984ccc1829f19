/**
 * The cost of one request: tokens × per-token prices × provider multiplier × group multiplier,
 * computed in integer femto-USD (1e-15) with BigInt and rounded once, to nano-USD, at the end.
 */
import { resolvePrices, type PriceData, type ResolvedPrices } from "../../domain/prices.ts";
import { promptTokens, type Usage } from "./usage.ts";

export interface CostBreakdown {
  /** Nano-USD per component, before multipliers. */
  inputNano: number;
  outputNano: number;
  cacheWrite5mNano: number;
  cacheWrite1hNano: number;
  cacheReadNano: number;
  baseNano: number;
  providerMultiplier: number;
  groupMultiplier: number;
  tier: ResolvedPrices["tier"];
  /** The model name the price was found under. */
  pricedAs: string;
  totalNano: number;
}

const FEMTO_PER_USD = 1e15;
const FEMTO_PER_NANO = 1_000_000n;
const MULTIPLIER_SCALE = 10_000n;

function femto(pricePerToken: number): bigint {
  return BigInt(Math.round(pricePerToken * FEMTO_PER_USD));
}

function toNano(femtoAmount: bigint): number {
  // round half up (amounts are never negative)
  return Number((femtoAmount + FEMTO_PER_NANO / 2n) / FEMTO_PER_NANO);
}

function scaled(multiplier: number): bigint {
  return BigInt(Math.round(multiplier * Number(MULTIPLIER_SCALE)));
}

/** The cost, or null when the model has no usable price (the request is logged unpriced). */
export function computeCost(
  usage: Usage,
  price: PriceData | undefined,
  options: { pricedAs: string; providerMultiplier?: number; groupMultiplier?: number },
): CostBreakdown | null {
  if (!price) return null;
  const prices = resolvePrices(price, promptTokens(usage));
  if (!prices) return null;
  const parts = {
    input: BigInt(usage.inputTokens) * femto(prices.input),
    output: BigInt(usage.outputTokens) * femto(prices.output),
    write5m: BigInt(usage.cacheCreation5mTokens) * femto(prices.cacheWrite5m),
    write1h: BigInt(usage.cacheCreation1hTokens) * femto(prices.cacheWrite1h),
    read: BigInt(usage.cacheReadTokens) * femto(prices.cacheRead),
  };
  const base = parts.input + parts.output + parts.write5m + parts.write1h + parts.read;
  const providerMultiplier = options.providerMultiplier ?? 1;
  const groupMultiplier = options.groupMultiplier ?? 1;
  const total = (base * scaled(providerMultiplier) * scaled(groupMultiplier)) / (MULTIPLIER_SCALE * MULTIPLIER_SCALE);
  return {
    inputNano: toNano(parts.input),
    outputNano: toNano(parts.output),
    cacheWrite5mNano: toNano(parts.write5m),
    cacheWrite1hNano: toNano(parts.write1h),
    cacheReadNano: toNano(parts.read),
    baseNano: toNano(base),
    providerMultiplier,
    groupMultiplier,
    tier: prices.tier,
    pricedAs: options.pricedAs,
    totalNano: toNano(total),
  };
}
