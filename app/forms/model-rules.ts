/**
 * Model rules as text, one per line, for the provider form:
 *   allowed models:   claude-sonnet-4-5        (exact)
 *                     prefix:claude-           (match kind before the first colon)
 *   model redirects:  claude-3-opus-latest -> claude-opus-4-1
 *                     prefix:claude-3- -> claude-sonnet-4-5
 * A plain textarea keeps the form usable without a rule editor, and round-trips exactly.
 */
import { textLines, type LinesResult } from "./form-data.ts";

export const MODEL_MATCHES = ["exact", "prefix", "suffix", "contains", "regex"] as const;
export type ModelMatch = (typeof MODEL_MATCHES)[number];

export interface ModelRule {
  match: ModelMatch;
  pattern: string;
}

export interface ModelRedirectRule extends ModelRule {
  target: string;
}

function parseRule(text: string): ModelRule | null {
  const colon = text.indexOf(":");
  const kind = colon > 0 ? text.slice(0, colon).trim() : "";
  if ((MODEL_MATCHES as readonly string[]).includes(kind)) {
    const pattern = text.slice(colon + 1).trim();
    return pattern ? { match: kind as ModelMatch, pattern } : null;
  }
  return { match: "exact", pattern: text };
}

export function parseAllowedModels(text: string): LinesResult<ModelRule[]> {
  const rules: ModelRule[] = [];
  for (const line of textLines(text)) {
    const rule = parseRule(line.text);
    if (!rule) return { ok: false, line: line.number };
    rules.push(rule);
  }
  return { ok: true, value: rules };
}

export function parseModelRedirects(text: string): LinesResult<ModelRedirectRule[]> {
  const rules: ModelRedirectRule[] = [];
  for (const line of textLines(text)) {
    const arrow = line.text.match(/\s*(?:->|=>)\s*/);
    if (!arrow || arrow.index === undefined) return { ok: false, line: line.number };
    const rule = parseRule(line.text.slice(0, arrow.index));
    const target = line.text.slice(arrow.index + arrow[0].length).trim();
    if (!rule || !target) return { ok: false, line: line.number };
    rules.push({ ...rule, target });
  }
  return { ok: true, value: rules };
}

const ruleText = (rule: ModelRule) => (rule.match === "exact" ? rule.pattern : `${rule.match}:${rule.pattern}`);

export function formatAllowedModels(rules: ModelRule[]): string {
  return rules.map(ruleText).join("\n");
}

export function formatModelRedirects(rules: ModelRedirectRule[]): string {
  return rules.map((rule) => `${ruleText(rule)} -> ${rule.target}`).join("\n");
}
