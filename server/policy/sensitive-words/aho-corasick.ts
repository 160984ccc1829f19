/**
 * Case-insensitive multi-word search in one pass over the text (Aho-Corasick). The sensitive-word
 * check runs on every request that carries text when words are configured, and a 64 KiB Claude
 * Code body with a hundred words must cost well under a millisecond: one indexOf per word would
 * read the text a hundred times, and one combined regular expression with the `i` flag costs
 * about as much.
 *
 * States are numbered; ASCII transitions are a full DFA table (fail links folded in), so the hot
 * loop over ordinary text is one array read per character. Other characters (CJK words, accented
 * letters) use a per-state Map and walk fail links; a character that occurs in no word sends the
 * search back to the start without a lookup. Case is folded through a table built once per
 * process (String.prototype.toLowerCase per character would allocate on every non-ASCII one).
 */

const ASCII = 128;

/**
 * FOLD[unit] = the lower-case code unit, where lower-casing keeps it one unit; else the unit
 * itself. A non-ASCII unit never folds into ASCII (the Kelvin sign stays itself rather than
 * becoming "k"): the byte-level pre-check (raw-prefilter.ts) folds ASCII only, and both must agree.
 */
const FOLD = (() => {
  const table = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const lower = String.fromCharCode(c).toLowerCase();
    const folded = lower.length === 1 ? lower.charCodeAt(0) : c;
    table[c] = c >= 128 && folded < 128 ? c : folded;
  }
  return table;
})();

/** The text folded as the matcher folds it (for whole-text comparisons). */
export function foldCase(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += String.fromCharCode(FOLD[text.charCodeAt(i)]);
  return out;
}

function foldUnits(word: string): number[] {
  const units: number[] = [];
  for (let i = 0; i < word.length; i++) units.push(FOLD[word.charCodeAt(i)]);
  return units;
}

export class AhoCorasick {
  /** ascii[state * 128 + code] = next state, fail links already applied. */
  private readonly ascii: Int32Array;
  /** Non-ASCII transitions of each state (goto function only; fail links walked at match time). */
  private readonly wide: Array<Map<number, number> | undefined>;
  private readonly fail: Int32Array;
  /** The smallest index (into the words given) of a word ending at each state, or -1. */
  private readonly output: Int32Array;
  /** used[unit] = 1 when some word contains this non-ASCII unit. */
  private readonly used = new Uint8Array(0x10000);

  /** `words` must be non-empty strings; they are matched case-insensitively. */
  constructor(words: readonly string[]) {
    const gotoAscii: number[][] = [[]];
    const wide: Array<Map<number, number> | undefined> = [undefined];
    const output: number[] = [-1];
    words.forEach((word, index) => {
      let state = 0;
      // Code units, as the text is read: characters outside the BMP are two units.
      for (const unit of foldUnits(word)) {
        let next: number | undefined = unit < ASCII ? gotoAscii[state][unit] : wide[state]?.get(unit);
        if (next === undefined) {
          next = gotoAscii.length;
          gotoAscii.push([]);
          wide.push(undefined);
          output.push(-1);
          if (unit < ASCII) gotoAscii[state][unit] = next;
          else {
            (wide[state] ??= new Map()).set(unit, next);
            this.used[unit] = 1;
          }
        }
        state = next;
      }
      if (output[state] === -1 || index < output[state]) output[state] = index;
    });

    const count = gotoAscii.length;
    const fail = new Int32Array(count);
    const table = new Int32Array(count * ASCII);
    // Breadth-first: a state's fail link and table row depend only on shallower states.
    const queue: number[] = [0];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      const f = fail[state];
      if (state !== 0 && output[state] === -1) output[state] = output[f];
      else if (state !== 0 && output[f] !== -1 && output[f] < output[state]) output[state] = output[f];
      for (let c = 0; c < ASCII; c++) {
        const next = gotoAscii[state][c];
        if (next !== undefined) {
          fail[next] = state === 0 ? 0 : table[f * ASCII + c];
          table[state * ASCII + c] = next;
          queue.push(next);
        } else {
          table[state * ASCII + c] = state === 0 ? 0 : table[f * ASCII + c];
        }
      }
      for (const [unit, next] of wide[state] ?? []) {
        fail[next] = state === 0 ? 0 : this.wideStep(wide, fail, f, unit);
        queue.push(next);
      }
    }
    this.ascii = table;
    this.wide = wide;
    this.fail = fail;
    this.output = Int32Array.from(output);
  }

  private wideStep(wide: Array<Map<number, number> | undefined>, fail: Int32Array, state: number, unit: number): number {
    for (;;) {
      const next = wide[state]?.get(unit);
      if (next !== undefined) return next;
      if (state === 0) return 0;
      state = fail[state];
    }
  }

  /** The index of a word found in `text` (the lowest index among words ending at the first hit), or -1. */
  search(text: string): number {
    const table = this.ascii;
    const output = this.output;
    let state = 0;
    const used = this.used;
    for (let i = 0; i < text.length; i++) {
      const code = FOLD[text.charCodeAt(i)];
      if (code < ASCII) state = table[state * ASCII + code];
      else if (used[code] === 0) state = 0;
      else state = this.wideStep(this.wide, this.fail, state, code);
      if (output[state] !== -1) return output[state];
    }
    return -1;
  }
}
