/** Format conversion in provider selection: who is eligible, and native providers first within a tier. */
import { describe, expect, it } from "vitest";
import type { CachedProvider } from "../../catalog/types.ts";
import { findCandidates, needsConversion } from "./candidates.ts";
import { orderCandidates } from "./order.ts";

function provider(id: number, providerType: CachedProvider["providerType"], extra: Partial<CachedProvider> = {}): CachedProvider {
  return {
    id,
    name: `p${id}`,
    providerType,
    groups: ["default"],
    groupPriorities: {},
    isEnabled: true,
    activeTimeStart: null,
    activeTimeEnd: null,
    allowedModels: [],
    allowedClients: [],
    blockedClients: [],
    priority: 0,
    weight: 1,
    allowFormatConversion: false,
    ...extra,
  } as unknown as CachedProvider;
}

const query = { format: "claude" as const, model: "claude-sonnet-4-5", groups: ["default"], now: 0, timeZone: "UTC" };

describe("conversion in candidate selection", () => {
  it("a provider of another format is eligible only when it allows conversion and the route is convertible", () => {
    const providers = [provider(1, "claude"), provider(2, "openai-compatible", { allowFormatConversion: true }), provider(3, "gemini")];
    const convertible = findCandidates(providers, { ...query, convertible: true });
    expect(convertible.eligible.map((p) => p.id)).toEqual([1, 2]);
    expect(convertible.filtered).toEqual([{ id: 3, name: "p3", reason: "format_mismatch", detail: "gemini", }]);
    // count_tokens-like routes that cannot be converted keep the strict format rule.
    expect(findCandidates(providers, { ...query, convertible: false }).eligible.map((p) => p.id)).toEqual([1]);
  });

  it("within a priority tier the providers needing no conversion come first, whatever their weight", () => {
    const providers = [
      provider(1, "openai-compatible", { allowFormatConversion: true, weight: 1000 }),
      provider(2, "claude", { weight: 1 }),
      provider(3, "gemini", { allowFormatConversion: true, priority: -1 }),
      provider(4, "claude-auth", { weight: 1 }),
    ];
    for (let i = 0; i < 20; i++) {
      const order = orderCandidates(providers, ["default"], Math.random, (p) => needsConversion(p, "claude")).map((p) => p.id);
      // Priority still comes first: the better tier's converting provider precedes everything.
      expect(order[0]).toBe(3);
      expect(order.slice(1, 3).sort()).toEqual([2, 4]);
      expect(order[3]).toBe(1);
    }
  });
});
