/**
 * The admin API's own error messages, each under a stable code. The English text is what REST
 * and script callers read (`message`, and `data.hubCode` / `data.hubVars` beside it); the
 * dashboard shows the code's entry of its dictionary ("err.<code>") in the viewer's language.
 * This table is the source of truth: a unit test checks that every code has an English and a
 * Chinese string with the same {placeholders} (app/i18n/hub-error-strings.test.ts).
 *
 * Messages that only restate a validation problem (zod issues, a bad regular expression, a
 * filter's path) are not here: they reach forms as field errors (app/lib/trpc-errors.ts).
 */
import { TRPCError } from "@trpc/server";

export const HUB_ERROR_MESSAGES = {
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
  return HUB_ERROR_MESSAGES[code].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function hubError(trpcCode: TRPCError["code"], code: HubErrorCode, vars?: HubErrorVars, cause?: unknown): HubError {
  return new HubError(trpcCode, code, vars, cause);
}
