/**
 * Response filters on a streamed JSON array (Gemini's :streamGenerateContent without alt=sse:
 * `[{…},\r\n{…}]` written element by element), one element at a time. Only the unfinished
 * element (or the separator after the last complete one) is held between chunks; a complete
 * element leaves at once, so the stream keeps its pace. An element no filter changed leaves as
 * the very bytes that came in; a changed one leaves re-serialized, in its place, with the
 * separators untouched.
 *
 * Where an element ends is found by the scanner the Gemini array splitter uses too
 * (streaming/json-element-end.ts); the splitter reports elements but not where they sit among
 * the bytes, and this one has to put the bytes back in order.
 */

import { CLOSE_ARRAY, COMMA, isJsonWhitespace as isWhitespace, JsonElementEnd, OPEN_ARRAY } from "../streaming/json-element-end.ts";

/** Past this, an element is passed through unfiltered instead of held (memory stays bounded). */
export const MAX_FILTERED_ELEMENT_BYTES = 4 * 1024 * 1024;

const MAX_HELD_SEPARATOR_BYTES = 64 * 1024;

export class JsonArrayElementFilter {
  private phase: "start" | "between" | "element" | "done" | "invalid" = "start";
  private readonly elementEnd = new JsonElementEnd();
  /** Copies of the current element's bytes from earlier chunks. */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** The current element outgrew the cap: its bytes pass through as they come. */
  private oversized = false;
  /** At least one element is complete: a separator after it waits for what follows. */
  private afterElement = false;
  /**
   * The comma and whitespace after the last complete element, held until the next element or
   * the closing bracket starts. If the stream breaks there, the hub closes the array with its
   * own ",{error}]" (renderGeminiStreamError): a separator already sent would make it ",,".
   */
  private separator: Buffer[] = [];

  /**
   * `rewrite` gets each element's parsed value and returns true when it changed it (in place).
   * `onSkip` hears why something was left unfiltered (an oversized element, a body that is not
   * an array).
   */
  constructor(
    private readonly rewrite: (element: unknown) => boolean,
    private readonly onSkip: (reason: string) => void = () => undefined,
    private readonly maxElementBytes = MAX_FILTERED_ELEMENT_BYTES,
  ) {}

  /** What can leave now: everything but the unfinished element (possibly rewritten elements). */
  push(chunk: Buffer): Buffer {
    if (!chunk.length) return chunk;
    const out: Buffer[] = [];
    const n = chunk.length;
    let i = 0;
    /** Start of the bytes of this chunk not yet placed in `out` (outside elements, or an oversized one). */
    let passFrom = 0;
    /** Start of the current element's bytes in this chunk, when they are being held. */
    let elementStart = this.phase === "element" && !this.oversized ? 0 : -1;
    while (i < n) {
      if (this.phase === "done" || this.phase === "invalid") break;
      if (this.phase === "start") {
        const c = chunk[i++];
        if (isWhitespace(c)) continue;
        if (c === OPEN_ARRAY) this.phase = "between";
        else {
          this.phase = "invalid";
          this.onSkip("the stream is not a JSON array");
        }
        continue;
      }
      if (this.phase === "between") {
        const c = chunk[i];
        if (isWhitespace(c) || c === COMMA) {
          i++;
          continue;
        }
        if (c === CLOSE_ARRAY) {
          this.phase = "done";
          out.push(...this.takeSeparator());
          break;
        }
        // An element starts: what came before it leaves now.
        out.push(...this.takeSeparator());
        if (i > passFrom) out.push(chunk.subarray(passFrom, i));
        passFrom = i;
        this.phase = "element";
        this.elementEnd.start();
        elementStart = i;
      }
      const end = this.elementEnd.scan(chunk, i);
      if (end < 0) {
        if (elementStart >= 0) {
          // Held, or (past the cap) placed in `out` by hold(): either way nothing more passes.
          this.hold(chunk.subarray(elementStart), out);
          passFrom = n;
        }
        // Else an oversized element goes on: its bytes pass below, from passFrom.
        break;
      }
      if (this.oversized) {
        // The oversized element's remaining bytes pass as they came.
        this.oversized = false;
        out.push(chunk.subarray(passFrom, end));
      } else {
        out.push(this.element(chunk.subarray(elementStart, end)));
      }
      passFrom = end;
      this.afterElement = true;
      elementStart = -1;
      this.phase = "between";
      i = end;
    }
    if (passFrom < n) {
      if (this.phase === "between" && this.afterElement) {
        this.separator.push(Buffer.from(chunk.subarray(passFrom)));
        // Only a comma and a line break are expected; a flood of whitespace is not held.
        if (this.separator.reduce((sum, b) => sum + b.length, 0) > MAX_HELD_SEPARATOR_BYTES) out.push(...this.takeSeparator());
      } else out.push(chunk.subarray(passFrom));
    }
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** Whatever is left when the stream ends (an element cut off by the end goes out as it is). */
  end(): Buffer {
    const rest = Buffer.concat([...this.takeSeparator(), ...this.carry]);
    this.carry = [];
    this.carryBytes = 0;
    return rest;
  }

  private takeSeparator(): Buffer[] {
    const held = this.separator;
    this.separator = [];
    return held;
  }

  /** Holds the start of an element that goes on in the next chunk, or gives up holding it. */
  private hold(part: Buffer, out: Buffer[]) {
    if (this.carryBytes + part.length > this.maxElementBytes) {
      this.onSkip(`an element larger than ${this.maxElementBytes} bytes is not filtered`);
      this.oversized = true;
      out.push(...this.carry, part);
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    // Copy, so the (possibly large) upstream chunk is not retained.
    this.carry.push(Buffer.from(part));
    this.carryBytes += part.length;
  }

  /** The complete element's bytes: rewritten when a filter changed it, else as they came. */
  private element(last: Buffer): Buffer {
    const bytes = this.carry.length ? Buffer.concat([...this.carry, last]) : last;
    this.carry = [];
    this.carryBytes = 0;
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString("utf8"));
    } catch {
      return bytes;
    }
    return this.rewrite(doc) ? Buffer.from(JSON.stringify(doc)) : bytes;
  }

}
