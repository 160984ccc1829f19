/** The error rule create/edit form (rules.create / rules.update input). */
import { z } from "zod";
import { checkbox, msg, nullableNumber, nullableText, optionalText, requiredNumber, requiredText } from "./form-data.ts";

export const MATCH_TYPES = ["contains", "exact", "regex"] as const;
/** Categories the default rules use, offered while typing (the field stays free text). */
export const RULE_CATEGORIES = ["client_error", "provider_error", "provider_quota", "rate_limit", "auth_error", "content_filter"] as const;

export const ruleFormSchema = z
  .object({
    pattern: requiredText(500),
    matchType: z.enum(MATCH_TYPES, { error: msg("form.required") }),
    category: requiredText(50).refine((v) => /^[a-z0-9_]+$/.test(v), msg("form.category")),
    description: optionalText(500),
    retryable: checkbox(),
    countsTowardBreaker: checkbox(),
    overrideMessage: nullableText(1000),
    overrideStatusCode: nullableNumber({ min: 400, max: 599, integer: true }),
    isEnabled: checkbox(),
    priority: requiredNumber({ min: -1_000_000, max: 1_000_000, integer: true }),
  })
  .superRefine((rule, ctx) => {
    if (rule.matchType !== "regex") return;
    try {
      new RegExp(rule.pattern, "i");
    } catch {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: msg("form.regex") });
    }
  });

export const ruleTestSchema = z.object({ text: requiredText(100_000) });
