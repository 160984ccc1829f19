/**
 * Reading one JSON string literal out of an event's text, for the stream decoders' fast paths:
 * the frequent delta events (a few words of text, a fragment of tool arguments) are recognised
 * by their fixed wording and only their string is decoded, instead of JSON.parse building an
 * object tree per event. Anything that does not match exactly is parsed in full as before.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The string literal whose opening quote is at `at`: its value and the offset after its closing
 * quote, or undefined when it is not a valid JSON string (a raw control character, a bad escape,
 * no closing quote). Without escapes the value is a slice of the text; with them the literal
 * alone goes through JSON.parse.
 */
export function readJsonString(text: string, at: number): { value: string; end: number } | undefined {
  if (text.charCodeAt(at) !== QUOTE) return undefined;
  let escaped = false;
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      escaped = true;
      i++;
    } else if (c === QUOTE) {
      if (!escaped) return { value: text.slice(at + 1, i), end: i + 1 };
      try {
        return { value: JSON.parse(text.slice(at, i + 1)) as string, end: i + 1 };
      } catch {
        return undefined;
      }
    } else if (c < 0x20) return undefined;
  }
  return undefined;
}

/** The end of a run of ASCII digits (a small non-negative integer: no sign, no leading zero) from `at`, or -1. */
export function readSmallInteger(text: string, at: number): number {
  let i = at;
  while (i < text.length && i - at < 9) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  if (i === at || (text.charCodeAt(at) === 0x30 && i - at > 1)) return -1;
  return i;
}
