/**
 * Finds a few top-level fields of a JSON object without building the object tree.
 *
 * Request bodies from coding agents are 20–200 KiB, and a passthrough request needs only a
 * handful of top-level fields (model, stream, max_tokens, metadata). JSON.parse of the whole
 * body would cost several times the hub's per-request budget, so this scanner walks the bytes
 * once, validates the JSON structure (brackets, commas, colons, literals, numbers, string
 * boundaries), jumps over string contents with the native indexOf, and reports the byte range
 * of each wanted field. String escape sequences in values are not validated; the upstream does
 * that. Property names are compared as a JSON parser decodes them: a top-level key spelled with
 * escapes ("str\u0065am") is decoded exactly (the rare slow path), and a wanted field that
 * appears twice is reported, because parsers disagree on which copy wins (decision 0012).
 */

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = "JsonSyntaxError";
  }
}

/**
 * A wanted field appears more than once in the same object. The JSON is valid, but the hub and
 * the upstream could read different copies (JSON.parse keeps the last, some parsers the first or
 * refuse), so the request cannot be priced and checked as it will be served.
 */
export class JsonDuplicateKeyError extends Error {
  constructor(readonly key: string, readonly offset: number) {
    super(`the field ${JSON.stringify(key)} appears more than once (at byte ${offset})`);
    this.name = "JsonDuplicateKeyError";
  }
}

/** Byte range [start, end) of a field's raw JSON value, and of its key (for rewrites). */
export interface FieldRange {
  start: number;
  end: number;
  keyStart: number;
}

/**
 * A key to note wherever it appears below the top level (e.g. Anthropic's `cache_control`, which
 * the admission estimate prices): the offset of each occurrence's value, up to `limit` of them.
 */
export interface NestedKeyWatch {
  key: Buffer;
  valueStarts: number[];
  limit: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(c: number) {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWhitespace(buf: Buffer, pos: number): number {
  while (pos < buf.length && isWhitespace(buf[pos])) pos++;
  return pos;
}

/**
 * How far a string is read byte by byte before the search is handed to the native indexOf: most
 * strings of a request body are keys and short values, for which the native call costs more
 * than the loop.
 */
const SHORT_STRING_BYTES = 24;

/** pos is at the opening quote; returns the position after the closing quote. */
function skipString(buf: Buffer, pos: number): number {
  let i = pos + 1;
  const shortEnd = Math.min(buf.length, i + SHORT_STRING_BYTES);
  for (; i < shortEnd; i++) {
    const c = buf[i];
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) break;
  }
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0) throw new JsonSyntaxError("unterminated string", pos);
    // The quote is escaped only if an odd number of backslashes precede it.
    let backslashes = 0;
    for (let j = q - 1; j > pos && buf[j] === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

function skipLiteral(buf: Buffer, pos: number, literal: string): number {
  for (let k = 0; k < literal.length; k++) {
    if (buf[pos + k] !== literal.charCodeAt(k)) throw new JsonSyntaxError("invalid literal", pos);
  }
  return pos + literal.length;
}

function skipNumber(buf: Buffer, pos: number): number {
  const start = pos;
  if (buf[pos] === 0x2d) pos++; // -
  const digitsStart = pos;
  while (pos < buf.length && buf[pos] >= 0x30 && buf[pos] <= 0x39) pos++;
  if (pos === digitsStart) throw new JsonSyntaxError("invalid number", start);
  if (buf[pos] === 0x2e) {
    pos++;
    const fracStart = pos;
    while (pos < buf.length && buf[pos] >= 0x30 && buf[pos] <= 0x39) pos++;
    if (pos === fracStart) throw new JsonSyntaxError("invalid number", start);
  }
  if (buf[pos] === 0x65 || buf[pos] === 0x45) {
    pos++;
    if (buf[pos] === 0x2b || buf[pos] === 0x2d) pos++;
    const expStart = pos;
    while (pos < buf.length && buf[pos] >= 0x30 && buf[pos] <= 0x39) pos++;
    if (pos === expStart) throw new JsonSyntaxError("invalid number", start);
  }
  return pos;
}

/** Skips one complete JSON value starting at pos (no leading whitespace); iterative, so deep nesting cannot overflow the stack. */
function skipValue(buf: Buffer, pos: number, watch: NestedKeyWatch | undefined): number {
  // Stack of open containers: true = object, false = array.
  const stack: boolean[] = [];
  for (;;) {
    pos = skipWhitespace(buf, pos);
    if (pos >= buf.length) throw new JsonSyntaxError("unexpected end of input", pos);
    const c = buf[pos];
    // 1. One value.
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const isObject = c === OPEN_OBJECT;
      pos = skipWhitespace(buf, pos + 1);
      const close = isObject ? CLOSE_OBJECT : CLOSE_ARRAY;
      if (buf[pos] === close) {
        pos++;
      } else {
        stack.push(isObject);
        if (isObject) pos = expectKeyAndColon(buf, pos, watch);
        continue;
      }
    } else if (c === QUOTE) {
      pos = skipString(buf, pos);
    } else if (c === 0x74) {
      pos = skipLiteral(buf, pos, "true");
    } else if (c === 0x66) {
      pos = skipLiteral(buf, pos, "false");
    } else if (c === 0x6e) {
      pos = skipLiteral(buf, pos, "null");
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      pos = skipNumber(buf, pos);
    } else {
      throw new JsonSyntaxError("unexpected character", pos);
    }
    // 2. After a value: close containers or move to the next element.
    for (;;) {
      if (stack.length === 0) return pos;
      pos = skipWhitespace(buf, pos);
      const isObject = stack[stack.length - 1];
      const d = buf[pos];
      if (d === COMMA) {
        pos = skipWhitespace(buf, pos + 1);
        if (isObject) pos = expectKeyAndColon(buf, pos, watch);
        break;
      }
      if (d === (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        stack.pop();
        pos++;
        continue;
      }
      throw new JsonSyntaxError(isObject ? "expected , or }" : "expected , or ]", pos);
    }
  }
}

function expectKeyAndColon(buf: Buffer, pos: number, watch: NestedKeyWatch | undefined): number {
  if (buf[pos] !== QUOTE) throw new JsonSyntaxError("expected a property name", pos);
  const keyStart = pos;
  const keyEnd = skipString(buf, pos);
  pos = skipWhitespace(buf, keyEnd);
  if (buf[pos] !== COLON) throw new JsonSyntaxError("expected :", pos);
  if (watch && isWatchedKey(buf, keyStart, keyEnd, watch)) watch.valueStarts.push(skipWhitespace(buf, pos + 1));
  return pos + 1;
}

/** The key between the quotes at keyStart and keyEnd - 1 is the watched one (compared as bytes). */
function isWatchedKey(buf: Buffer, keyStart: number, keyEnd: number, watch: NestedKeyWatch): boolean {
  const key = watch.key;
  if (keyEnd - keyStart - 2 !== key.length || watch.valueStarts.length >= watch.limit) return false;
  for (let i = 0; i < key.length; i++) if (buf[keyStart + 1 + i] !== key[i]) return false;
  return true;
}

/**
 * The decoded name of the key whose quotes are at [keyStart, keyEnd). Keys without a backslash
 * (all real clients' keys) are their own UTF-8 bytes; the others go through JSON.parse, so
 * "\u0065" and friends mean what they mean to every other JSON reader.
 */
function decodeKey(buf: Buffer, keyStart: number, keyEnd: number): string {
  for (let i = keyStart + 1; i < keyEnd - 1; i++) {
    if (buf[i] === BACKSLASH) {
      try {
        return JSON.parse(buf.toString("utf8", keyStart, keyEnd)) as string;
      } catch {
        throw new JsonSyntaxError("invalid escape in a property name", keyStart);
      }
    }
  }
  return buf.toString("utf8", keyStart + 1, keyEnd - 1);
}

/**
 * Validates that `buf` is one JSON object and returns the ranges of the wanted top-level
 * fields (and notes the `watch`ed key at any depth). Throws JsonSyntaxError for anything else (including a non-object top level), and
 * JsonDuplicateKeyError when a wanted field appears twice.
 */
export function scanTopLevel(buf: Buffer, wanted: ReadonlySet<string>, watch?: NestedKeyWatch): Map<string, FieldRange> {
  const found = new Map<string, FieldRange>();
  let pos = skipWhitespace(buf, 0);
  if (buf[pos] !== OPEN_OBJECT) throw new JsonSyntaxError("the body must be a JSON object", pos);
  pos = skipWhitespace(buf, pos + 1);
  if (buf[pos] === CLOSE_OBJECT) {
    pos++;
  } else {
    for (;;) {
      if (buf[pos] !== QUOTE) throw new JsonSyntaxError("expected a property name", pos);
      const keyStart = pos;
      const keyEnd = skipString(buf, pos);
      pos = skipWhitespace(buf, keyEnd);
      if (buf[pos] !== COLON) throw new JsonSyntaxError("expected :", pos);
      pos = skipWhitespace(buf, pos + 1);
      const valueStart = pos;
      if (watch && isWatchedKey(buf, keyStart, keyEnd, watch)) watch.valueStarts.push(valueStart);
      pos = skipValue(buf, pos, watch);
      // Top-level keys are few and short; decoding them is cheap.
      const key = decodeKey(buf, keyStart, keyEnd);
      if (wanted.has(key)) {
        if (found.has(key)) throw new JsonDuplicateKeyError(key, keyStart);
        found.set(key, { start: valueStart, end: pos, keyStart });
      }
      pos = skipWhitespace(buf, pos);
      if (buf[pos] === COMMA) {
        pos = skipWhitespace(buf, pos + 1);
        continue;
      }
      if (buf[pos] === CLOSE_OBJECT) {
        pos++;
        break;
      }
      throw new JsonSyntaxError("expected , or }", pos);
    }
  }
  pos = skipWhitespace(buf, pos);
  if (pos !== buf.length) throw new JsonSyntaxError("unexpected data after the JSON object", pos);
  return found;
}

/** Parses the raw value of a found field (small values only: model, stream, metadata…). */
export function parseField(buf: Buffer, range: FieldRange | undefined): unknown {
  if (!range) return undefined;
  try {
    return JSON.parse(buf.toString("utf8", range.start, range.end));
  } catch (error) {
    // The scanner does not check escape sequences; JSON.parse does (e.g. "\x").
    throw new JsonSyntaxError((error as Error).message, range.start);
  }
}

/** A copy of `buf` with one field's value replaced by `value` (JSON-encoded). */
export function replaceField(buf: Buffer, range: FieldRange, value: unknown): Buffer {
  return Buffer.concat([buf.subarray(0, range.start), Buffer.from(JSON.stringify(value)), buf.subarray(range.end)]);
}
