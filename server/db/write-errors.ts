/**
 * Tells the two kinds of failed write apart, by the SQLSTATE PostgreSQL answered with:
 *
 * - "refused": the database is up and said no to the data itself (a value out of range, a
 *   string it cannot encode, an index entry too large, a constraint). Retrying the same rows
 *   can never succeed, so the writer must find the offending rows and set them aside.
 * - "unavailable": anything else: no connection, a connection cut, a server shutting down, a
 *   deadlock, a timeout. The rows are fine; they wait and are written later.
 *
 * Unknown errors count as "unavailable" on purpose: keeping a row is always safe (the insert is
 * idempotent), while wrongly setting rows aside would drop them from billing.
 */

export type WriteFailure = "refused" | "unavailable";

/**
 * SQLSTATE classes that describe the rows, not the server:
 * 22 data exception (out of range, bad encoding, invalid text representation, …),
 * 23 integrity constraint violation, 54 program limit exceeded (e.g. "index row size exceeds
 * btree maximum").
 */
const REFUSED_CLASSES = new Set(["22", "23", "54"]);

export function classifyWriteError(error: unknown): WriteFailure {
  const code = sqlState(error);
  return code && REFUSED_CLASSES.has(code.slice(0, 2)) ? "refused" : "unavailable";
}

/** The five-character SQLSTATE of a pg error, if the error came from the server. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
