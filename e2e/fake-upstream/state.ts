/**
 * The fake's mutable state: the request log and the behaviour queue. Shared by the HTTP server,
 * the WebSocket transport and the control API.
 */
import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { parseBehaviour, type Behaviour } from './behaviours.ts';

/** One request as the fake received it. */
export interface RecordedRequest {
  /** Index of this request in `requests` (also sent back as `x-fake-request-seq`). */
  seq: number;
  /** HTTP method; `"WS"` for a message received on a WebSocket (one per `response.create` frame). */
  method: string;
  /** URL path without the query string (the base-path prefix included). */
  path: string;
  /** Query parameters (the last value wins for repeated names). */
  query: Record<string, string>;
  /** Request headers, names lowercased, repeated headers joined with ", ". For WebSocket frames: the upgrade request's headers. */
  headers: Record<string, string>;
  /** The body as received on the wire (still compressed if the client compressed it); a WebSocket frame's payload. */
  body: Buffer;
  /** The body parsed as JSON (after undoing any content-encoding), when it is JSON. */
  json?: unknown;
  /** The HTTP version the request came over: "1.1", or "2.0" on a TLS fake that negotiated HTTP/2. */
  httpVersion: string;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
  /** True if the client disconnected before the response finished. */
  aborted: boolean;
}

/** Header that selects the behaviour of a single request, as JSON. */
export const BEHAVIOUR_HEADER = 'x-fake-behaviour';

/** Bodies larger than this are left out of `GET /__fake/requests`. */
export const CONTROL_BODY_LIMIT = 64 * 1024;

export class FakeState {
  /** Live array: `reset()` empties it in place so references held by tests stay valid. */
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Behaviour[] = [];
  private defaultBehaviour: Behaviour | undefined;

  enqueue(behaviours: Behaviour[]): void {
    this.queue.push(...behaviours);
  }

  setDefault(b: Behaviour | undefined): void {
    this.defaultBehaviour = b;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.defaultBehaviour = undefined;
  }

  /** Number of behaviours still queued. */
  get queued(): number {
    return this.queue.length;
  }

  /** Behaviour for an API request: header override, else the queue, else the default, else success. */
  take(fromHeader: Behaviour | undefined): Behaviour {
    if (fromHeader) return fromHeader;
    return this.queue.shift() ?? this.defaultBehaviour ?? {};
  }

  /** Behaviour for the request without consuming the queue (endpoints that tests do not target). */
  peekDefault(fromHeader: Behaviour | undefined): Behaviour {
    return fromHeader ?? this.defaultBehaviour ?? {};
  }

  /**
   * Behaviour for a WebSocket upgrade handshake: only behaviours marked
   * `appliesTo: 'websocket-upgrade'` act on handshakes; anything else leaves the queue alone and
   * the handshake is accepted.
   */
  takeForUpgrade(fromHeader: Behaviour | undefined): Behaviour {
    if (fromHeader?.appliesTo === 'websocket-upgrade') return fromHeader;
    if (this.queue[0]?.appliesTo === 'websocket-upgrade') return this.queue.shift()!;
    if (this.defaultBehaviour?.appliesTo === 'websocket-upgrade') return this.defaultBehaviour;
    return {};
  }

  /** Appends a request to the log as soon as it arrives (the body is filled in later). */
  record(method: string, url: URL, headers: Record<string, string>, httpVersion = '1.1'): RecordedRequest {
    const recorded: RecordedRequest = {
      seq: this.requests.length,
      method,
      httpVersion,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: Buffer.alloc(0),
      receivedAt: Date.now(),
      aborted: false,
    };
    this.requests.push(recorded);
    return recorded;
  }

  /** The request log for the control API, without large bodies. */
  requestsForControl(): unknown[] {
    return this.requests.map((r) => {
      const small = r.body.length <= CONTROL_BODY_LIMIT;
      return {
        seq: r.seq,
        method: r.method,
        path: r.path,
        query: r.query,
        headers: r.headers,
        receivedAt: r.receivedAt,
        aborted: r.aborted,
        bodyBytes: r.body.length,
        ...(small ? { body: r.body.toString('utf8'), json: r.json } : { bodyOmitted: true }),
      };
    });
  }
}

/** Request headers as a plain record: names lowercased, repeated headers joined with ", ". */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Reads the JSON behaviour from the `x-fake-behaviour` header, if any. Throws on malformed JSON. */
export function behaviourFromHeader(headers: Record<string, string>): Behaviour | undefined {
  const raw = headers[BEHAVIOUR_HEADER];
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${BEHAVIOUR_HEADER} is not valid JSON`);
  }
  return parseBehaviour(parsed);
}

/** Reads a request body completely. Rejects if the client goes away mid-upload. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('client aborted the upload')));
  });
}

/** Parses a body as JSON after undoing its content-encoding; undefined when it is not JSON. */
export function parseJsonBody(body: Buffer, contentEncoding: string | undefined): unknown {
  if (body.length === 0) return undefined;
  try {
    const text = decodeBody(body, contentEncoding).toString('utf8');
    const first = text.trimStart()[0];
    if (first !== '{' && first !== '[') return undefined;
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function decodeBody(body: Buffer, contentEncoding: string | undefined): Buffer {
  switch (contentEncoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    case 'zstd': {
      // zstd is only in newer Node versions (22.15+); Codex may send it.
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
      if (!zstd) throw new Error('zstd is not supported by this Node version');
      return zstd(body);
    }
    default:
      return body;
  }
}
