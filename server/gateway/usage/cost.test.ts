import { describe, expect, it } from "vitest";
import { computeCost } from "./cost.ts";
import { DEFAULT_PRICES } from "../../domain/default-prices.ts";
import { nanoToDecimal, usdToNano } from "../../domain/money.ts";
import { priceLookupNames } from "../../domain/prices.ts";
import { emptyUsage, type Usage } from "./usage.ts";

const priceOf = (model: string) => DEFAULT_PRICES.find((p) => p.modelName === model)!.priceData;
const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

describe("computeCost", () => {
  it("prices input and output at the list price, to the nano-dollar", () => {
    // Sonnet 4.5: $3 / MTok in, $15 / MTok out → 1000 in + 500 out = $0.003 + $0.0075
    const cost = computeCost(usage({ inputTokens: 1000, outputTokens: 500 }), priceOf("claude-sonnet-4-5"), { pricedAs: "claude-sonnet-4-5" });
    expect(cost?.totalNano).toBe(10_500_000);
    expect(nanoToDecimal(cost!.totalNano)).toBe("0.010500000");
  });

  it("prices 5-minute writes, 1-hour writes and cache reads separately", () => {
    // Haiku 4.5: write5m $1.25, write1h $2, read $0.10 per MTok
    const cost = computeCost(
      usage({ cacheCreation5mTokens: 1_000_000, cacheCreation1hTokens: 1_000_000, cacheReadTokens: 1_000_000 }),
      priceOf("claude-haiku-4-5"),
      { pricedAs: "claude-haiku-4-5" },
    )!;
    expect(cost.cacheWrite5mNano).toBe(1_250_000_000);
    expect(cost.cacheWrite1hNano).toBe(2_000_000_000);
    expect(cost.cacheReadNano).toBe(100_000_000);
    expect(cost.totalNano).toBe(3_350_000_000);
  });

  it("derives missing cache prices from the input price (1.25×, 2×, 0.1×)", () => {
    const cost = computeCost(
      usage({ cacheCreation5mTokens: 100, cacheCreation1hTokens: 100, cacheReadTokens: 100 }),
      { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
      { pricedAs: "x" },
    )!;
    // 100 tokens × $1.25 / MTok = $0.000125
    expect(cost.cacheWrite5mNano).toBe(125_000);
    expect(cost.cacheWrite1hNano).toBe(200_000);
    expect(cost.cacheReadNano).toBe(10_000);
  });

  it("prices the whole request at the long-context tier above 200k prompt tokens", () => {
    const below = computeCost(usage({ inputTokens: 200_000, outputTokens: 1000 }), priceOf("claude-sonnet-4-5"), { pricedAs: "m" })!;
    const above = computeCost(usage({ inputTokens: 150_000, cacheReadTokens: 50_001, outputTokens: 1000 }), priceOf("claude-sonnet-4-5"), { pricedAs: "m" })!;
    expect(below.tier).toBeNull();
    expect(below.totalNano).toBe(600_000_000 + 15_000_000);
    expect(above.tier).toBe("200k");
    // $6 in, $22.50 out, $0.60 cache read per MTok
    expect(above.inputNano).toBe(900_000_000);
    expect(above.cacheReadNano).toBe(30_000_600); // 50_001 × $0.60 / MTok = $0.0300006
    expect(above.outputNano).toBe(22_500_000);
  });

  it("applies the provider and group multipliers to the total", () => {
    const cost = computeCost(usage({ inputTokens: 100_000 }), priceOf("claude-sonnet-4-5"), {
      pricedAs: "m",
      providerMultiplier: 1.5,
      groupMultiplier: 0.8,
    })!;
    expect(cost.baseNano).toBe(300_000_000);
    expect(cost.totalNano).toBe(360_000_000);
  });

  it("returns null for a model with no price", () => {
    expect(computeCost(usage({ inputTokens: 10 }), undefined, { pricedAs: "m" })).toBeNull();
    expect(computeCost(usage({ inputTokens: 10 }), { mode: "chat" }, { pricedAs: "m" })).toBeNull();
  });
});

describe("money", () => {
  it("converts between decimal USD and nano-USD exactly", () => {
    expect(usdToNano("12.5")).toBe(12_500_000_000);
    expect(usdToNano("0.000000001")).toBe(1);
    expect(usdToNano("0.0000000015")).toBe(2);
    expect(usdToNano(0.1 + 0.2)).toBe(300_000_000);
    expect(nanoToDecimal(1)).toBe("0.000000001");
    expect(nanoToDecimal(12_500_000_000)).toBe("12.500000000");
  });
});

describe("priceLookupNames", () => {
  it("tries the exact name, then without vendor prefix and date suffix", () => {
    expect(priceLookupNames("anthropic/claude-sonnet-4-5-20250929")).toContain("claude-sonnet-4-5-20250929");
    expect(priceLookupNames("claude-sonnet-4-5-20250929")).toContain("claude-sonnet-4-5");
    expect(priceLookupNames("gpt-4o-2024-08-06")).toContain("gpt-4o");
  });
});
