/**
 * The sensitive word create/edit form (sensitiveWords.create / sensitiveWords.update input) and the
 * tester. Whether a regex is valid RE2 is decided by the server (the gateway's engine), which
 * answers with the reason on the word field.
 */
import { z } from "zod";
import { checkbox, msg, optionalText, requiredText } from "./form-data.ts";

export const SENSITIVE_MATCH_TYPES = ["contains", "exact", "regex"] as const;

export const sensitiveWordFormSchema = z.object({
  word: requiredText(500),
  matchType: z.enum(SENSITIVE_MATCH_TYPES, { error: msg("form.required") }),
  description: optionalText(500),
  isEnabled: checkbox(),
});

export const sensitiveWordToggleSchema = z.object({ isEnabled: checkbox() });

export const sensitiveWordTestSchema = z.object({ text: requiredText(100_000) });
