import { describe, expect, it } from "vitest";
import { boundJson, cut } from "./log-rows.ts";
import { memberDecisionChain, memberErrorMessage } from "./log-member-view.ts";

describe("bounding log text", () => {
  it("cuts a long string and marks the cut, and leaves a short one alone", () => {
    expect(cut("abcdef", 3)).toBe("abc…");
    expect(cut("abc", 3)).toBe("abc");
  });

  it("cuts every string of a decision chain, keys included, and long arrays", () => {
    const chain = { attempts: [{ model: "m".repeat(500_000), ["k".repeat(12)]: 1 }], candidates: Array.from({ length: 150 }, (_, i) => i) };
    const bounded = boundJson(chain, 10) as { attempts: Array<Record<string, unknown>>; candidates: number[] };
    expect(bounded.attempts[0]).toEqual({ model: "mmmmmmmmmm…", "kkkkkkkkkk…": 1 });
    expect(bounded.candidates).toHaveLength(100);
  });
});

describe("what a member sees of a request", () => {
  it("replaces upstream error text with the hub's classification, keeping the hub's own refusals", () => {
    expect(memberErrorMessage("upstream_http_error", 429, "org-123 over quota")).toBe("The upstream answered with an error. (HTTP 429)");
    expect(memberErrorMessage("bad_gateway", 502, "The upstream could not be reached (connect ECONNREFUSED 10.0.0.5:443).")).not.toContain("10.0.0.5");
    expect(memberErrorMessage("quota_exceeded", 402, "Daily limit of $5 reached.")).toBe("Daily limit of $5 reached.");
    expect(memberErrorMessage(null, 200, null)).toBeNull();
  });

  it("keeps only the attempts of a decision chain, each from 'upstream'", () => {
    const chain = {
      groups: ["vip"],
      candidates: [{ id: 1, name: "pool-a", priority: 0, weight: 3 }],
      filtered: [{ id: 2, name: "pool-b", reason: "group_mismatch" }],
      attempts: [{ providerId: 1, providerName: "pool-a", reason: "initial", attempt: 1, startedAt: 5, statusCode: 500, errorMessage: "secret text" }],
    };
    const seen = JSON.stringify(memberDecisionChain(chain));
    for (const hidden of ["vip", "pool-a", "pool-b", "secret text", "weight", "priority"]) expect(seen).not.toContain(hidden);
    expect(memberDecisionChain(chain)).toMatchObject({ attempts: [{ providerName: "upstream", statusCode: 500, reason: "initial" }] });
  });
});
