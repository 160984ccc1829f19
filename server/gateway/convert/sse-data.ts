/**
 * The data of one SSE event, for the stream decoders of converted streams (one call per
 * upstream event, so this is on the hot path of every converted stream).
 *
 * Every vendor sends an event as one `data:` line, optionally after one `event:` line. That
 * shape is read with a byte scan in JavaScript and one string copy of the data; anything else
 * (several data lines, id: or comment lines, a field without a colon) goes to the general
 * reader, sseEventData. The scan stays in JavaScript because Buffer.indexOf crosses into native
 * code on every call, which on a 100–300 byte event costs more than the scan (see
 * formats/openai-chat/event-bytes.ts for the same measurement).
 */
import { sseEventData } from "../streaming/sse-splitter.ts";

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const COLON = 0x3a;

/** Whether `event` has "data:" at `at`. */
function dataFieldAt(event: Buffer, at: number): boolean {
  return event[at] === 0x64 && event[at + 1] === 0x61 && event[at + 2] === 0x74 && event[at + 3] === 0x61 && event[at + 4] === COLON;
}

/** Whether `event` starts with "event:". */
function startsWithEventField(event: Buffer): boolean {
  return event[0] === 0x65 && event[1] === 0x76 && event[2] === 0x65 && event[3] === 0x6e && event[4] === 0x74 && event[5] === COLON;
}

/** The event's data (its data: lines joined with "\n"), or undefined when it has none. Same answer as sseEventData. */
export function eventData(event: Buffer): string | undefined {
  const length = event.length;
  let start: number;
  if (dataFieldAt(event, 0)) start = 5;
  else if (startsWithEventField(event)) {
    let lineEnd = 6;
    while (lineEnd < length && event[lineEnd] !== LF) lineEnd++;
    if (!dataFieldAt(event, lineEnd + 1)) return sseEventData(event);
    start = lineEnd + 6;
  } else return sseEventData(event);
  if (event[start] === SPACE) start++;
  let end = start;
  while (end < length && event[end] !== LF) end++;
  // Only line ends may follow the data line; another line of any kind needs the general reader.
  for (let i = end; i < length; i++) {
    const c = event[i];
    if (c !== LF && c !== CR) return sseEventData(event);
  }
  if (end > start && event[end - 1] === CR) end--;
  return event.toString("utf8", start, end);
}
