/**
 * Why a value the admin saves cannot be used, each under a stable code with its parameters: a
 * sensitive-word pattern, a request filter, an error rule's pattern, a model rule, a notification
 * channel's config, a setting. The English text is what REST and script callers read (it is the
 * wording these checks always had); the code travels beside it — on a zod issue as
 * `params.hubCode` / `params.hubVars`, on the admin API's error as `data.hubCode` — so the
 * dashboard can say it in the viewer's language.
 *
 * The admin API's table of coded errors (server/trpc/hub-errors.ts) includes this one, so the
 * test that holds the dashboard's dictionaries to that table covers these codes too. This module
 * lives in the domain because the checks do (the gateway compiles the same rules).
 *
 * A `{detail}` parameter is a library's own technical explanation (the regex engine's "missing
 * closing )"): it stays verbatim inside the translated sentence.
 */
import type { z } from "zod";

export const VALIDATION_MESSAGES = {
  // Sensitive words (server/policy/sensitive-words/matcher.ts)
  sensitiveWordEmpty: "The word is empty.",
  sensitiveWordTooLong: "A word is at most {max} characters long (this one has {length}).",
  sensitivePatternTooLong: "A pattern is at most {max} characters long (this one has {length}).",
  sensitivePatternInvalid: "The pattern is not a valid RE2 regular expression: {detail}. Lookarounds and backreferences are not supported.",
  sensitivePatternMatchesEmpty: "The pattern matches empty text, so it would refuse every request.",

  // Request filters (server/domain/request-filters/)
  filterHeaderInvalid: '"{header}" is not a valid header name.',
  filterHeaderProtected: 'The header "{header}" carries credentials or framing the hub sets itself; filters may not change it.',
  filterHeaderNeedsText: "A header filter that sets a value needs a text value.",
  filterModelDelete: "A filter may not delete the model: the upstream could not route the request, and it could not be billed.",
  filterSetNeedsValue: "A filter that sets a value needs one (null is allowed).",
  filterReplaceNeedsPattern: "A replace filter needs the pattern to find.",
  filterPatternInvalid: "Not a valid regular expression (RE2 syntax: no look-around or back-references): {detail}",
  filterReplacementNotText: "The replacement of a replace filter must be text.",
  filterNeedsProvider: "A provider-scoped filter needs at least one provider.",
  filterNeedsGroup: "A group-scoped filter needs at least one provider group.",
  filterPathEmpty: 'Invalid path "{path}": it is empty',
  filterPathUnclosed: "Invalid path \"{path}\": a '[' is not closed",
  filterPathBadBracket: 'Invalid path "{path}": "[{inner}]" is neither an index, [*] nor a quoted name',
  filterPathExpectedDot: 'Invalid path "{path}": expected "." or "[" before "{rest}"',
  filterPathNoMemberName: 'Invalid path "{path}": "{rest}" does not start with a member name',
  filterPathNoField: 'Invalid path "{path}": it names no field',

  // Error rules (server/admin/error-rules.ts) and model rules (server/trpc/policy-inputs.ts)
  rulePatternInvalid: "Not a valid regular expression: {detail}",
  modelPatternInvalid: 'Invalid regular expression "{pattern}": {detail}',

  // Notification channels (server/notifications/channels/)
  notifyUrlInvalid: "Enter an http:// or https:// URL",
  notifySecretPrintable: "Printable characters without spaces",
  notifyBotTokenFormat: "A bot token looks like 123456:ABC-DEF…",
  notifyChatIdFormat: "A numeric chat id or @channelname",
  notifyConfigTooManyFields: "Too many config fields",
  notifyLeaderboardTime: "Use HH:MM (24-hour)",

  // Settings, prices, providers
  settingsTimeOfDay: "Use a 24-hour time of day such as 03:00.",
  settingsTimeZone: "Not a time zone this server knows (use an IANA name such as Asia/Shanghai or UTC).",
  priceNeedsInputOrOutput: "Give at least an input or an output price (input_cost_per_token / output_cost_per_token).",
  codexInstructionsTooLong: "at most 64 KiB",
} as const;

export type ValidationCode = keyof typeof VALIDATION_MESSAGES;
export type ProblemVars = Record<string, string | number>;

/** One reason a value cannot be saved: its code, parameters, and English text. */
export interface ValidationProblem {
  code: ValidationCode;
  vars: ProblemVars;
  message: string;
}

/** A template with its {placeholders} filled in (an unknown one stays as written). */
export function fillTemplate(template: string, vars: ProblemVars): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function validationProblem(code: ValidationCode, vars: ProblemVars = {}): ValidationProblem {
  return { code, vars, message: fillTemplate(VALIDATION_MESSAGES[code], vars) };
}

/** The `params` a zod custom issue carries for the dashboard (read by app/lib/trpc-errors.ts). */
export interface ProblemParams {
  hubCode: ValidationCode;
  hubVars: ProblemVars;
}

/** A zod custom issue (for ctx.addIssue or a ZodError) saying the problem on a field. */
export function problemIssue(problem: ValidationProblem, path: PropertyKey[], input?: unknown): z.core.$ZodRawIssue & z.core.$ZodIssueCustom {
  const params: ProblemParams = { hubCode: problem.code, hubVars: problem.vars };
  return { code: "custom", path, message: problem.message, params, input };
}

/** The second argument of a zod `.refine()` whose failure is a coded problem without parameters. */
export function refineProblem(code: ValidationCode): { message: string; params: ProblemParams } {
  return { message: VALIDATION_MESSAGES[code], params: { hubCode: code, hubVars: {} } };
}

/** The coded problem a zod issue carries, if any (the first issue of a refusal names its code). */
export function problemOfIssue(issue: { message: string; params?: unknown } | undefined): ValidationProblem | undefined {
  const params = issue?.params as Partial<ProblemParams> | undefined;
  if (!issue || typeof params?.hubCode !== "string" || !(params.hubCode in VALIDATION_MESSAGES)) return undefined;
  return { code: params.hubCode, vars: params.hubVars ?? {}, message: issue.message };
}
