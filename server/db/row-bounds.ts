/**
 * Last-line bounds on the text the log writer inserts, applied whatever the request side did:
 * an unbounded string from any code path (an old one, a new one, an upstream's error text) must
 * not be able to make PostgreSQL refuse a row, nor make a row megabytes long.
 *
 * - Columns under a btree index (request_id, model, session_id) are cut well below the index
 *   entry limit (2704 bytes for an 8 kB page): 512 characters are at most 2048 bytes of UTF-8.
 * - Other text columns are cut at 16 384 characters.
 * - NUL and unpaired UTF-16 surrogates, which PostgreSQL text cannot hold, become U+FFFD.
 *
 * A cut string ends with "…" so a reader sees that it was cut.
 */

export const INDEXED_TEXT_MAX_CHARS = 512;
export const TEXT_MAX_CHARS = 16_384;

/** Characters PostgreSQL refuses in text: NUL and lone surrogates. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The string as PostgreSQL will store it: at most maxChars long, without unstorable characters. */
export function boundText(value: string, maxChars: number): string {
  let text = value;
  if (text.length > maxChars) {
    let cut = maxChars - 1;
    // Never leave half of a surrogate pair at the cut.
    const last = text.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut--;
    text = `${text.slice(0, cut)}…`;
  }
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE, "\ufffd") : text;
}

/**
 * A copy of row whose string fields are bounded: the named indexed fields to
 * INDEXED_TEXT_MAX_CHARS, every other string field to TEXT_MAX_CHARS. Non-string fields are
 * left as they are (JSON columns are not indexed and PostgreSQL takes them up to 255 MB).
 */
export function boundRow<T extends object>(row: T, indexed: ReadonlySet<string>): T {
  let out: T | undefined;
  for (const key in row) {
    const value = row[key];
    if (typeof value !== "string") continue;
    const bounded = boundText(value, indexed.has(key) ? INDEXED_TEXT_MAX_CHARS : TEXT_MAX_CHARS);
    if (bounded !== value) {
      out ??= { ...row };
      (out as Record<string, unknown>)[key] = bounded;
    }
  }
  return out ?? row;
}
