/**
 * How much generated text a stream has carried so far, measured from the raw bytes of its
 * events without decoding them. A stream that the client drops before the upstream's usage
 * report is billed from this (see usage/dropped-stream.ts), so every format's tap adds the
 * string values of its delta members (text, reasoning, tool-call arguments) as they pass.
 *
 * The count is of the text's UTF-8 size: escapes count as what they stand for (`\n` one byte,
 * `\uXXXX` three — the usual size of the non-ASCII characters that get escaped).
 */
import { findMember } from "../formats/openai-chat/event-bytes.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The UTF-8 size of the JSON string starting at `start` (its opening quote), 0 when the value is no string. */
function stringValueBytes(text: string, start: number): { bytes: number; end: number } {
  if (text.charCodeAt(start) !== QUOTE) return { bytes: 0, end: start };
  let bytes = 0;
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return { bytes, end: i + 1 };
    if (c === BACKSLASH) {
      if (text.charCodeAt(i + 1) === 0x75 /* u */) {
        bytes += 3;
        i += 6;
      } else {
        bytes += 1;
        i += 2;
      }
      continue;
    }
    // latin1 view: one character per byte of the original UTF-8.
    bytes++;
    i++;
  }
  return { bytes, end: i };
}

/**
 * Sum of the UTF-8 sizes of every string value of a member called one of `names` (at any
 * depth) in one event's text, read as latin1 so that offsets are byte offsets.
 */
export function generatedBytes(text: string, names: readonly string[]): number {
  let total = 0;
  for (const name of names) {
    let from = 0;
    for (;;) {
      const hit = findMember(text, name, from);
      if (!hit) break;
      const value = stringValueBytes(text, hit.valueStart);
      total += value.bytes;
      from = Math.max(value.end, hit.valueStart + 1);
    }
  }
  return total;
}
