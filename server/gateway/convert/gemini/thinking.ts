/**
 * Neutral reasoning config → Gemini thinkingConfig, by model family, because Gemini answers 400
 * to a config its model does not take:
 *
 * - gemini-1.x, gemini-2.0: no thinking at all → no thinkingConfig (noted when thinking was on);
 * - gemini-2.5: thinkingBudget only (thinkingLevel is refused before Gemini 3), within the
 *   model's range — Pro 128–32768 and thinking cannot be off (off → 128, noted), Flash-Lite
 *   512–24576 (0 = off), Flash 1–24576 (0 = off); an effort becomes a budget (EFFORT_BUDGETS);
 * - gemini-3 and later: an effort → thinkingLevel (Pro knows only low and high), a budget is
 *   sent as is (still accepted), off → the lowest level (noted: Gemini 3 always thinks);
 * - a name the hub does not recognise (an alias): thinkingBudget, which 2.5 and 3 both take.
 *
 * Gemini refuses thinkingBudget and thinkingLevel together: one of them is sent. includeThoughts
 * defaults to true when thinking is on (a client that enabled thinking wants to see it).
 */
import type { ReasoningConfig, ReasoningEffort } from "../neutral.ts";

type Json = Record<string, unknown>;

/** Budgets for an effort on models that only take budgets (before the per-model clamp). */
const EFFORT_BUDGETS: Record<ReasoningEffort, number> = { minimal: 512, low: 2048, medium: 8192, high: 24576 };

interface Range {
  min: number;
  max: number;
  /** Thinking can be turned off with 0. */
  canDisable: boolean;
}

type Family = { kind: "none" } | { kind: "budget"; range: Range } | { kind: "level"; pro: boolean } | { kind: "unknown" };

export function thinkingFamily(model: string): Family {
  const name = model.toLowerCase();
  if (/gemini-(1\.|2\.0)/.test(name)) return { kind: "none" };
  if (name.includes("gemini-2.5")) {
    if (name.includes("flash-lite")) return { kind: "budget", range: { min: 512, max: 24576, canDisable: true } };
    if (name.includes("flash")) return { kind: "budget", range: { min: 1, max: 24576, canDisable: true } };
    return { kind: "budget", range: { min: 128, max: 32768, canDisable: false } };
  }
  if (/gemini-([3-9]|\d\d)/.test(name)) return { kind: "level", pro: name.includes("pro") };
  return { kind: "unknown" };
}

function clamp(value: number, range: Range): number {
  return Math.min(range.max, Math.max(range.min, Math.round(value)));
}

/** The thinkingConfig for `model`, or undefined when none must be sent; `note` records what changed. */
export function encodeThinking(reasoning: ReasoningConfig, model: string, note: (text: string) => void): Json | undefined {
  const family = thinkingFamily(model);
  if (family.kind === "none") {
    if (reasoning.enabled) note(`thinking: ${model} does not think`);
    return undefined;
  }
  const config: Json = {};
  switch (family.kind) {
    case "budget": {
      if (!reasoning.enabled) {
        if (family.range.canDisable) config.thinkingBudget = 0;
        else {
          config.thinkingBudget = family.range.min;
          note(`thinking off: ${model} cannot turn thinking off, smallest budget sent`);
        }
        break;
      }
      const wanted = reasoning.budgetTokens ?? (reasoning.effort ? EFFORT_BUDGETS[reasoning.effort] : undefined);
      if (wanted !== undefined) {
        config.thinkingBudget = clamp(wanted, family.range);
        if (config.thinkingBudget !== wanted) note(`thinking budget ${wanted}: ${model} takes ${family.range.min}–${family.range.max}`);
      }
      break;
    }
    case "level": {
      if (!reasoning.enabled) {
        config.thinkingLevel = family.pro ? "low" : "minimal";
        note(`thinking off: ${model} always thinks, lowest level sent`);
      } else if (reasoning.budgetTokens !== undefined) config.thinkingBudget = reasoning.budgetTokens;
      else if (reasoning.effort !== undefined) {
        const effort = reasoning.effort;
        config.thinkingLevel = family.pro ? (effort === "minimal" || effort === "low" ? "low" : "high") : effort;
      }
      break;
    }
    case "unknown":
      if (!reasoning.enabled) config.thinkingBudget = 0;
      else if (reasoning.budgetTokens !== undefined) config.thinkingBudget = reasoning.budgetTokens;
      else if (reasoning.effort !== undefined) config.thinkingBudget = EFFORT_BUDGETS[reasoning.effort];
      break;
  }
  const include = reasoning.includeThoughts ?? (reasoning.enabled ? true : undefined);
  if (include !== undefined) config.includeThoughts = include;
  return config;
}
