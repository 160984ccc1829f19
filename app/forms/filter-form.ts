/**
 * The request filter create/edit form (filters.create / filters.update input) and the tester.
 * The hub compiles every filter before saving it (path, RE2 pattern, protected headers), so
 * the form checks only shapes; the hub's refusal comes back as a field error.
 */
import { z } from "zod";
import { checkbox, linesField, list, msg, optionalText, requiredNumber, requiredText } from "./form-data.ts";
import { parseHeaderLines } from "./key-value-lines.ts";

export const FILTER_PHASES = ["request", "response"] as const;
export const FILTER_SCOPES = ["header", "body"] as const;
export const FILTER_ACTIONS = ["set", "delete", "replace"] as const;
export const FILTER_BINDINGS = ["global", "providers", "groups"] as const;

export type FilterValue = string | number | boolean | null | unknown[] | Record<string, unknown>;

/** A body value is JSON when it reads as JSON ({"a":1}, 42, true, "text"), else the text itself. */
export function parseFilterValue(text: string): FilterValue {
  try {
    return JSON.parse(text) as FilterValue;
  } catch {
    return text;
  }
}

/** How a stored value is shown in the form: text as it is, anything else as JSON. */
export function formatFilterValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export const filterFormSchema = z
  .object({
    name: requiredText(100),
    description: optionalText(500),
    phase: z.enum(FILTER_PHASES, { error: msg("form.required") }),
    scope: z.enum(FILTER_SCOPES, { error: msg("form.required") }),
    action: z.enum(FILTER_ACTIONS, { error: msg("form.required") }),
    target: requiredText(500),
    matchPattern: optionalText(1000),
    value: optionalText(100_000),
    priority: requiredNumber({ min: -1_000_000, max: 1_000_000, integer: true }),
    isEnabled: checkbox(),
    bindingType: z.enum(FILTER_BINDINGS, { error: msg("form.required") }),
    providerIds: list(1000, 20),
    groupTags: list(100, 50),
  })
  .transform((f) => ({
    ...f,
    matchPattern: f.action === "replace" ? f.matchPattern : null,
    // Header values and replacements are text; a body "set" value may be any JSON.
    value: (f.action === "delete" ? null : f.scope === "body" && f.action === "set" ? parseFilterValue(f.value) : f.value) as FilterValue,
    providerIds: f.providerIds.map(Number).filter((n) => Number.isInteger(n) && n > 0),
  }));

export const filterTestSchema = z.object({
  body: requiredText(1_000_000),
  headers: linesField(parseHeaderLines, "form.headerLine"),
  providerId: z.preprocess((v) => (v === "" || v === undefined ? null : Number(v)), z.number().int().nullable()),
  /** Optional: a sample response for the response filters ("" = request filters only). */
  responseBody: optionalText(1_000_000),
  responseHeaders: linesField(parseHeaderLines, "form.headerLine"),
});
