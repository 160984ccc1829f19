import { describe, expect, it } from "vitest";
import { readDecisionChain } from "./request-detail.ts";

describe("the decision chain as the log page reads it", () => {
  it("keeps the request filters that ran, and reads rows from before filters existed", () => {
    const note = { id: 3, name: "tag", phase: "request", providerId: 1, applied: 1, skipped: 0 };
    expect(readDecisionChain({ candidates: [], filtered: [], attempts: [], filters: [note] })?.filters).toEqual([note]);
    expect(readDecisionChain({ candidates: [], filtered: [], attempts: [] })?.filters).toBeUndefined();
    expect(readDecisionChain({ candidates: [], filtered: [], attempts: [], filters: "odd" })?.filters).toEqual([]);
  });
});
