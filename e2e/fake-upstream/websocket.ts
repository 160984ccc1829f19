/**
 * The Responses API WebSocket transport (`GET /v1/responses` + `Upgrade: websocket`), as Codex
 * uses it: each client text frame `{"type":"response.create", ...responseBody}` is answered with
 * the same event objects as the SSE stream, one JSON object per text frame, ending in
 * `response.completed`. `generate: false` (Codex's warm-up) gets response.created +
 * response.completed with zero usage.
 *
 * Behaviours: every `response.create` frame takes one behaviour (the upgrade request's
 * `x-fake-behaviour` header applies to every frame of that socket); the handshake itself only
 * takes behaviours marked `appliesTo: 'websocket-upgrade'`.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { resolveShape, type Behaviour } from './behaviours.ts';
import { errorEnvelope, resolveError, type ErrorDialect } from './errors.ts';
import { responseEventPlan, websocketErrorFrame, type ResponsesEvent } from './openai-responses.ts';
import { DEFAULT_OPENAI_MODEL } from './openai-chat.ts';
import { requestIdFor, requestIdHeaders, retryAfterFor } from './server-helpers.ts';
import { behaviourFromHeader, flattenHeaders, parseJsonBody, type FakeState, type RecordedRequest } from './state.ts';
import { pause, playStream, type EventSink } from './wire.ts';

const RESPONSES_PATH = /(^|\/)responses\/?$/;

/** Handles WebSocket upgrades on `server`; returns the WebSocketServer so it can be closed. */
export function attachResponsesWebSocket(server: Server, state: FakeState): WebSocketServer {
  // Compression off: Codex offers permessage-deflate and, when declined, sends plain frames.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const seqOfRequest = new WeakMap<IncomingMessage, number>();
  wss.on('headers', (headers, req) => {
    const seq = seqOfRequest.get(req);
    if (seq !== undefined) headers.push(`x-fake-request-seq: ${seq}`);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    handleUpgrade(req, socket, head).catch(() => socket.destroy());
  });

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Until ws takes over the socket nobody listens for its errors (e.g. a client reset during a stall).
    const onSocketError = () => socket.destroy();
    socket.on('error', onSocketError);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const headers = flattenHeaders(req);
    const record = state.record(req.method ?? 'GET', url, headers);
    seqOfRequest.set(req, record.seq);
    const seqHeader = { 'x-fake-request-seq': String(record.seq) };

    if (!RESPONSES_PATH.test(url.pathname)) {
      return rejectUpgrade(socket, 'anthropic', 404, `Not found: ${req.method} ${url.pathname}`, seqHeader);
    }
    let fromHeader: Behaviour | undefined;
    try {
      fromHeader = behaviourFromHeader(headers);
    } catch (e) {
      return rejectUpgrade(socket, 'openai', 400, `fake upstream: ${(e as Error).message}`, seqHeader);
    }

    const handshake = state.takeForUpgrade(fromHeader);
    const gone = new AbortController();
    socket.once('close', () => gone.abort());
    switch (handshake.kind) {
      case 'reset-before-headers': {
        const tcp = socket as Socket;
        if (typeof tcp.resetAndDestroy === 'function') tcp.resetAndDestroy();
        else socket.destroy();
        return;
      }
      case 'status': {
        const retryAfter = retryAfterFor(handshake);
        const extra: Record<string, string> = { ...seqHeader, ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) };
        return rejectUpgrade(socket, 'openai', handshake.status, handshake.message, extra, handshake);
      }
      case 'stall-before-headers':
        await pause(handshake.ms, gone.signal);
        if (gone.signal.aborted) {
          record.aborted = true;
          return;
        }
        break;
    }

    // A header behaviour meant for the handshake does not also apply to the frames.
    const frameBehaviour = fromHeader?.appliesTo === 'websocket-upgrade' ? undefined : fromHeader;
    socket.off('error', onSocketError);
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, url, headers, frameBehaviour));
  }

  function serveSocket(ws: WebSocket, url: URL, headers: Record<string, string>, frameBehaviour: Behaviour | undefined): void {
    const closed = new AbortController();
    let answering: RecordedRequest | undefined;
    let terminatedByUs = false;
    let queue = Promise.resolve();

    ws.on('close', () => {
      if (answering && !terminatedByUs) answering.aborted = true;
      closed.abort();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData) => {
      const payload = rawDataToBuffer(data);
      // Frames are answered one after another, like the real service does per socket.
      queue = queue.then(() => answerFrame(payload)).catch(() => ws.terminate());
    });

    const terminate = () => {
      terminatedByUs = true;
      ws.terminate();
    };

    const send = (value: unknown): Promise<boolean> =>
      new Promise((resolve) => {
        if (ws.readyState !== WebSocket.OPEN) return resolve(false);
        // The callback fires once the frame is written to the socket: that is our backpressure.
        ws.send(JSON.stringify(value), (err) => resolve(!err));
      });

    async function answerFrame(payload: Buffer): Promise<void> {
      const record = state.record('WS', url, headers);
      record.body = payload;
      record.json = parseJsonBody(payload, undefined);
      answering = record;
      try {
        await answerCreate(record);
      } finally {
        answering = undefined;
      }
    }

    async function answerCreate(record: RecordedRequest): Promise<void> {
      const message = record.json as Record<string, unknown> | undefined;
      const requestId = requestIdFor('openai');
      if (!message || typeof message !== 'object' || message.type !== 'response.create') {
        const type = message && typeof message === 'object' ? String(message.type) : 'non-JSON';
        await send(websocketErrorFrame(resolveError('openai', { status: 400, message: `Unsupported message type: ${type}` }, 400)));
        return;
      }
      const behaviour = frameBehaviour ?? state.take(undefined);
      switch (behaviour.kind) {
        case 'reset-before-headers':
          return terminate();
        case 'stall-before-headers':
          await pause(behaviour.ms, closed.signal);
          if (closed.signal.aborted) return;
          break;
        case 'status':
          await send(websocketErrorFrame(resolveError('openai', behaviour, behaviour.status)));
          return;
        case 'fake-200':
          await send(errorEnvelope('openai', resolveError('openai', behaviour, 500), requestId));
          return;
      }
      const { type: _type, ...body } = message;
      const model = behaviour.model ?? (typeof body.model === 'string' ? body.model : DEFAULT_OPENAI_MODEL);
      const plan = responseEventPlan({ model, shape: resolveShape(behaviour), body, requestId });
      const sink: EventSink<ResponsesEvent> = {
        closed: closed.signal,
        open: async () => ws.readyState === WebSocket.OPEN,
        write: (event) => send(event),
        finish: async () => {},
        reset: async () => terminate(),
      };
      const streamError = behaviour.kind === 'stream-error' ? resolveError('openai', behaviour, 500) : undefined;
      await playStream(sink, plan, behaviour, streamError);
    }
  }

  return wss;
}

/** Answers an upgrade request with a plain HTTP error, which makes Codex fall back to HTTP. */
function rejectUpgrade(
  socket: Duplex,
  dialect: ErrorDialect,
  status: number,
  message: string | undefined,
  extraHeaders: Record<string, string>,
  spec: { errorType?: string; code?: string | null } = {},
): void {
  const requestId = requestIdFor(dialect);
  const err = resolveError(dialect, { ...spec, status, message }, status);
  const body = JSON.stringify(errorEnvelope(dialect, err, requestId));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...requestIdHeaders(dialect, requestId),
    ...extraHeaders,
  };
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  socket.end(head + body);
}

function rawDataToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
