/**
 * Finds where an element of a streamed JSON array ends, chunk by chunk, without parsing it: it
 * follows only what delimits elements — string boundaries (with escapes, which may straddle
 * chunks) and bracket depth. Shared by the Gemini array splitter (formats/gemini/
 * json-array-splitter.ts), which reports elements, and the response filter for such streams
 * (filters/json-array.ts), which rewrites them in place.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const COMMA = 0x2c;

export function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class JsonElementEnd {
  private depth = 0;
  private inString = false;
  /** The previous byte (possibly in the previous chunk) was an unescaped backslash inside a string. */
  private escaped = false;

  /** An element starts at the next byte scanned. */
  start(): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  /**
   * Advances through the element from `i`; returns the index just past its last byte, or -1
   * when the element goes on in the next chunk.
   */
  scan(chunk: Buffer, i: number): number {
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
      } else if (this.depth === 0 && (c === COMMA || isJsonWhitespace(c))) {
        return i; // end of a scalar element
      } else {
        i++;
      }
    }
    return -1;
  }
}
