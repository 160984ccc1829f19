/**
 * Zod building blocks for HTML forms: FormData holds strings only, and an empty input means
 * "not set". Error messages are dictionary keys (see translateMessage in app/i18n), with
 * parameters after a "|", so the same schema yields English or Chinese field errors.
 */
import { z } from "zod";
import { msToUnit, unitToMs, type DurationUnit } from "../lib/duration-units.ts";
import { fieldErrorsFromIssues } from "../lib/trpc-errors.ts";

/** A message key with parameters, e.g. msg("form.between", { min: 0, max: 10 }). */
export function msg(key: string, vars: Record<string, string | number> = {}): string {
  return [key, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)].join("|");
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** Required text, trimmed. */
export const requiredText = (max: number) =>
  z.preprocess((v) => (blank(v) ? "" : v), z.string().trim().min(1, msg("form.required")).max(max, msg("form.tooLong", { max })));

/** Optional text; empty stays "" (for columns that are never null, like descriptions). */
export const optionalText = (max: number) =>
  z.preprocess((v) => (blank(v) ? "" : v), z.string().trim().max(max, msg("form.tooLong", { max })));

/** Optional text; empty becomes null, which clears the value on edit. */
export const nullableText = (max: number) =>
  z.preprocess((v) => (blank(v) ? null : v), z.string().trim().max(max, msg("form.tooLong", { max })).nullable());

/** A Radix switch or checkbox: present ("on") when checked, absent when not. */
export const checkbox = () => z.preprocess((v) => v === "on" || v === "true", z.boolean());

interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
}

function numberSchema({ min, max, integer }: NumberRule) {
  // A bound converted from milliseconds can be 0.01666… minutes: the message says 0.0167.
  const shown = (bound: number) => (Number.isInteger(bound) ? bound : Number(bound.toPrecision(3)));
  const between = msg("form.between", { min: shown(min), max: shown(max) });
  let schema = z.number({ error: msg("form.number") }).min(min, between).max(max, between);
  if (integer) schema = schema.int(msg("form.integer"));
  return schema;
}

const toNumber = (v: unknown) => (typeof v === "string" ? Number(v.trim()) : v);

/** A number that must be given. */
export const requiredNumber = (rule: NumberRule) =>
  z.preprocess((v) => (blank(v) ? undefined : toNumber(v)), numberSchema(rule).optional()).refine((v) => v !== undefined, msg("form.required"));

/**
 * A duration the hub stores in milliseconds, typed in seconds or minutes (decimals welcome): the
 * field keeps the hub's name (…Ms) so the API's own field errors land on it, and its value
 * becomes whole milliseconds here. The bounds are given in ms and told to the user in `unit`.
 */
export const requiredDuration = ({ unit, minMs, maxMs }: { unit: DurationUnit; minMs: number; maxMs: number }) =>
  z
    .preprocess(
      (v) => (blank(v) ? undefined : toNumber(v)),
      numberSchema({ min: msToUnit(minMs, unit), max: msToUnit(maxMs, unit) })
        .transform((value) => unitToMs(value, unit))
        .optional(),
    )
    .refine((v) => v !== undefined, msg("form.required"));

/** A number whose empty input means "none" (null): no limit, the default, … */
export const nullableNumber = (rule: NumberRule) => z.preprocess((v) => (blank(v) ? null : toNumber(v)), numberSchema(rule).nullable());

/** An ISO timestamp (from DateTimeField's hidden input); empty becomes null. */
export const nullableDateTime = () =>
  z.preprocess((v) => (blank(v) ? null : v), z.iso.datetime({ offset: true, error: msg("form.dateTime") }).nullable());

/** Comma- or newline-separated values, trimmed, without empties or duplicates. */
export const list = (maxItems: number, maxLength: number) =>
  z.preprocess(
    (v) => (typeof v === "string" ? [...new Set(v.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))] : []),
    z.array(z.string().max(maxLength, msg("form.tooLong", { max: maxLength }))).max(maxItems, msg("form.tooMany", { max: maxItems })),
  );

/** The non-blank lines of a textarea, trimmed, with their 1-based line numbers. */
export const textLines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line, index) => ({ text: line.trim(), number: index + 1 }))
    .filter((line) => line.text !== "");

/** What a line-by-line textarea parser returns: the value, or the first line it could not read (1-based). */
export type LinesResult<T> = { ok: true; value: T } | { ok: false; line: number };

/** A textarea read by `parse`; the first bad line becomes the field error `messageKey` (given {line}). */
export const linesField = <T>(parse: (text: string) => LinesResult<T>, messageKey: string) =>
  z
    .string()
    .default("")
    .transform((text, ctx) => {
      const parsed = parse(text);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: "custom", message: msg(messageKey, { line: parsed.line }) });
      return z.NEVER;
    });

export type ParseResult<T> = { ok: true; data: T } | { ok: false; fieldErrors: Record<string, string> };

/** Validates FormData (first value of each field) against a form schema. */
export function parseForm<S extends z.ZodType>(schema: S, formData: FormData): ParseResult<z.output<S>> {
  const values: Record<string, string> = {};
  for (const [name, value] of formData.entries()) {
    if (typeof value === "string" && !(name in values)) values[name] = value;
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, fieldErrors: fieldErrorsFromIssues(parsed.error.issues) };
}

/** A row id posted in a hidden field; null when missing or malformed. */
export function idField(formData: FormData, name = "id"): number | null {
  const value = Number(formData.get(name));
  return Number.isInteger(value) && value > 0 ? value : null;
}
