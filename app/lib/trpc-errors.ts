/**
 * Errors from the tRPC caller, as loaders and actions see them: TRPCError-like objects with a
 * `code`, a `message`, and (for a zod BAD_REQUEST) the zod issues in `cause`.
 */

export type TrpcErrorCode = "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "BAD_REQUEST" | (string & {});

export interface TrpcErrorLike {
  code: TrpcErrorCode;
  message: string;
  cause?: unknown;
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

export function fieldErrorsFromTrpc(error: TrpcErrorLike): Record<string, string> {
  return fieldErrorsFromIssues(issuesOf(error.cause));
}
