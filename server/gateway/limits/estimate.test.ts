import { describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../domain/default-prices.ts";
import { COLD_START_OUTPUT_TOKENS, estimateCostNano, PROMPT_BYTES_PER_TOKEN, type EstimateInput } from "./estimate.ts";

const price = (model: string) => DEFAULT_PRICES.find((p) => p.modelName === model)!.priceData;
const NO_CAP = Number.MAX_SAFE_INTEGER;
const usd = (nano: number) => nano / 1e9;

function estimate(overrides: Partial<EstimateInput>): number {
  return estimateCostNano({
    bodyBytes: 0,
    maxTokens: undefined,
    cacheWrite: null,
    expectedOutputTokens: undefined,
    price: price("claude-sonnet-4-5"),
    capNano: NO_CAP,
    mode: "expected",
    ...overrides,
  });
}

describe("the expected cost reserved at admission", () => {
  it("prices the prompt from a calibrated bytes-per-token ratio at the input rate", () => {
    // 30 000 bytes ≈ 10 000 tokens × $3/MTok; no output expected yet beyond max_tokens 0.
    expect(usd(estimate({ bodyBytes: 30_000, maxTokens: 0 }))).toBeCloseTo((30_000 / PROMPT_BYTES_PER_TOKEN) * 3e-6, 8);
  });

  it("prices the prompt at the cache-write rate only when the request asks for cache writes", () => {
    const plain = estimate({ bodyBytes: 30_000, maxTokens: 0 });
    expect(estimate({ bodyBytes: 30_000, maxTokens: 0, cacheWrite: "5m" }) / plain).toBeCloseTo(1.25, 6);
    expect(estimate({ bodyBytes: 30_000, maxTokens: 0, cacheWrite: "1h" }) / plain).toBeCloseTo(2, 6);
  });

  it("expects what recent requests produced, never more than max_tokens, and a typical turn before any", () => {
    const output = (o: Partial<EstimateInput>) => usd(estimate({ bodyBytes: 0, ...o })) / 15e-6;
    expect(output({ maxTokens: 32_000 })).toBeCloseTo(COLD_START_OUTPUT_TOKENS, 6);
    expect(output({ maxTokens: 32_000, expectedOutputTokens: 812.4 })).toBeCloseTo(813, 6);
    expect(output({ maxTokens: 300, expectedOutputTokens: 812 })).toBeCloseTo(300, 6);
    expect(output({ maxTokens: 100 })).toBeCloseTo(100, 6);
  });

  it("lets 8 parallel Claude-Code-sized requests fit a $10 budget for every Claude model", () => {
    // 120 KiB body with cache breakpoints, max_tokens 32000, nothing seen yet.
    for (const model of ["claude-opus-4-1", "claude-opus-4-5", "claude-sonnet-4-5"]) {
      const each = estimate({ bodyBytes: 120 * 1024, maxTokens: 32_000, cacheWrite: "5m", price: price(model) });
      expect(8 * usd(each), model).toBeLessThan(10);
      // The worst case, as the strict mode reserves it, does not fit (that was the complaint).
      const strict = estimate({ bodyBytes: 120 * 1024, maxTokens: 32_000, cacheWrite: "5m", price: price(model), mode: "strict", capNano: 5e9 });
      expect(strict, model).toBeGreaterThan(each * 3);
    }
  });

  it("keeps the strict mode an upper bound: every body byte at the dearest prompt price plus all of max_tokens", () => {
    const strict = estimate({ bodyBytes: 20_000, maxTokens: 200, mode: "strict", expectedOutputTokens: 10 });
    // Sonnet: 1-hour cache write $6/MTok, output $15/MTok.
    expect(usd(strict)).toBeCloseTo(20_000 * 6e-6 + 200 * 15e-6, 8);
  });

  it("is capped, and free for a model without a price", () => {
    expect(estimate({ bodyBytes: 10_000_000, maxTokens: 32_000, capNano: 5e9 })).toBe(5e9);
    expect(estimate({ bodyBytes: 10_000, price: undefined })).toBe(0);
  });
});
