/**
 * How much generated text a stream has carried so far, measured from the raw bytes of its
 * events without decoding them. A stream that the client drops before the upstream's usage
 * report is billed from this (see usage/dropped-stream.ts), so every format's tap adds the
 * string values of its delta members (text, reasoning, tool-call arguments) as they pass.
 *
 * The count is of the text's UTF-8 size: escapes count as what they stand for (`\n` one byte,
 * `\uXXXX` three — the usual size of the non-ASCII characters that get escaped).
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The names as bytes, made once per list (the taps pass module-level constants). */
const nameBytesCache = new WeakMap<readonly string[], Buffer[]>();

/**
 * Sum of the UTF-8 sizes of every string value of a member called one of `names` (at any depth)
 * in one event, read from its bytes in one pass without making a string of it (one call per
 * delta event of every streamed answer). Strings are skipped whole, so a name inside a string
 * value is never taken for a member.
 */
export function generatedBytesOf(event: Uint8Array, names: readonly string[]): number {
  let wanted = nameBytesCache.get(names);
  if (!wanted) nameBytesCache.set(names, (wanted = names.map((n) => Buffer.from(n, "latin1"))));
  let total = 0;
  const length = event.length;
  let i = 0;
  while (i < length) {
    if (event[i] !== QUOTE) {
      i++;
      continue;
    }
    // A string from i to its closing quote.
    const start = i + 1;
    let end = start;
    while (end < length && event[end] !== QUOTE) end += event[end] === BACKSLASH ? 2 : 1;
    i = end + 1;
    if (!isWantedName(event, start, end, wanted)) continue;
    let pos = i;
    while (pos < length && isJsonWhitespace(event[pos])) pos++;
    if (event[pos] !== COLON) continue;
    pos++;
    while (pos < length && isJsonWhitespace(event[pos])) pos++;
    if (event[pos] !== QUOTE) continue;
    // The member's string value: count it and go on after it.
    let bytes = 0;
    let j = pos + 1;
    while (j < length) {
      const c = event[j];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        if (event[j + 1] === 0x75 /* u */) {
          bytes += 3;
          j += 6;
        } else {
          bytes += 1;
          j += 2;
        }
        continue;
      }
      bytes++;
      j++;
    }
    total += bytes;
    i = j + 1;
  }
  return total;
}

function isWantedName(event: Uint8Array, start: number, end: number, wanted: readonly Buffer[]): boolean {
  const length = end - start;
  for (const name of wanted) {
    if (name.length !== length) continue;
    let k = 0;
    while (k < length && event[start + k] === name[k]) k++;
    if (k === length) return true;
  }
  return false;
}

