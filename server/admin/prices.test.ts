import { describe, expect, it } from "vitest";
import type { ModelPrice } from "../generated/prisma/client.ts";
import { perMillion, toPriceItem } from "./prices.ts";

describe("perMillion", () => {
  it("turns USD per token into USD per million tokens without float noise", () => {
    expect(perMillion(3e-6)).toBe(3);
    expect(perMillion(0.0000375)).toBe(37.5);
    expect(perMillion(0)).toBe(0);
  });

  it("has no figure for what is not a finite number", () => {
    expect(perMillion(undefined)).toBeNull();
    expect(perMillion("3e-6")).toBeNull();
    expect(perMillion(Number.NaN)).toBeNull();
  });
});

describe("toPriceItem", () => {
  const row: ModelPrice = {
    id: 9,
    modelName: "claude-x",
    source: "litellm",
    priceData: { input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5, cache_read_input_token_cost: 3e-7, litellm_provider: "anthropic", mode: "chat" },
    createdAt: new Date("2026-03-10T10:00:00Z"),
    updatedAt: new Date("2026-03-11T10:00:00Z"),
  };

  it("shows the main prices per million tokens beside the raw entry", () => {
    expect(toPriceItem(row)).toEqual({
      id: 9,
      modelName: "claude-x",
      source: "litellm",
      priceData: row.priceData,
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheWrite5mPerMTok: null,
      cacheWrite1hPerMTok: null,
      cacheReadPerMTok: 0.3,
      litellmProvider: "anthropic",
      mode: "chat",
      updatedAt: "2026-03-11T10:00:00.000Z",
    });
  });

  it("reads an entry that is not an object as empty, and an unknown source as manual", () => {
    expect(toPriceItem({ ...row, source: "imported", priceData: [1, 2] })).toMatchObject({ source: "manual", priceData: {}, inputPerMTok: null, litellmProvider: null, mode: null });
  });
});
