/**
 * Inputs of the access lists (users' and providers' model and client lists), validated at save
 * time so that the gateway never meets a pattern it cannot run, and bounded in size.
 */
import { z } from "zod";
import { MAX_CLIENT_ENTRIES, MAX_CLIENT_ENTRY_LENGTH } from "../policy/client-identity.ts";
import { MAX_MODEL_PATTERN_LENGTH, MAX_MODEL_RULES } from "../policy/model-access.ts";
import { MODEL_MATCH } from "./schemas.ts";
import { problemIssue, validationProblem, type ValidationProblem } from "../domain/validation-problems.ts";

/** Why a model rule's regex cannot be used (the gateway runs it on model names), or undefined. */
function regexProblem(pattern: string): ValidationProblem | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return validationProblem("modelPatternInvalid", { pattern, detail: (error as Error).message });
  }
}

const ruleObject = z
  .object({ match: MODEL_MATCH, pattern: z.string().trim().min(1, "A model pattern is empty.").max(MAX_MODEL_PATTERN_LENGTH) })
  .superRefine((rule, ctx) => {
    const problem = rule.match === "regex" ? regexProblem(rule.pattern) : undefined;
    if (problem) ctx.addIssue(problemIssue(problem, ["pattern"], rule.pattern));
  });

/**
 * A user's allowed models: rules as on providers; a plain string (what this field used to be)
 * is an exact rule, so old clients of the API keep working.
 */
export const userModelRulesInput = z
  .array(z.union([z.string().trim().min(1, "A model name is empty.").max(MAX_MODEL_PATTERN_LENGTH), ruleObject]))
  .max(MAX_MODEL_RULES)
  .transform((list) => list.map((entry) => (typeof entry === "string" ? { match: "exact" as const, pattern: entry } : entry)));

/** A client allow or block list: family names or User-Agent substrings. */
export const clientListInput = z
  .array(z.string().trim().min(1, "A client entry is empty.").max(MAX_CLIENT_ENTRY_LENGTH))
  .max(MAX_CLIENT_ENTRIES)
  .describe("Client families (claude-code, codex-cli, gemini-cli, sdk, other) or User-Agent substrings");
