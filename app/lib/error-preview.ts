/** The short form of an error message for the log list (the full text is on hover and in the detail). */

/** The error column shows this much; the whole message is on hover and in the detail. */
const ERROR_PREVIEW = 60;

/** The readable part of an error: an upstream's JSON error body is reduced to its message. */
export function shortError(message: string | null): string | null {
  if (!message) return null;
  let text = message;
  if (text.trimStart().startsWith("{")) {
    try {
      const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
      const inner = typeof body.error === "object" ? body.error?.message : typeof body.error === "string" ? body.error : body.message;
      if (typeof inner === "string" && inner) text = inner;
    } catch {
      // Not JSON after all (or cut short): shown as it is.
    }
  }
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > ERROR_PREVIEW ? `${oneLine.slice(0, ERROR_PREVIEW - 1)}…` : oneLine;
}
