/**
 * Errors from the tRPC caller, as loaders and actions see them: TRPCError-like objects with a
 * `code`, a `message`, and (for a zod BAD_REQUEST) the zod issues in `cause`.
 */

export type TrpcErrorCode = "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "BAD_REQUEST" | (string & {});

export interface TrpcErrorLike {
  code: TrpcErrorCode;
  message: string;
  cause?: unknown;
  /** Set on the hub's own errors (server/trpc/hub-errors.ts): the stable code and its parameters. */
  hubCode?: unknown;
  hubVars?: unknown;
}

export function isTrpcError(error: unknown): error is TrpcErrorLike {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

interface IssueLike {
  path: PropertyKey[];
  message: string;
  code?: string;
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
  expected?: string;
  format?: string;
  /** On a custom issue of the hub's own checks: { hubCode, hubVars } (server/domain/validation-problems.ts). */
  params?: unknown;
}

/**
 * A dictionary key with parameters, as app/forms' msg() writes them. A value may hold "|" (a
 * regex engine's diagnosis of "(a|b"), which would split it: "%" and "|" are escaped, and
 * translateMessage (app/i18n) unescapes them, so the value is shown exactly as the hub said it.
 */
function messageRef(key: string, vars: Record<string, unknown> = {}): string {
  return [key, ...Object.entries(vars).map(([k, v]) => `${k}=${String(v).replaceAll("%", "%25").replaceAll("|", "%7C")}`)].join("|");
}

/**
 * The message a form shows for a tRPC error: the hub's own error by its code ("err.<code>"),
 * else its English text (which the dashboard marks as untranslated in other languages).
 */
export function trpcErrorMessage(error: TrpcErrorLike): string {
  if (typeof error.hubCode === "string") {
    const vars = typeof error.hubVars === "object" && error.hubVars !== null ? (error.hubVars as Record<string, unknown>) : {};
    return messageRef(`err.${error.hubCode}`, vars);
  }
  return error.message;
}

/**
 * The admin API's input checks use zod's own (English) messages; a form shows them by the
 * issue's code instead. A custom issue of the hub's own checks (a bad pattern, a filter path, a
 * channel's config) carries its code and parameters, and is shown as "err.<code>"; a custom
 * issue without one keeps its text (marked as untranslated outside English).
 */
export function issueMessage(issue: IssueLike): string {
  const bound = (value: unknown) => (typeof value === "bigint" ? Number(value) : value);
  switch (issue.code) {
    case "custom": {
      const params = typeof issue.params === "object" && issue.params !== null ? (issue.params as { hubCode?: unknown; hubVars?: unknown }) : {};
      if (typeof params.hubCode !== "string") return issue.message;
      const vars = typeof params.hubVars === "object" && params.hubVars !== null ? (params.hubVars as Record<string, unknown>) : {};
      return messageRef(`err.${params.hubCode}`, vars);
    }
    case "too_small":
      if (issue.origin === "string") return bound(issue.minimum) === 1 ? "form.required" : messageRef("form.tooShort", { min: bound(issue.minimum) });
      if (issue.origin === "array" || issue.origin === "set") return messageRef("form.tooFew", { min: bound(issue.minimum) });
      return messageRef("form.atLeast", { min: bound(issue.minimum) });
    case "too_big":
      if (issue.origin === "string") return messageRef("form.tooLong", { max: bound(issue.maximum) });
      if (issue.origin === "array" || issue.origin === "set") return messageRef("form.tooMany", { max: bound(issue.maximum) });
      return messageRef("form.atMost", { max: bound(issue.maximum) });
    case "invalid_type":
      return issue.expected === "int" ? "form.integer" : issue.expected === "number" ? "form.number" : "form.invalid";
    case "invalid_format":
      return issue.format === "url" ? "form.httpUrl" : issue.format === "datetime" ? "form.dateTime" : messageRef("form.invalidFormat", { format: issue.format ?? "" });
    case "invalid_value":
      return "form.invalidChoice";
    case "not_multiple_of":
      return "form.integer";
    default:
      return issue.message;
  }
}

function issuesOf(cause: unknown): IssueLike[] {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (i): i is IssueLike => typeof i === "object" && i !== null && Array.isArray((i as IssueLike).path) && typeof (i as IssueLike).message === "string",
  );
}

/** Field name → first message, from zod issues (the first path segment names the form field). */
export function fieldErrorsFromIssues(issues: IssueLike[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.length ? String(issue.path[0]) : "_form";
    out[field] ??= issue.message;
  }
  return out;
}

/** Field errors of a BAD_REQUEST from the admin API, each in a form the dashboard can translate. */
export function fieldErrorsFromTrpc(error: TrpcErrorLike): Record<string, string> {
  return fieldErrorsFromIssues(issuesOf(error.cause).map((issue) => ({ ...issue, message: issueMessage(issue) })));
}
