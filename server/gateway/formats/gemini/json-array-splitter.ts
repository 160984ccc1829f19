/**
 * Splits a streamed JSON array (`[{…},\r\n{…}]`, Gemini's :streamGenerateContent without
 * `alt=sse`) into its elements as they arrive, without parsing them and without holding more
 * than the unfinished element between chunks. Like the SSE splitter, an element larger than
 * the cap is skipped (its structure is still followed, its bytes are not kept), so memory per
 * stream stays bounded however large the answer is.
 *
 * Where an element ends is found by streaming/json-element-end.ts (string boundaries and
 * bracket depth only). Validating the elements is left to whoever parses them.
 */

import { CLOSE_ARRAY, COMMA, isJsonWhitespace as isWhitespace, JsonElementEnd, OPEN_ARRAY } from "../../streaming/json-element-end.ts";

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
  private readonly elementEnd = new JsonElementEnd();
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
        this.elementEnd.start();
        elementStart = i;
      }
      // Inside an element: find where it ends, or consume the whole chunk.
      const end = this.elementEnd.scan(chunk, i);
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
