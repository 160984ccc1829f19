/**
 * A sound pre-check on the raw body bytes, so that the common case — no rule can match — costs
 * one pass over the bytes instead of JSON.parse plus the matcher (docs/decisions/0017).
 *
 * It looks, case-insensitively, for every "needle" inside every JSON string of the body (keys
 * included), with JSON escapes decoded as it goes: the contains and exact words themselves, and
 * for each regex a literal that every match of it must contain. If no needle occurs anywhere, no
 * rule can match the user text (which is a subset of those strings), and the body is not parsed.
 * If one occurs — perhaps only in a tool schema — the caller runs the exact check.
 *
 * Needles are UTF-8 bytes; ASCII letters fold inline. A needle with a non-ASCII letter that has
 * case cannot be folded byte-wise, and a regex with no usable literal cannot be pre-checked:
 * either makes the pre-check unavailable (`usable` false), and every body takes the exact path.
 */

const ALPHABET = 256;
/** Past this many states (≈ bytes of needles) the table would cost megabytes: the pre-check is off instead. */
const MAX_STATES = 60_000;

/**
 * Decodes the JSON escape at body[at] (a backslash) into out[0..3] as UTF-8 and stores in out[4]
 * how many bytes after the backslash it spans. Returns the number of decoded bytes, 0 for a lone
 * surrogate, -1 for a malformed escape.
 */
function decodeEscape(body: Uint8Array, at: number, out: Uint8Array): number {
  const e = body[at + 1];
  out[4] = 1;
  if (e === undefined) return -1;
  if (e !== 0x75) {
    out[0] = e === 0x6e ? 0x0a : e === 0x74 ? 0x09 : e === 0x72 ? 0x0d : e === 0x62 ? 0x08 : e === 0x66 ? 0x0c : e; // \" \\ \/ stand for themselves
    return 1;
  }
  const code = hex4(body, at + 2);
  if (code < 0) return -1;
  out[4] = 5;
  if (code < 0x80) {
    out[0] = code;
    return 1;
  }
  if (code < 0x800) {
    out[0] = 0xc0 | (code >> 6);
    out[1] = 0x80 | (code & 0x3f);
    return 2;
  }
  if (code < 0xd800 || code > 0xdfff) {
    out[0] = 0xe0 | (code >> 12);
    out[1] = 0x80 | ((code >> 6) & 0x3f);
    out[2] = 0x80 | (code & 0x3f);
    return 3;
  }
  // A surrogate: a high one followed by an escaped low one is one character outside the BMP.
  if (code <= 0xdbff && body[at + 6] === 0x5c && body[at + 7] === 0x75) {
    const low = hex4(body, at + 8);
    if (low >= 0xdc00 && low <= 0xdfff) {
      const cp = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      out[0] = 0xf0 | (cp >> 18);
      out[1] = 0x80 | ((cp >> 12) & 0x3f);
      out[2] = 0x80 | ((cp >> 6) & 0x3f);
      out[3] = 0x80 | (cp & 0x3f);
      out[4] = 11;
      return 4;
    }
  }
  return 0;
}

function hex4(body: Uint8Array, at: number): number {
  let code = 0;
  for (let k = 0; k < 4; k++) {
    const h = hexValue(body[at + k]);
    if (h < 0) return -1;
    code = code * 16 + h;
  }
  return code;
}

/** FOLD_BYTE[b] lower-cases ASCII A-Z and leaves every other byte alone. */
const FOLD_BYTE = (() => {
  const table = new Uint8Array(ALPHABET);
  for (let b = 0; b < ALPHABET; b++) table[b] = b >= 65 && b <= 90 ? b | 32 : b;
  return table;
})();

function hasCasedNonAscii(text: string): boolean {
  for (const ch of text) if (ch.charCodeAt(0) >= 128 && ch.toLowerCase() !== ch.toUpperCase()) return true;
  return false;
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  const l = b | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * A literal that every match of an RE2 pattern contains, or undefined when none can be proven.
 * Conservative: only runs of plain characters at the top level of a pattern without top-level
 * alternation, minus any character a quantifier makes optional.
 */
export function requiredLiteral(pattern: string): string | undefined {
  if (pattern.includes("\\Q")) return undefined;
  const runs: string[] = [];
  let run = "";
  let depth = 0;
  const endRun = () => {
    if (run) runs.push(run);
    run = "";
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "[") {
      // Skip the class (a leading ] or ^] is literal inside it; [:alpha:] nests one level).
      endRun();
      let j = i + 1;
      if (pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      for (; j < pattern.length && pattern[j] !== "]"; j++) {
        if (pattern[j] === "\\") j++;
        else if (pattern[j] === "[" && pattern[j + 1] === ":") {
          const close = pattern.indexOf(":]", j + 2);
          if (close < 0) return undefined;
          j = close + 1;
        }
      }
      if (j >= pattern.length) return undefined;
      i = j;
      continue;
    }
    if (c === "(") {
      endRun();
      depth++;
      continue;
    }
    if (c === ")") {
      endRun();
      depth--;
      continue;
    }
    if (depth > 0) {
      if (c === "\\") i++;
      continue;
    }
    if (c === "|") return undefined;
    if (c === "{") {
      // A counted repetition {n}, {n,} or {n,m}: skip its digits. A brace that is not one is a
      // literal to RE2; rather than model that, give up.
      const repeat = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      if (!repeat) return undefined;
      endRun();
      i += repeat[0].length - 1;
      continue;
    }
    let literal: string | undefined;
    if (c === "\\") {
      const next = pattern[i + 1];
      i++;
      // \d, \w, \x41, \pN…: not a plain character (treating \x41 as none is merely conservative).
      if (next !== undefined && !/[A-Za-z0-9]/.test(next)) literal = next;
    } else if (!".^$*+?{}".includes(c)) {
      literal = c;
    }
    if (literal === undefined) {
      endRun();
      continue;
    }
    const quantifier = pattern[i + 1];
    if (quantifier === "*" || quantifier === "?" || quantifier === "{") {
      endRun(); // optional or counted: the character may be absent (or its count unknown)
    } else if (quantifier === "+") {
      run += literal;
      endRun();
    } else {
      run += literal;
    }
  }
  endRun();
  if (/\(\?[a-zA-Z]*i/.test(pattern)) {
    // Case-insensitive RE2 also folds k with the Kelvin sign and s with the long s, which the
    // byte-level search cannot see: keep only the pieces between those letters.
    runs.splice(0, runs.length, ...runs.flatMap((r) => r.split(/[ks]/i)));
  }
  const longest = runs.reduce((best, r) => (r.length > best.length ? r : best), "");
  return longest.length >= 2 ? longest : undefined;
}

export class RawPrefilter {
  /** False when some rule cannot be pre-checked: callers then always take the exact path. */
  readonly usable: boolean;
  /** table[state << 8 | byte]: the next state, ASCII case folded in; the quote column resets. */
  private readonly table: Int32Array | Uint16Array;
  private readonly final: Uint8Array;
  /** The real transitions on a quote character, for an escaped \" inside a string. */
  private readonly quoteNext: Int32Array;
  /** Bytes 0-3: what an escape decodes to; byte 4: how many body bytes it spans beyond the backslash. */
  private readonly scratch = new Uint8Array(5);

  constructor(needles: readonly string[], unusable = false) {
    const byteNeedles = needles.map((n) => Buffer.from(n));
    const size = byteNeedles.reduce((sum, b) => sum + b.length, 0);
    this.usable = !unusable && needles.length > 0 && size < MAX_STATES && !needles.some((n) => !n || hasCasedNonAscii(n));
    const goto: Array<Map<number, number>> = [new Map()];
    const final: number[] = [0];
    for (const bytes of this.usable ? byteNeedles : []) {
      let state = 0;
      for (const raw of bytes) {
        const b = FOLD_BYTE[raw];
        let next = goto[state].get(b);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          final.push(0);
          goto[state].set(b, next);
        }
        state = next;
      }
      final[state] = 1;
    }
    // Full DFA over bytes, fail links folded in (breadth-first).
    const count = goto.length;
    const table = new Int32Array(count * ALPHABET);
    const fail = new Int32Array(count);
    const queue = [0];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      if (state !== 0 && final[fail[state]]) final[state] = 1;
      for (let b = 0; b < ALPHABET; b++) {
        const next = goto[state].get(b);
        if (next !== undefined) {
          fail[next] = state === 0 ? 0 : table[fail[state] * ALPHABET + b];
          table[state * ALPHABET + b] = next;
          queue.push(next);
        } else {
          table[state * ALPHABET + b] = state === 0 ? 0 : table[fail[state] * ALPHABET + b];
        }
      }
    }
    // Fold ASCII case into the table, and keep the quote column apart (a raw quote ends a string).
    const quoteNext = new Int32Array(count);
    for (let state = 0; state < count; state++) {
      const row = state * ALPHABET;
      for (let b = 65; b <= 90; b++) table[row + b] = table[row + (b | 32)];
      quoteNext[state] = table[row + 0x22];
      table[row + 0x22] = 0;
    }
    this.table = count <= 0xffff ? Uint16Array.from(table) : table;
    this.quoteNext = quoteNext;
    this.final = Uint8Array.from(final);
  }

  /**
   * Whether some needle occurs in some JSON string of the body (escapes decoded). Bytes between
   * strings (keys' quotes, numbers, punctuation) are fed too and a quote resets the search: that
   * can only add false alarms, never hide a match, and keeps the loop to one branch per byte.
   */
  mayMatch(body: Uint8Array): boolean {
    const table = this.table;
    const final = this.final;
    const quote = this.quoteNext;
    const decoded = this.scratch;
    const n = body.length;
    let state = 0;
    for (let i = 0; i < n; i++) {
      const b = body[i];
      if (b !== 0x5c) {
        state = table[(state << 8) | b]; // a raw quote's column leads back to the start
        if (final[state] === 1) return true;
        continue;
      }
      // An escape: feed the bytes it stands for (UTF-8 for \uXXXX).
      const count = decodeEscape(body, i, decoded);
      if (count < 0) return true; // malformed: let the exact path judge
      i += decoded[4];
      if (count === 0) {
        state = 0; // a lone surrogate: no needle holds one
        continue;
      }
      for (let k = 0; k < count; k++) {
        const d = decoded[k];
        state = d === 0x22 ? quote[state] : table[(state << 8) | d];
        if (final[state] === 1) return true;
      }
    }
    return false;
  }
}
