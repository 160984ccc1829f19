/**
 * Splits a byte stream of Server-Sent Events into events without copying what it does not
 * have to: it keeps only the bytes of the unfinished last event between chunks, and gives up
 * buffering (skipping to the next event boundary) when one event exceeds a size cap, so memory
 * per stream stays bounded whatever the response size. Both "\n\n" and "\r\n\r\n" end events.
 */

const LF = 0x0a;
const CR = 0x0d;

export class SseSplitter {
  private carry: Buffer | undefined;
  private skipping = false;

  constructor(
    private readonly onEvent: (event: Buffer) => void,
    private readonly maxEventBytes = 4 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    let start = 0;
    let search = 0;
    for (;;) {
      const nl = data.indexOf(LF, search);
      if (nl < 0) break;
      let end = -1;
      if (data[nl + 1] === LF) end = nl + 2;
      else if (data[nl + 1] === CR && data[nl + 2] === LF) end = nl + 3;
      else if (nl + 1 >= data.length || (data[nl + 1] === CR && nl + 2 >= data.length)) {
        break; // the boundary may continue in the next chunk
      }
      if (end < 0) {
        search = nl + 1;
        continue;
      }
      if (!this.skipping) this.onEvent(data.subarray(start, end));
      this.skipping = false;
      start = end;
      search = end;
    }
    if (start < data.length) {
      const rest = data.subarray(start);
      if (this.skipping || rest.length > this.maxEventBytes) {
        this.skipping = true; // an oversized event: drop it, resume at the next boundary
        // keep the last two bytes: a boundary may straddle the chunk edge
        this.carry = Buffer.from(rest.subarray(Math.max(0, rest.length - 2)));
      } else {
        // Copy, so the (possibly large) upstream chunk is not retained.
        this.carry = Buffer.from(rest);
      }
    }
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): void {
    if (this.carry && this.carry.length && !this.skipping) this.onEvent(this.carry);
    this.carry = undefined;
  }
}

/** The value of the event's "event:" field, when it is on the first line (as every vendor sends it). */
export function sseEventName(event: Buffer): string | undefined {
  if (event[0] !== 0x65 /* e */ || event.toString("latin1", 0, 6) !== "event:") return undefined;
  let end = event.indexOf(LF);
  if (end < 0) end = event.length;
  return event.toString("latin1", 6, end).trim();
}

/** The event's data (its data: lines joined with "\n"), or undefined when it has none. */
export function sseEventData(event: Buffer): string | undefined {
  const text = event.toString("utf8");
  let data: string | undefined;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (!line.startsWith("data:")) continue;
    const value = line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}
