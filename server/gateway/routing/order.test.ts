import { describe, expect, it } from "vitest";
import { weightedShuffle } from "./order.ts";

describe("weightedShuffle", () => {
  it("puts each item first with a probability proportional to its weight", () => {
    const items = [
      { id: "a", weight: 1 },
      { id: "b", weight: 3 },
      { id: "c", weight: 0 },
    ];
    const firsts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 20_000; i++) firsts[weightedShuffle(items, random)[0].id]++;
    expect(firsts.a / 20_000).toBeCloseTo(0.25, 1);
    expect(firsts.b / 20_000).toBeCloseTo(0.75, 1);
    expect(firsts.c).toBe(0);
  });

  it("keeps every item exactly once", () => {
    const items = [1, 2, 3, 4].map((id) => ({ id, weight: id }));
    expect(weightedShuffle(items, Math.random).map((x) => x.id).sort()).toEqual([1, 2, 3, 4]);
  });
});
