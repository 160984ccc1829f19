/**
 * Writing answers to the socket: backpressure, gzip, client disconnects, and the faults that act
 * on the byte stream (reset, stall, truncation, in-stream error). Format builders only describe
 * events; everything time- or socket-related lives here so that it behaves identically for all
 * four formats.
 */
import type { ServerResponse } from 'node:http';
import { createGzip, constants as zlibConstants, type Gzip } from 'node:zlib';
import type { Behaviour } from './behaviours.ts';
import type { ResolvedError } from './errors.ts';
import type { StreamEvent, StreamPlan } from './plan.ts';

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. `ms` undefined = only on abort. */
export function pause(ms: number | undefined, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Wraps a ServerResponse. Tracks whether the client went away (so that we stop writing and the
 * request can be marked aborted), awaits 'drain' when the socket buffer is full, and optionally
 * gzips the body while flushing after every event so that compressed streams stay incremental.
 */
export class ResponseWriter {
  private readonly closedController = new AbortController();
  /** Aborts when the connection closes for any reason (finished, client gone, or our reset). */
  readonly closed: AbortSignal = this.closedController.signal;
  private gzip?: Gzip;
  private destroyedByUs = false;

  constructor(
    private readonly res: ServerResponse,
    onClientAbort: () => void,
  ) {
    res.on('close', () => {
      if (!res.writableFinished && !this.destroyedByUs) onClientAbort();
      this.closedController.abort();
    });
  }

  /** True once nothing more can be written. */
  get isClosed(): boolean {
    return this.closed.aborted || this.res.destroyed;
  }

  /** Sends the status line and headers. With `gzip`, the body that follows is compressed. */
  start(status: number, headers: Record<string, string | number>, gzip = false): void {
    if (this.isClosed) return;
    const all: Record<string, string | number> = { ...headers };
    if (gzip) {
      all['content-encoding'] = 'gzip';
      delete all['content-length'];
      this.gzip = createGzip();
      // A compressor failure must not crash the test process; it just ends the response.
      this.gzip.on('error', () => this.res.destroy());
      this.gzip.pipe(this.res);
    }
    this.res.writeHead(status, all);
    // Push the headers out now: a streaming client must see them before the first event.
    this.res.flushHeaders();
  }

  /** Writes one chunk; resolves when it may write the next one. Returns false if the client is gone. */
  async write(chunk: string | Buffer): Promise<boolean> {
    if (this.isClosed) return false;
    if (chunk.length === 0) return true;
    if (this.gzip) {
      const gzip = this.gzip;
      const accepted = gzip.write(chunk);
      await this.raceClose(new Promise<void>((resolve) => gzip.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve())));
      if (!accepted) await this.waitDrain(gzip);
    } else if (!this.res.write(chunk)) {
      await this.waitDrain(this.res);
    }
    return !this.isClosed;
  }

  /** Ends the body normally and waits until it is handed to the socket. */
  async end(): Promise<void> {
    if (this.isClosed) return;
    const finished = new Promise<void>((resolve) => this.res.once('finish', () => resolve()));
    if (this.gzip) this.gzip.end();
    else this.res.end();
    await this.raceClose(finished);
  }

  /** Sends a complete small response in one go. */
  async sendAll(status: number, headers: Record<string, string | number>, body: string | Buffer, gzip = false): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    this.start(status, gzip ? headers : { ...headers, 'content-length': bytes.length }, gzip);
    await this.write(bytes);
    await this.end();
  }

  /**
   * Destroys the connection after the bytes written so far have left the process, so the client
   * really receives the events sent before the "reset" and then sees the connection drop.
   */
  async destroyAfterFlush(): Promise<void> {
    if (this.isClosed) return;
    const socket = this.res.socket;
    // Let the gzip pipe hand its last flushed bytes to the response.
    await new Promise((resolve) => setImmediate(resolve));
    // 'drain' only fires after a write was refused, so poll until the buffers are empty (bounded).
    const deadline = Date.now() + 2000;
    while (!this.isClosed && (this.res.writableLength > 0 || (socket?.writableLength ?? 0) > 0) && Date.now() < deadline) {
      await pause(2, this.closed);
    }
    if (this.isClosed) return;
    this.destroyedByUs = true;
    socket?.destroy();
    this.res.destroy();
  }

  /** Drops the connection with a TCP RST, before any byte of the response. */
  resetNow(): void {
    if (this.isClosed) return;
    this.destroyedByUs = true;
    const socket = this.res.socket;
    if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket?.destroy();
    this.res.destroy();
  }

  private waitDrain(stream: NodeJS.EventEmitter): Promise<void> {
    return this.raceClose(new Promise<void>((resolve) => stream.once('drain', () => resolve())));
  }

  /** Resolves when `p` does or the connection closes; removes its abort listener either way (long streams call this per event). */
  private raceClose(p: Promise<void>): Promise<void> {
    const closed = this.closed;
    if (closed.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const onClose = () => resolve();
      closed.addEventListener('abort', onClose, { once: true });
      void p.then(() => {
        closed.removeEventListener('abort', onClose);
        resolve();
      });
    });
  }
}

/** Where in an event sequence a fault takes effect. */
function faultPosition(requested: number | undefined, fallback: number, available: number): number {
  return Math.max(0, Math.min(Math.floor(requested ?? fallback), available));
}

/** A transport that carries stream events: an HTTP body (SSE / JSON array) or a WebSocket. */
export interface EventSink<T> {
  /** Aborts when the peer is gone. */
  readonly closed: AbortSignal;
  /** Called before the first event (writes framing such as Gemini's "["). */
  open(): Promise<boolean>;
  /** Writes one event; false when the peer is gone. */
  write(event: T): Promise<boolean>;
  /** Ends the stream normally. `opened` says whether open() was called. */
  finish(opened: boolean): Promise<void>;
  /** Drops the connection after what was written so far has been flushed. */
  reset(): Promise<void>;
}

/**
 * Plays a stream plan into a sink, applying the stream-level faults of the behaviour:
 * `reset-mid-stream`, `stall-mid-stream`, `stream-error`, `empty-stream`, `truncated-stream`.
 * Any other behaviour plays the complete sequence.
 */
export async function playStream<T>(sink: EventSink<T>, plan: StreamPlan<T>, b: Behaviour, streamError?: ResolvedError): Promise<void> {
  if (b.kind === 'empty-stream') return sink.finish(false);

  let events: StreamEvent<T>[] = plan.events;
  let stopAfter = events.length;
  let onStop: 'end' | 'reset' | 'error' = 'end';
  let stall: { at: number; ms: number | undefined } | undefined;
  switch (b.kind) {
    case 'truncated-stream':
      if (b.afterEvents === undefined) events = plan.truncated;
      stopAfter = faultPosition(b.afterEvents, events.length, events.length);
      break;
    case 'reset-mid-stream':
      stopAfter = faultPosition(b.afterEvents, 2, events.length);
      onStop = 'reset';
      break;
    case 'stream-error':
      // The error takes the place of the terminal event at the latest: it never follows a complete stream.
      stopAfter = faultPosition(b.afterEvents, 1, Math.max(0, events.length - 1));
      onStop = 'error';
      break;
    case 'stall-mid-stream':
      stall = { at: faultPosition(b.afterEvents, 2, events.length), ms: b.ms };
      break;
  }

  if (!(await sink.open())) return;
  for (let i = 0; i <= events.length; i++) {
    if (stall && stall.at === i) await pause(stall.ms, sink.closed);
    if (i === stopAfter || i === events.length) break;
    const event = events[i];
    if (event.delayBeforeMs) await pause(event.delayBeforeMs, sink.closed);
    if (!(await sink.write(event.data))) return;
  }

  if (onStop === 'reset') return sink.reset();
  if (onStop === 'error' && streamError) {
    if (!(await sink.write(plan.errorEvent(stopAfter, streamError).data))) return;
  }
  await sink.finish(true);
}

/** Delivery of a prepared answer over HTTP. */
export interface DeliveryOptions {
  status?: number;
  headers: Record<string, string | number>;
  behaviour: Behaviour;
  /** The in-stream error for `stream-error` (already resolved in the vendor's vocabulary). */
  streamError?: ResolvedError;
}

/** Writes a streamed answer as an HTTP body (see {@link playStream} for the faults). */
export async function deliverStream(w: ResponseWriter, plan: StreamPlan, opts: DeliveryOptions): Promise<void> {
  const framing = plan.framing;
  let written = 0;
  const sink: EventSink<string> = {
    closed: w.closed,
    open: async () => (framing ? w.write(framing.open) : !w.isClosed),
    write: (data) => w.write((framing && written++ > 0 ? framing.separator : '') + data),
    finish: async (opened) => {
      if (opened && framing && !(await w.write(framing.close))) return;
      await w.end();
    },
    reset: () => w.destroyAfterFlush(),
  };
  const headers = { ...opts.headers, 'content-type': plan.contentType, 'cache-control': 'no-cache' };
  w.start(opts.status ?? 200, headers, opts.behaviour.gzip === true);
  await playStream(sink, plan, opts.behaviour, opts.streamError);
}

/**
 * Writes a JSON answer. For the stream-level faults the body counts as two "events" (its two
 * halves): `reset-mid-stream` sends the first half then drops the connection, `stall-mid-stream`
 * pauses between the halves, `truncated-stream` ends cleanly after the first half, and
 * `empty-stream` sends an empty body.
 */
export async function deliverJson(w: ResponseWriter, body: unknown, opts: DeliveryOptions & { contentType?: string }): Promise<void> {
  const b = opts.behaviour;
  const bytes = Buffer.from(JSON.stringify(body));
  const headers = { ...opts.headers, 'content-type': opts.contentType ?? 'application/json' };
  const status = opts.status ?? 200;
  const halves = [bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)];

  switch (b.kind) {
    case 'empty-stream':
      return w.sendAll(status, headers, Buffer.alloc(0), b.gzip === true);
    case 'truncated-stream':
      w.start(status, headers, b.gzip === true);
      if (await w.write(halves[0])) await w.end();
      return;
    case 'reset-mid-stream': {
      w.start(status, headers, b.gzip === true);
      const send = faultPosition(b.afterEvents, 1, 2);
      for (const half of halves.slice(0, send)) if (!(await w.write(half))) return;
      return w.destroyAfterFlush();
    }
    case 'stall-mid-stream': {
      w.start(status, headers, b.gzip === true);
      const at = faultPosition(b.afterEvents, 1, 2);
      for (let i = 0; i <= 2; i++) {
        if (i === at) await pause(b.ms, w.closed);
        if (i === 2 || !(await w.write(halves[i]))) break;
      }
      return w.end();
    }
    default:
      return w.sendAll(status, headers, bytes, b.gzip === true);
  }
}
