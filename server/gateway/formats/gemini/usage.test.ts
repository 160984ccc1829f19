import { describe, expect, it } from "vitest";
import { geminiUsage } from "./usage.ts";

describe("geminiUsage", () => {
  it("takes cached tokens out of the prompt and adds thoughts to the output", () => {
    expect(
      geminiUsage({ promptTokenCount: 5000, cachedContentTokenCount: 4000, candidatesTokenCount: 150, thoughtsTokenCount: 50, totalTokenCount: 5200 }),
    ).toEqual({ inputTokens: 1000, cacheReadTokens: 4000, outputTokens: 200, cacheCreation5mTokens: 0, cacheCreation1hTokens: 0 });
  });

  it("bills tool-use prompt tokens as input", () => {
    expect(geminiUsage({ promptTokenCount: 100, toolUsePromptTokenCount: 30, candidatesTokenCount: 5 })).toMatchObject({ inputTokens: 130, outputTokens: 5 });
  });

  it("treats missing, null and junk counts as zero and never goes negative", () => {
    expect(geminiUsage({ promptTokenCount: 10 })).toMatchObject({ inputTokens: 10, outputTokens: 0, cacheReadTokens: 0 });
    expect(geminiUsage({ promptTokenCount: null, candidatesTokenCount: "7", thoughtsTokenCount: -3 })).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(geminiUsage({ promptTokenCount: 5, cachedContentTokenCount: 9 })).toMatchObject({ inputTokens: 0, cacheReadTokens: 9 });
    expect(geminiUsage(undefined)).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(geminiUsage("nope")).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });
});
