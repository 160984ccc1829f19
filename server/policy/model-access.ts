/**
 * A user's allowed models: the provider model rules (exact, prefix, suffix, contains, regex), with
 * exact ignoring case as the user list always did. An empty list allows every model.
 */
import type { ModelRule } from "../catalog/types.ts";
import { ruleMatches } from "../gateway/routing/model-rules.ts";

export const MAX_MODEL_RULES = 200;
export const MAX_MODEL_PATTERN_LENGTH = 200;

export function userModelAllowed(rules: readonly ModelRule[], model: string): boolean {
  if (!rules.length) return true;
  const lower = model.toLowerCase();
  return rules.some((rule) => (rule.match === "exact" ? rule.pattern.toLowerCase() === lower : ruleMatches(rule, model)));
}
