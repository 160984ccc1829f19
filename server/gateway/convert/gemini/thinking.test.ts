import { describe, expect, it } from "vitest";
import type { ReasoningConfig } from "../neutral.ts";
import { encodeThinking } from "./thinking.ts";

function encode(reasoning: ReasoningConfig, model: string) {
  const notes: string[] = [];
  return { config: encodeThinking(reasoning, model, (text) => notes.push(text)), notes };
}

describe("encodeThinking", () => {
  it("sends no thinkingConfig to models that do not think", () => {
    expect(encode({ enabled: true, budgetTokens: 1000 }, "gemini-2.0-flash")).toEqual({ config: undefined, notes: ["thinking: gemini-2.0-flash does not think"] });
    expect(encode({ enabled: false }, "gemini-1.5-pro")).toEqual({ config: undefined, notes: [] });
  });

  it("keeps a 2.5 budget within the model's range and maps an effort to a budget", () => {
    expect(encode({ enabled: true, budgetTokens: 31999 }, "gemini-2.5-flash")).toEqual({
      config: { thinkingBudget: 24576, includeThoughts: true },
      notes: ["thinking budget 31999: gemini-2.5-flash takes 1–24576"],
    });
    expect(encode({ enabled: true, budgetTokens: 31999 }, "gemini-2.5-pro").config).toEqual({ thinkingBudget: 31999, includeThoughts: true });
    expect(encode({ enabled: true, budgetTokens: 100 }, "gemini-2.5-flash-lite").config).toEqual({ thinkingBudget: 512, includeThoughts: true });
    expect(encode({ enabled: true, effort: "medium", includeThoughts: false }, "gemini-2.5-pro").config).toEqual({ thinkingBudget: 8192, includeThoughts: false });
    expect(encode({ enabled: true }, "gemini-2.5-pro").config).toEqual({ includeThoughts: true });
  });

  it("turns thinking off on 2.5 Flash, and sends the smallest budget to 2.5 Pro, which cannot turn it off", () => {
    expect(encode({ enabled: false }, "gemini-2.5-flash")).toEqual({ config: { thinkingBudget: 0 }, notes: [] });
    expect(encode({ enabled: false }, "gemini-2.5-pro")).toEqual({
      config: { thinkingBudget: 128 },
      notes: ["thinking off: gemini-2.5-pro cannot turn thinking off, smallest budget sent"],
    });
  });

  it("sends Gemini 3 an effort as thinkingLevel (Pro: low or high) and a budget as it is", () => {
    expect(encode({ enabled: true, effort: "medium" }, "gemini-3-pro-preview").config).toEqual({ thinkingLevel: "high", includeThoughts: true });
    expect(encode({ enabled: true, effort: "minimal" }, "gemini-3-pro-preview").config).toEqual({ thinkingLevel: "low", includeThoughts: true });
    expect(encode({ enabled: true, effort: "medium" }, "gemini-3-flash-preview").config).toEqual({ thinkingLevel: "medium", includeThoughts: true });
    expect(encode({ enabled: true, budgetTokens: 4000 }, "gemini-3-pro-preview").config).toEqual({ thinkingBudget: 4000, includeThoughts: true });
    expect(encode({ enabled: false }, "gemini-3-flash-preview")).toEqual({
      config: { thinkingLevel: "minimal" },
      notes: ["thinking off: gemini-3-flash-preview always thinks, lowest level sent"],
    });
  });

  it("sends a model it does not recognise a budget, which every thinking model takes", () => {
    expect(encode({ enabled: true, effort: "high" }, "team-default").config).toEqual({ thinkingBudget: 24576, includeThoughts: true });
    expect(encode({ enabled: false }, "team-default").config).toEqual({ thinkingBudget: 0 });
  });
});
