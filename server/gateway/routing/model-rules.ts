/** Model matching rules (exact, prefix, suffix, contains, regex) and model redirects. */
import type { ModelRedirect, ModelRule } from "../../catalog/types.ts";

const regexCache = new Map<string, RegExp | null>();

function compiled(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern);
    } catch {
      re = null; // an invalid admin-entered pattern matches nothing rather than crashing
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

export function ruleMatches(rule: ModelRule, model: string): boolean {
  switch (rule.match) {
    case "exact":
      return model === rule.pattern;
    case "prefix":
      return model.startsWith(rule.pattern);
    case "suffix":
      return model.endsWith(rule.pattern);
    case "contains":
      return model.includes(rule.pattern);
    case "regex":
      return compiled(rule.pattern)?.test(model) ?? false;
    default:
      return false;
  }
}

/** An empty rule list allows every model. */
export function modelAllowed(rules: readonly ModelRule[], model: string | undefined): boolean {
  if (!rules.length || model === undefined) return true;
  return rules.some((rule) => ruleMatches(rule, model));
}

/** The model to send upstream: the first matching redirect's target, else the original. */
export function redirectModel(redirects: readonly ModelRedirect[], model: string): string {
  for (const rule of redirects) if (ruleMatches(rule, model)) return rule.target;
  return model;
}
