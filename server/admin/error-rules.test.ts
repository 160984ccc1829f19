import { describe, expect, it } from "vitest";
import type { ErrorRule } from "../generated/prisma/client.ts";
import { HubError } from "../trpc/hub-errors.ts";
import { regexProblem, toRuleView, validatedRule, withChanges, type RuleFields } from "./error-rules.ts";

const rule: RuleFields = {
  pattern: "prompt is too long",
  matchType: "contains",
  category: "prompt_limit",
  description: "",
  retryable: false,
  countsTowardBreaker: false,
  overrideMessage: null,
  overrideStatusCode: null,
  isEnabled: true,
  priority: 0,
};

const row: ErrorRule = {
  id: 3,
  ...rule,
  isDefault: true,
  createdAt: new Date("2026-03-10T10:00:00Z"),
  updatedAt: new Date("2026-03-11T10:00:00Z"),
};

describe("toRuleView", () => {
  it("shows the row with ISO times", () => {
    expect(toRuleView(row)).toEqual({ ...rule, id: 3, isDefault: true, createdAt: "2026-03-10T10:00:00.000Z", updatedAt: "2026-03-11T10:00:00.000Z" });
  });

  it("shows a match type it does not know as contains", () => {
    expect(toRuleView({ ...row, matchType: "glob" }).matchType).toBe("contains");
  });
});

describe("validatedRule", () => {
  it("compiles regex patterns as the gateway would, and leaves other match types alone", () => {
    expect(regexProblem("^quota.*exceeded$")).toBeUndefined();
    expect(regexProblem("(unclosed")?.code).toBe("rulePatternInvalid");
    expect(validatedRule({ ...rule, pattern: "(unclosed" }).pattern).toBe("(unclosed");
  });

  it("refuses a regex that does not compile with the rule's coded problem", () => {
    const refusal = (() => {
      try {
        validatedRule({ ...rule, matchType: "regex", pattern: "(unclosed" });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(HubError);
    expect(refusal).toMatchObject({ code: "BAD_REQUEST", hubCode: "rulePatternInvalid" });
  });

  it("checks an update's result whole: a stored pattern becomes a regex only if it compiles", () => {
    const stored = toRuleView({ ...row, pattern: "a(b" });
    expect(withChanges(stored, { priority: 5 })).toEqual({ ...rule, pattern: "a(b", priority: 5 });
    expect(() => validatedRule(withChanges(stored, { matchType: "regex" }))).toThrow(HubError);
  });
});
