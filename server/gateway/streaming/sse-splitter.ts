/**
 * Splits a byte stream of Server-Sent Events into events. Linear in the bytes it sees: the
 * pieces of an unfinished event are kept as a list (copied once, when the event completes), and
 * each new chunk is searched only from where the previous search stopped. Buffering stops at a
 * size cap (the rest of that event is skipped up to the next boundary), so memory per stream
 * stays bounded whatever the response size. Both "\n\n" and "\r\n\r\n" end events.
 */

const LF = 0x0a;
const CR = 0x0d;

export class SseSplitter {
  /** Pieces of the unfinished event (already-copied buffers). */
  private pieces: Buffer[] = [];
  private pending = 0;
  /** The last two bytes of the unfinished event, to recognise a boundary that straddles chunks. */
  private last1 = -1;
  private last2 = -1;
  private skipping = false;

  constructor(
    private readonly onEvent: (event: Buffer) => void,
    private readonly maxEventBytes = 4 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let from = 0;
    for (;;) {
      const i = chunk.indexOf(LF, from);
      if (i < 0) break;
      from = i + 1;
      // The two bytes before this LF, within the current (unfinished) event only.
      const b1 = i - 1 >= start ? chunk[i - 1] : start === 0 ? this.last1 : -1;
      const b2 = i - 2 >= start ? chunk[i - 2] : start === 0 ? (i === 1 ? this.last1 : this.last2) : -1;
      if (!(b1 === LF || (b1 === CR && b2 === LF))) continue;
      this.emit(chunk.subarray(start, i + 1));
      start = i + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start), start === 0);
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): void {
    if (this.pending && !this.skipping) this.onEvent(this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.pending));
    this.reset();
  }

  private reset() {
    this.pieces = [];
    this.pending = 0;
    this.last1 = -1;
    this.last2 = -1;
    this.skipping = false;
  }

  private emit(last: Buffer) {
    const event = this.pending ? Buffer.concat([...this.pieces, last], this.pending + last.length) : last;
    // A lone blank line between events is not an event.
    if (!this.skipping && !(event.length <= 2 && (event[0] === LF || event[0] === CR))) this.onEvent(event);
    this.reset();
  }

  private keep(rest: Buffer, continuesEvent: boolean) {
    if (rest.length >= 2) {
      this.last2 = rest[rest.length - 2];
      this.last1 = rest[rest.length - 1];
    } else {
      this.last2 = continuesEvent ? this.last1 : -1;
      this.last1 = rest[0];
    }
    if (this.skipping) return;
    if (this.pending + rest.length > this.maxEventBytes) {
      // An oversized event: drop it and resume at the next boundary.
      this.skipping = true;
      this.pieces = [];
      this.pending = 0;
      return;
    }
    // Copy, so the (possibly large) upstream chunk is not retained.
    this.pieces.push(Buffer.from(rest));
    this.pending += rest.length;
  }
}

/** The value of the event's "event:" field, when it is on the first line (as every vendor sends it). */
export function sseEventName(event: Buffer): string | undefined {
  const start = eventNameStart(event);
  if (start < 0) return undefined;
  let end = event.indexOf(LF, start);
  if (end < 0) end = event.length;
  if (event[end - 1] === CR) end--;
  return event.toString("latin1", start, end);
}

const EVENT_FIELD = [0x65, 0x76, 0x65, 0x6e, 0x74, 0x3a]; // "event:"

/** Where the event's name starts (after "event:" and its optional space), or -1 when the event has no name line first. */
function eventNameStart(event: Uint8Array): number {
  if (event.length < 6) return -1;
  for (let i = 0; i < 6; i++) if (event[i] !== EVENT_FIELD[i]) return -1;
  return event[6] === 0x20 ? 7 : 6;
}

/**
 * Whether the event's name is `name` (given as bytes): the taps' check for their most frequent
 * event, made without a string per event.
 */
export function sseEventNameIs(event: Uint8Array, name: Uint8Array): boolean {
  const start = eventNameStart(event);
  if (start < 0 || event.length < start + name.length) return false;
  for (let i = 0; i < name.length; i++) if (event[start + i] !== name[i]) return false;
  const after = event[start + name.length];
  return after === LF || after === CR || after === undefined;
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
