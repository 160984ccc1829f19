/**
 * The manual price form (prices.upsert input). People think in USD per million tokens; the hub
 * stores LiteLLM's USD per token, so the form converts. Fields the form has no input for (long-
 * context tiers, limits…) travel as JSON in "extra" and are kept as they were.
 */
import { z } from "zod";
import { msg, nullableNumber, nullableText, requiredText } from "./form-data.ts";

const PER_MTOK = { min: 0, max: 1_000_000 };

/** Form field → LiteLLM field (both prices per token). */
export const PRICE_FIELDS = [
  { name: "inputPerMTok", field: "input_cost_per_token", label: "prices.input" },
  { name: "outputPerMTok", field: "output_cost_per_token", label: "prices.output" },
  { name: "cacheWrite5mPerMTok", field: "cache_creation_input_token_cost", label: "prices.cacheWrite5m" },
  { name: "cacheWrite1hPerMTok", field: "cache_creation_input_token_cost_above_1hr", label: "prices.cacheWrite1h" },
  { name: "cacheReadPerMTok", field: "cache_read_input_token_cost", label: "prices.cacheRead" },
] as const;

/** The LiteLLM fields the form edits directly (everything else is "extra"). */
const EDITED = new Set<string>([...PRICE_FIELDS.map((f) => f.field), "litellm_provider", "mode"]);

/** The entries of a price the form has no input for, as pretty JSON (empty when none). */
export function extraPriceJson(priceData: Record<string, unknown>): string {
  const extra = Object.fromEntries(Object.entries(priceData).filter(([key]) => !EDITED.has(key)));
  return Object.keys(extra).length ? JSON.stringify(extra, null, 2) : "";
}

const extraJson = z
  .string()
  .default("")
  .transform((text, ctx) => {
    if (!text.trim()) return {};
    try {
      const value = JSON.parse(text) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: msg("form.jsonObject") });
    return z.NEVER;
  });

export const priceFormSchema = z
  .object({
    modelName: requiredText(200),
    inputPerMTok: nullableNumber(PER_MTOK),
    outputPerMTok: nullableNumber(PER_MTOK),
    cacheWrite5mPerMTok: nullableNumber(PER_MTOK),
    cacheWrite1hPerMTok: nullableNumber(PER_MTOK),
    cacheReadPerMTok: nullableNumber(PER_MTOK),
    litellmProvider: nullableText(100),
    mode: nullableText(50),
    extra: extraJson,
  })
  .superRefine((value, ctx) => {
    // Without an input or output price the gateway treats the model as unpriced.
    if (value.inputPerMTok === null && value.outputPerMTok === null) ctx.addIssue({ code: "custom", path: ["inputPerMTok"], message: msg("form.priceNeeded") });
  })
  .transform((value) => {
    const priceData: Record<string, unknown> = { ...value.extra };
    for (const { name, field } of PRICE_FIELDS) {
      const perMTok = value[name];
      if (perMTok !== null) priceData[field] = perMTok / 1_000_000;
    }
    if (value.litellmProvider) priceData.litellm_provider = value.litellmProvider;
    if (value.mode) priceData.mode = value.mode;
    return { modelName: value.modelName, priceData };
  });
