/**
 * The fake upstream's HTTP server: records every request, picks its behaviour, and answers in
 * the wire format of the endpoint. Also serves the control API under `/__fake/`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { anthropicCountTokensJson, anthropicMessageJson, anthropicMessageStream, anthropicModelList, DEFAULT_ANTHROPIC_MODEL } from './anthropic.ts';
import { parseBehaviour, parseBehaviourList, resolveShape, type Behaviour } from './behaviours.ts';
import { defaultStreamErrorStatus, errorEnvelope, htmlErrorPage, resolveError, type ErrorDialect, type ResolvedError } from './errors.ts';
import { countTokensJson, DEFAULT_GEMINI_MODEL, generateContentJson, geminiModel, geminiModelList, streamGenerateContent } from './gemini.ts';
import { chatCompletionJson, chatCompletionStream, DEFAULT_OPENAI_MODEL, openAiModel, openAiModelList } from './openai-chat.ts';
import { compactJson, responseEventPlan, responseJson, toSsePlan } from './openai-responses.ts';
import type { GenerationContext, Reply } from './plan.ts';
import { consumesQueue, dialectOf, matchRoute, type Route } from './routes.ts';
import { requestIdFor, requestIdHeaders, retryAfterFor } from './server-helpers.ts';
import { behaviourFromHeader, FakeState, flattenHeaders, parseJsonBody, readBody, type RecordedRequest } from './state.ts';
import { attachResponsesWebSocket } from './websocket.ts';
import { deliverJson, deliverStream, pause, ResponseWriter } from './wire.ts';

/** The Cloud project loadCodeAssist names for every account. */
export const FAKE_CODE_ASSIST_PROJECT = 'fake-code-assist-project';

/** A running fake upstream. */
export interface FakeUpstream {
  /** Base URL, e.g. "http://127.0.0.1:43210" (no trailing slash). */
  url: string;
  port: number;
  /**
   * Every request received, in arrival order, including WebSocket upgrades and one `"WS"` entry
   * per WebSocket message. Control-API calls (`/__fake/…`) are not recorded. Live array.
   */
  requests: RecordedRequest[];
  /**
   * Queues behaviours for the next API requests, FIFO, one per request. Requests that do not
   * consume the queue: unknown paths (e.g. Claude Code's `HEAD /api/hello`), model listings
   * (`GET …/models`), and WebSocket handshakes unless the behaviour is marked
   * `appliesTo: 'websocket-upgrade'`. When the queue is empty the default applies.
   */
  enqueue(...behaviours: Behaviour[]): void;
  /** Behaviour used when the queue is empty (`undefined` = the normal successful answer). */
  setDefault(b: Behaviour | undefined): void;
  /** Clears the request log, the queue and the default. */
  reset(): void;
  /** Stops listening and destroys every open socket (stalled requests and WebSockets included). */
  close(): Promise<void>;
}

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /** Port to listen on; 0 or omitted = a free port. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Model ids listed by the model-list endpoints. */
  models?: string[];
  /**
   * Serve HTTPS with this key and certificate (PEM), offering HTTP/2 and HTTP/1.1 by ALPN, as
   * vendor APIs do. The WebSocket endpoint is only served over plain HTTP.
   */
  tls?: { key: string; cert: string };
}

const DEFAULT_MODELS = [DEFAULT_ANTHROPIC_MODEL, 'claude-opus-4-8', 'claude-haiku-4-5', DEFAULT_OPENAI_MODEL, 'gpt-5.5-mini', DEFAULT_GEMINI_MODEL, 'gemini-2.5-pro'];

/**
 * Starts a fake AI vendor upstream speaking the Anthropic Messages, OpenAI Chat Completions,
 * OpenAI Responses (HTTP and WebSocket) and Gemini / Code Assist wire formats.
 */
export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const state = new FakeState();
  const models = opts.models ?? DEFAULT_MODELS;
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(state, models, req, res).catch((err: unknown) => {
      // A bug in the fake must not look like a vendor answer: fail loudly with a plain 500.
      console.error('[fake-upstream] internal error', err);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake upstream internal error: ${String(err)}`);
      } else {
        res.destroy();
      }
    });
  };
  // The HTTP/2 compatibility API's request and response objects stand in for node:http's here.
  const server = opts.tls
    ? (createSecureServer({ ...opts.tls, allowHTTP1: true }, handler as never) as unknown as Server)
    : createServer(handler);
  // Streams may legitimately stall for a long time; Node's default request timeout must not cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const wss = opts.tls ? undefined : attachResponsesWebSocket(server, state);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    requests: state.requests,
    enqueue: (...behaviours) => state.enqueue(behaviours),
    setDefault: (b) => state.setDefault(b),
    reset: () => state.reset(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss?.clients ?? []) client.terminate();
        wss?.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

async function handleRequest(state: FakeState, models: readonly string[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  if (url.pathname.startsWith('/__fake/')) return handleControl(state, req, res, url);

  const method = req.method ?? 'GET';
  const record = state.record(method, url, flattenHeaders(req), req.httpVersion);
  const writer = new ResponseWriter(res, () => {
    record.aborted = true;
  });
  try {
    record.body = await readBody(req);
  } catch {
    record.aborted = true;
    return;
  }
  record.json = parseJsonBody(record.body, record.headers['content-encoding']);

  const route = matchRoute(method, url, record.headers);
  const dialect = dialectOf(route);
  const requestId = requestIdFor(dialect);
  const baseHeaders: Record<string, string> = { 'x-fake-request-seq': String(record.seq), ...requestIdHeaders(dialect, requestId) };

  let behaviour: Behaviour;
  try {
    const fromHeader = behaviourFromHeader(record.headers);
    behaviour = route.kind === 'not-found' ? fromHeader ?? {} : consumesQueue(route) ? state.take(fromHeader) : state.peekDefault(fromHeader);
  } catch (e) {
    const err = resolveError(dialect, { status: 400, message: `fake upstream: ${(e as Error).message}` }, 400);
    return sendError(writer, dialect, err, baseHeaders, requestId);
  }
  const headers = { ...baseHeaders, ...behaviour.headers };
  const gzip = behaviour.gzip === true;

  switch (behaviour.kind) {
    case 'reset-before-headers':
      return writer.resetNow();
    case 'stall-before-headers':
      await pause(behaviour.ms, writer.closed);
      if (writer.isClosed) return;
      break;
    case 'status': {
      const retryAfter = retryAfterFor(behaviour);
      return sendError(writer, dialect, resolveError(dialect, behaviour, behaviour.status), headers, requestId, gzip, retryAfter);
    }
    case 'fake-200': {
      const err = resolveError(dialect, behaviour, defaultStreamErrorStatus(dialect));
      if (behaviour.html) return writer.sendAll(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }, htmlErrorPage(err), gzip);
      return writer.sendAll(200, { ...headers, 'content-type': jsonContentType(dialect) }, JSON.stringify(errorEnvelope(dialect, err, requestId)), gzip);
    }
  }

  if (route.kind === 'not-found') {
    const err = resolveError('anthropic', { status: 404, message: `Not found: ${method} ${url.pathname}` }, 404);
    return sendError(writer, 'anthropic', err, headers, requestId, gzip);
  }

  const reply = buildReply(route, url, record, behaviour, requestId, models);
  const streamError = behaviour.kind === 'stream-error' ? resolveError(dialect, behaviour, defaultStreamErrorStatus(dialect)) : undefined;
  if (reply.type === 'stream') return deliverStream(writer, reply.plan, { headers, behaviour, streamError });
  // A vendor that fails a non-streaming request answers with the HTTP error status.
  if (streamError) return sendError(writer, dialect, streamError, headers, requestId, gzip);
  return deliverJson(writer, reply.body, { headers, behaviour, contentType: reply.contentType ?? jsonContentType(dialect) });
}

/** Builds the successful answer of an API route. */
function buildReply(route: Exclude<Route, { kind: 'not-found' }>, url: URL, record: RecordedRequest, b: Behaviour, requestId: string, models: readonly string[]): Reply {
  const body = isObject(record.json) ? record.json : {};
  const shape = resolveShape(b);
  const context = (body: Record<string, unknown>, requestedModel: unknown, fallbackModel: string): GenerationContext => ({
    model: b.model ?? (typeof requestedModel === 'string' && requestedModel !== '' ? requestedModel : fallbackModel),
    shape,
    body,
    requestId,
  });
  const countTokens = b.countTokens ?? Math.max(1, Math.ceil(record.body.length / 4));
  const stream = body.stream === true;

  switch (route.kind) {
    case 'anthropic-messages': {
      const ctx = context(body, body.model, DEFAULT_ANTHROPIC_MODEL);
      return stream ? { type: 'stream', plan: anthropicMessageStream(ctx) } : { type: 'json', body: anthropicMessageJson(ctx) };
    }
    case 'anthropic-count-tokens':
      return { type: 'json', body: anthropicCountTokensJson(countTokens) };
    case 'openai-chat': {
      const ctx = context(body, body.model, DEFAULT_OPENAI_MODEL);
      return stream ? { type: 'stream', plan: chatCompletionStream(ctx) } : { type: 'json', body: chatCompletionJson(ctx) };
    }
    case 'openai-responses': {
      const ctx = context(body, body.model, DEFAULT_OPENAI_MODEL);
      return stream ? { type: 'stream', plan: toSsePlan(responseEventPlan(ctx)) } : { type: 'json', body: responseJson(ctx) };
    }
    case 'openai-responses-compact':
      return { type: 'json', body: compactJson(context(body, body.model, DEFAULT_OPENAI_MODEL)) };
    case 'gemini': {
      // Code Assist wraps the generation request: {model, project, user_prompt_id, request: {...}}.
      const inner = route.codeAssist && isObject(body.request) ? body.request : body;
      const ctx = route.codeAssist ? context(inner, body.model, DEFAULT_GEMINI_MODEL) : context(inner, route.model, DEFAULT_GEMINI_MODEL);
      switch (route.method) {
        case 'generateContent':
          return { type: 'json', body: generateContentJson(ctx, route.codeAssist) };
        case 'streamGenerateContent':
          return { type: 'stream', plan: streamGenerateContent(ctx, { sse: url.searchParams.get('alt') === 'sse', codeAssist: route.codeAssist }) };
        case 'countTokens':
          return { type: 'json', body: countTokensJson(countTokens, route.codeAssist) };
      }
      break;
    }
    case 'code-assist-load':
      return { type: 'json', body: { currentTier: { id: 'standard-tier' }, cloudaicompanionProject: FAKE_CODE_ASSIST_PROJECT } };
    case 'model-list':
      switch (route.style) {
        case 'openai':
          return { type: 'json', body: route.id ? openAiModel(route.id) : openAiModelList(models) };
        case 'anthropic': {
          const list = anthropicModelList(route.id ? [route.id] : models) as { data: unknown[] };
          return { type: 'json', body: route.id ? list.data[0] : list };
        }
        case 'gemini':
          return { type: 'json', body: route.id ? geminiModel(route.id) : geminiModelList(models.filter((m) => m.startsWith('gemini'))) };
      }
  }
  throw new Error(`unhandled route ${JSON.stringify(route)}`);
}

function sendError(
  writer: ResponseWriter,
  dialect: ErrorDialect,
  err: ResolvedError,
  headers: Record<string, string>,
  requestId: string,
  gzip = false,
  retryAfter?: string,
): Promise<void> {
  const retrySeconds = retryAfter !== undefined && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) : undefined;
  const all = { ...headers, 'content-type': jsonContentType(dialect), ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}) };
  return writer.sendAll(err.status, all, JSON.stringify(errorEnvelope(dialect, err, requestId, retrySeconds)), gzip);
}

function jsonContentType(dialect: ErrorDialect): string {
  return dialect === 'google' ? 'application/json; charset=UTF-8' : 'application/json';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Control API, for tests that run in another process (Playwright):
 * - `POST /__fake/enqueue`  body: a behaviour or an array of behaviours → `{"queued": n}`
 * - `POST /__fake/default`  body: a behaviour, or `null` to clear
 * - `POST /__fake/reset`    clears requests, queue and default
 * - `GET  /__fake/requests` the request log (bodies over 64 KiB left out)
 * - `GET  /__fake/health`   `{"ok": true}` (readiness probe)
 */
async function handleControl(state: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const reply = (status: number, value: unknown) => {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
  try {
    const raw = await readBody(req);
    const json = (): unknown => {
      try {
        return JSON.parse(raw.toString('utf8'));
      } catch {
        throw new Error('body is not valid JSON');
      }
    };
    switch (route) {
      case 'POST /__fake/enqueue':
        state.enqueue(parseBehaviourList(json()));
        return reply(200, { queued: state.queued });
      case 'POST /__fake/default': {
        const value = raw.length === 0 ? null : json();
        state.setDefault(value === null ? undefined : parseBehaviour(value));
        return reply(200, { ok: true });
      }
      case 'POST /__fake/reset':
        state.reset();
        return reply(200, { ok: true });
      case 'GET /__fake/requests':
        return reply(200, state.requestsForControl());
      case 'GET /__fake/health':
        return reply(200, { ok: true });
      default:
        return reply(404, { error: `unknown control endpoint ${route}` });
    }
  } catch (e) {
    return reply(400, { error: (e as Error).message });
  }
}
