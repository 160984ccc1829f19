/**
 * The admin API's own error messages, each under a stable code. The English text is what REST
 * and script callers read (`message`, and `data.hubCode` / `data.hubVars` beside it); the
 * dashboard shows the code's entry of its dictionary ("err.<code>") in the viewer's language.
 * This table is the source of truth: a unit test checks that every code has an English and a
 * Chinese string with the same {placeholders} (app/i18n/hub-error-strings.test.ts).
 *
 * Why a saved value cannot be used (a bad pattern, a filter's path, a channel's config) has its own
 * table in the domain, spread in here: those reach forms as field errors whose zod issue carries
 * the same code (app/lib/trpc-errors.ts). Plain zod issues (too long, not a number) are told
 * apart by their issue code instead.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { fillTemplate, problemIssue, problemOfIssue, VALIDATION_MESSAGES, type ValidationProblem } from "../domain/validation-problems.ts";

export const HUB_ERROR_MESSAGES = {
  ...VALIDATION_MESSAGES,
  loginRequired: "Log in first (cookie or Authorization: Bearer).",
  adminOnly: "This needs an administrator.",
  myUsageOnly: "This key may only see /my-usage.",
  userExists: "A user with this name already exists.",
  userNotFound: "User {id} not found.",
  groupExists: "A group with this name already exists.",
  groupNotFound: "Group {id} not found.",
  providerExists: "A provider with this name already exists.",
  providerNotFound: "Provider {id} not found.",
  codexInstructionsMissing: "codexInstructions: the custom instructions strategy needs the instructions text.",
  keyNotFound: "Key {id} not found.",
  keyGone: "Your key no longer exists.",
  keyExpiryPast: "expiresAt {expiresAt} is in the past; give a future time, or null for a key that never expires.",
  resetTargetNotFound: "{target} {id} not found.",
  priceNotFound: "Price {id} not found.",
  priceSyncFailed: "Price sync failed: {detail}.",
  logNotFound: "No such request.",
  filterNotFound: "Request filter {id} not found.",
  filterIdTwice: "An id is listed twice.",
  ruleNotFound: "Error rule {id} not found.",
  sensitiveWordNotFound: "Sensitive word {id} not found.",
  sensitiveWordsTooMany: "At most {max} sensitive words can be configured.",
  sensitiveWordsTooLong: "All sensitive words together may be at most {max} characters long (this would make {total}).",
  notificationTargetNotFound: "Notification target {id} not found.",
  notificationsNotRunning: "Notifications are not running in this process.",
  leaderboardAdminOnly: "Only administrators rank providers and models.",
  periodMissingDays: "a custom range needs its days",
  periodBackwards: "the range ends before it starts",
  periodTooLong: "a range is at most {max} days",
  periodInvalid: "The period is not valid: {detail}",
  sessionStoreDown: "The store did not answer; the binding is unchanged.",
} as const;

export type HubErrorCode = keyof typeof HUB_ERROR_MESSAGES;
export type HubErrorVars = Record<string, string | number>;

/** A TRPCError that carries its hub code and parameters, so the dashboard can say it in its language. */
export class HubError extends TRPCError {
  constructor(
    trpcCode: TRPCError["code"],
    readonly hubCode: HubErrorCode,
    readonly hubVars: HubErrorVars = {},
    cause?: unknown,
  ) {
    super({ code: trpcCode, message: hubErrorText(hubCode, hubVars), cause });
  }
}

/** The English text of a code with its parameters filled in. */
export function hubErrorText(code: HubErrorCode, vars: HubErrorVars = {}): string {
  return fillTemplate(HUB_ERROR_MESSAGES[code], vars);
}

export function hubError(trpcCode: TRPCError["code"], code: HubErrorCode, vars?: HubErrorVars, cause?: unknown): HubError {
  return new HubError(trpcCode, code, vars, cause);
}

/**
 * The field a refusal is about, as zod-shaped issues (forms read `cause.issues`). An Error, so
 * tRPC keeps it as the cause; not a ZodError, because the REST mirror replaces the message of a
 * ZodError-caused refusal with "Input validation failed", and API clients read the hub's text.
 */
export class FieldIssues extends Error {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super(issues[0]?.message ?? "invalid");
    this.name = "FieldIssues";
  }

  /** Field → messages, as zod's flatten() has them (the error formatter's `data.fieldErrors`). */
  get fieldErrors(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const issue of this.issues) (out[String(issue.path[0] ?? "_form")] ??= []).push(issue.message);
    return out;
  }
}

/**
 * The refusal of a value that cannot be saved: a BAD_REQUEST whose message is the problem's
 * English text, with its code for REST callers and a coded issue on the field for forms.
 */
export function invalidValue(problem: ValidationProblem, field: string, input?: unknown): HubError {
  return new HubError("BAD_REQUEST", problem.code, problem.vars, new FieldIssues([problemIssue(problem, [field], input)]));
}

/**
 * A schema's refusal as the admin API reports it: coded when its first issue is one of the
 * domain's problems, else zod's own words; the zod error stays the cause (forms' field errors).
 */
export function refusalFromZod(error: z.ZodError, fallbackMessage: string): TRPCError {
  const first = error.issues[0];
  const problem = problemOfIssue(first);
  if (problem) return new HubError("BAD_REQUEST", problem.code, problem.vars, error);
  return new TRPCError({ code: "BAD_REQUEST", message: first?.message ?? fallbackMessage, cause: error });
}
