/**
 * Splits a streamed JSON array (`[{…},\r\n{…}]`, Gemini's :streamGenerateContent without
 * `alt=sse`) into its elements as they arrive, without parsing them and without holding more
 * than the unfinished element between chunks. Like the SSE splitter, an element larger than
 * the cap is skipped (its structure is still followed, its bytes are not kept), so memory per
 * stream stays bounded however large the answer is.
 *
 * It tracks only what delimits elements: string boundaries (with escapes, which may straddle
 * chunks) and bracket depth. Validating the elements is left to whoever parses them.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

function isWhitespace(c: number) {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Where the splitter is in the outer array. */
export type JsonArrayState =
  /** Before the opening bracket. */
  | "start"
  /** Between elements (after "[" or after a complete element or a comma). */
  | "between"
  /** Inside an element. */
  | "element"
  /** After the closing bracket. */
  | "done"
  /** The stream did not start with "[": nothing is reported. */
  | "invalid";

export class JsonArraySplitter {
  private phase: JsonArrayState = "start";
  private depth = 0;
  private inString = false;
  /** The previous byte (possibly in the previous chunk) was an unescaped backslash inside a string. */
  private escaped = false;
  /** Copies of the current element's bytes from earlier chunks. */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** The current element outgrew the cap: follow its structure, drop its bytes. */
  private skipping = false;
  /** Complete elements reported so far. */
  private count = 0;

  constructor(
    private readonly onElement: (element: Buffer) => void,
    private readonly maxElementBytes = 4 * 1024 * 1024,
  ) {}

  /** Where the splitter stands now (tells whether an error element may still be appended). */
  get state(): JsonArrayState {
    return this.phase;
  }

  /** Complete elements seen so far. */
  get elements(): number {
    return this.count;
  }

  push(chunk: Buffer): void {
    let i = 0;
    let elementStart = this.phase === "element" ? 0 : -1;
    const n = chunk.length;
    while (i < n) {
      if (this.phase === "start") {
        const c = chunk[i];
        if (isWhitespace(c)) {
          i++;
          continue;
        }
        this.phase = c === OPEN_ARRAY ? "between" : "invalid";
        i++;
        continue;
      }
      if (this.phase === "done" || this.phase === "invalid") return;
      if (this.phase === "between") {
        const c = chunk[i];
        if (isWhitespace(c) || c === COMMA) {
          i++;
          continue;
        }
        if (c === CLOSE_ARRAY) {
          this.phase = "done";
          return;
        }
        this.phase = "element";
        this.depth = 0;
        elementStart = i;
      }
      // Inside an element: find where it ends, or consume the whole chunk.
      const end = this.scanElement(chunk, i);
      if (end < 0) {
        this.keep(chunk.subarray(elementStart));
        return;
      }
      this.emit(chunk.subarray(elementStart, end));
      elementStart = -1;
      this.phase = "between";
      i = end;
    }
  }

  /** Reports nothing more; an element cut off by the end of the stream is dropped. */
  end(): void {
    this.carry = [];
    this.carryBytes = 0;
  }

  /**
   * Advances through an element from `i`; returns the index just past its last byte, or -1
   * when the element goes on in the next chunk.
   */
  private scanElement(chunk: Buffer, i: number): number {
    const n = chunk.length;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        const quote = chunk.indexOf(QUOTE, i);
        const stop = quote < 0 ? n : quote;
        // A quote (or the chunk's end) preceded by an odd run of backslashes is escaped.
        let backslashes = 0;
        for (let j = stop - 1; j >= i && chunk[j] === BACKSLASH; j--) backslashes++;
        if (quote < 0) {
          this.escaped = backslashes % 2 === 1;
          return -1;
        }
        i = quote + 1;
        if (backslashes % 2 === 1) continue;
        this.inString = false;
        if (this.depth === 0) return i; // a string element
        continue;
      }
      const c = chunk[i];
      if (c === QUOTE) {
        this.inString = true;
        i++;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.depth++;
        i++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.depth === 0) return i; // the outer "]" right after a scalar element
        this.depth--;
        i++;
        if (this.depth === 0) return i;
      } else if (this.depth === 0 && (c === COMMA || isWhitespace(c))) {
        return i; // end of a scalar element
      } else {
        i++;
      }
    }
    return -1;
  }

  private keep(part: Buffer) {
    if (this.skipping || part.length === 0) return;
    if (this.carryBytes + part.length > this.maxElementBytes) {
      this.skipping = true;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    // Copy, so the (possibly large) upstream chunk is not retained.
    this.carry.push(Buffer.from(part));
    this.carryBytes += part.length;
  }

  private emit(last: Buffer) {
    const skipped = this.skipping || this.carryBytes + last.length > this.maxElementBytes;
    const element = skipped || this.carry.length === 0 ? last : Buffer.concat([...this.carry, last]);
    this.carry = [];
    this.carryBytes = 0;
    this.skipping = false;
    this.count++;
    if (!skipped) this.onElement(element);
  }
}
