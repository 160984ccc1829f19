import { describe, expect, it } from "vitest";
import { MAX_SENSITIVE_WORDS, MAX_TOTAL_WORD_LENGTH } from "../policy/sensitive-words/matcher.ts";
import { checkTotal, toWordView, validatedWord } from "./sensitive-words.ts";

describe("toWordView", () => {
  const row = { id: 4, word: "secret", matchType: "exact", description: "", isEnabled: true, createdAt: new Date("2026-03-10T10:00:00Z"), updatedAt: new Date("2026-03-11T10:00:00Z") };

  it("shows the row with ISO times, and a match type it does not know as contains", () => {
    expect(toWordView(row)).toEqual({ ...row, createdAt: "2026-03-10T10:00:00.000Z", updatedAt: "2026-03-11T10:00:00.000Z" });
    expect(toWordView({ ...row, matchType: "glob" }).matchType).toBe("contains");
  });
});

describe("validatedWord", () => {
  it("trims words but keeps a pattern as typed", () => {
    expect(validatedWord({ word: "  secret ", matchType: "contains" as const, isEnabled: true })).toEqual({ word: "secret", matchType: "contains", isEnabled: true });
    expect(validatedWord({ word: " a+ ", matchType: "regex" as const }).word).toBe(" a+ ");
  });

  it("refuses what the gateway could not run, naming the word field", () => {
    expect(() => validatedWord({ word: "   ", matchType: "exact" as const })).toThrow(expect.objectContaining({ hubCode: "sensitiveWordEmpty" }));
    expect(() => validatedWord({ word: "(?=x)", matchType: "regex" as const })).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });
});

describe("checkTotal", () => {
  const words = (n: number, length = 1) => Array.from({ length: n }, (_, i) => ({ id: i + 1, word: "x".repeat(length) }));

  it("refuses one word more than the matcher takes, but not an edit of a full set", () => {
    expect(() => checkTotal(words(MAX_SENSITIVE_WORDS), "y")).toThrow(expect.objectContaining({ hubCode: "sensitiveWordsTooMany" }));
    expect(() => checkTotal(words(MAX_SENSITIVE_WORDS), "y", 1)).not.toThrow();
  });

  it("counts the saved word in place of the one it replaces against the length bound", () => {
    const stored = words(2, MAX_TOTAL_WORD_LENGTH / 2);
    expect(() => checkTotal(stored, "y")).toThrow(expect.objectContaining({ hubCode: "sensitiveWordsTooLong", hubVars: { max: MAX_TOTAL_WORD_LENGTH, total: MAX_TOTAL_WORD_LENGTH + 1 } }));
    expect(() => checkTotal(stored, "y", 2)).not.toThrow();
  });
});
