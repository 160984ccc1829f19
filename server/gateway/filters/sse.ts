/**
 * Response filters on a server-sent-event stream, one event at a time: bytes are held only
 * until the blank line that ends the current event, never longer, so the stream keeps its
 * pace. An event whose data is not JSON (e.g. "[DONE]") or that no filter changed leaves as
 * the very bytes that came in.
 */

const LF = 0x0a;

/** Index just past the blank line that ends the first complete event in `buffer`, or -1. */
function eventEnd(buffer: Buffer): number {
  for (let i = buffer.indexOf(LF); i >= 0; i = buffer.indexOf(LF, i + 1)) {
    const next = buffer[i + 1];
    if (next === LF) return i + 2;
    if (next === 0x0d && buffer[i + 2] === LF) return i + 3;
  }
  return -1;
}

/**
 * A per-stream transformer. `rewrite` gets each event's parsed data and returns true when it
 * changed it (in place).
 */
export class SseEventFilter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly rewrite: (data: unknown) => boolean) {}

  /** The complete events of what has arrived so far (possibly rewritten); the rest waits. */
  push(chunk: Buffer): Buffer {
    if (!chunk.length) return chunk;
    let buffer = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    for (let end = eventEnd(buffer); end >= 0; end = eventEnd(buffer)) {
      out.push(this.rewriteEvent(buffer.subarray(0, end)));
      buffer = buffer.subarray(end);
    }
    this.pending = buffer;
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** Whatever is left when the stream ends (an event without its blank line goes out as it is). */
  end(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }

  private rewriteEvent(event: Buffer): Buffer {
    const lines = event.toString("utf8").split(/\r?\n/);
    const dataLines = lines.filter((l) => l.startsWith("data:"));
    if (!dataLines.length) return event;
    const data = dataLines.map((l) => l.slice(l[5] === " " ? 6 : 5)).join("\n");
    let doc: unknown;
    try {
      doc = JSON.parse(data);
    } catch {
      return event;
    }
    if (!this.rewrite(doc)) return event;
    const kept: string[] = [];
    let placed = false;
    for (const line of lines) {
      if (!line) continue;
      if (line.startsWith("data:")) {
        if (!placed) kept.push(`data: ${JSON.stringify(doc)}`);
        placed = true;
      } else kept.push(line);
    }
    return Buffer.from(`${kept.join("\n")}\n\n`);
  }
}
