/**
 * The WebSocket transport of the Responses API, as Codex CLI uses it: `GET /v1/responses` with
 * `Upgrade: websocket`, then one `response.create` frame per turn, answered with the same event
 * objects as the SSE stream, one JSON text frame each.
 *
 * Each turn goes through the hub's normal HTTP pipeline (auth, quotas, routing, retries,
 * logging, billing) as a streamed POST /v1/responses on loopback, so the WebSocket door adds no
 * second implementation of any of it. Two things only the transport knows are handled here:
 * - warm-up frames (`generate: false`) are answered locally (not forwarded, not billed);
 * - Codex continues a conversation with `previous_response_id` and only the new input items,
 *   relying on the connection to remember the previous turn. Upstreams are reached over HTTP
 *   with `store: false`, so the connection keeps its last turn (input + output items) and sends
 *   the upstream the whole conversation.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { internalHopHeaders } from "../client-ip.ts";
import { SseSplitter, sseEventData } from "../streaming/sse-splitter.ts";
import type { Logger } from "../../logger.ts";

/** Client headers replayed on every turn (credentials and the ones that identify the session). */
const FORWARDED_HEADERS = ["authorization", "x-api-key", "user-agent", "session-id", "session_id", "thread-id", "x-client-request-id", "originator", "openai-beta", "x-codex-turn-metadata", "x-codex-beta-features", "version"];

/** Default largest frame: the HTTP door's default body limit, since a frame becomes a POST body. */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/**
 * Frames a connection may have waiting behind the turn in progress. Turns run one after another
 * and Codex sends the next only after the previous one ended (a warm-up may come just before),
 * so a client past this is flooding: each waiting frame is held in memory until its turn.
 */
export const MAX_QUEUED_FRAMES = 4;

/** Close codes (RFC 6455 §7.4.1). */
const POLICY_VIOLATION = 1008;

/**
 * Bytes handed to a connection but not yet written to its socket, past which a turn stops
 * reading its stream until they are out: a client that reads slowly holds the upstream back
 * (backpressure through the loopback request), not the hub's memory.
 */
const SEND_HIGH_WATER_BYTES = 1024 * 1024;

interface Turn {
  responseId: string;
  input: unknown[];
  output: unknown[];
}

export interface ResponsesWebSocketOptions {
  /** Base URL of this hub's own HTTP door (loopback). */
  selfUrl: () => string;
  /** The client's address as the HTTP door would log it (proxy headers per TRUST_PROXY). */
  clientIp: (req: IncomingMessage) => string | undefined;
  /** Checks the client's credentials before upgrading: null if they are good, else why not. */
  authenticate: (req: IncomingMessage) => Promise<{ status: number; message: string } | null>;
  logger: Logger;
  /** Largest frame accepted (a bigger one closes the connection with 1009); default 32 MiB. */
  maxFrameBytes?: number;
}

export function createResponsesWebSocket(options: ResponsesWebSocketOptions) {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  // A frame over the limit is refused by ws while it arrives (never buffered whole): the
  // connection is closed with 1009 "message too big". No error event can precede that close
  // frame (nothing may follow a close frame), so the close code is the client's answer.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/v1/responses") return false;
    // A bad key is refused at the handshake, as a plain HTTP answer: Codex then fails fast.
    options.authenticate(req).then(
      (refusal) => {
        if (refusal) {
          const body = JSON.stringify({ error: { type: "authentication_error", code: "invalid_api_key", message: refusal.message } });
          socket.end(`HTTP/1.1 ${refusal.status} Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req));
      },
      () => socket.destroy(),
    );
    return true;
  }

  function serve(ws: WebSocket, req: IncomingMessage) {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    // Each turn is logged under the client's address, not the loopback hop's.
    Object.assign(headers, internalHopHeaders(options.clientIp(req)));
    let last: Turn | undefined;
    // Turns of one connection run one after another, as the protocol requires.
    let queue = Promise.resolve();
    // Frames waiting behind the turn in progress, and their bytes (both bounded).
    let queuedFrames = 0;
    let queuedBytes = 0;
    const aborts = new Set<AbortController>();
    ws.on("close", () => {
      for (const a of aborts) a.abort();
    });
    // ws reports protocol faults (an oversized frame, bad framing) here after closing the
    // connection with the matching code; without a listener they would crash the process.
    ws.on("error", (error: Error & { code?: string }) => {
      options.logger.warn({ err: error.message, code: error.code }, "responses websocket closed on a protocol error");
    });
    ws.on("message", (data: RawData, isBinary: boolean) => {
      const size = frameBytes(data);
      if (queuedFrames >= MAX_QUEUED_FRAMES || queuedBytes + size > maxFrameBytes) {
        sendError(ws, 400, "invalid_request_error", `Too many frames are waiting (at most ${MAX_QUEUED_FRAMES}): send the next response.create after the current turn has ended.`);
        ws.close(POLICY_VIOLATION, "too many queued frames");
        return;
      }
      queuedFrames++;
      queuedBytes += size;
      queue = queue
        .then(() => {
          queuedFrames--;
          queuedBytes -= size;
          return ws.readyState === ws.OPEN ? onFrame(data, isBinary) : undefined;
        })
        .catch((error: Error) => {
          options.logger.warn({ err: error.message }, "responses websocket turn failed");
          sendError(ws, 500, "server_error", "The hub failed to handle this turn.");
        });
    });

    async function onFrame(data: RawData, isBinary: boolean) {
      if (isBinary) return sendError(ws, 400, "invalid_request_error", "Send response.create frames as text.");
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        return sendError(ws, 400, "invalid_request_error", "The frame is not valid JSON.");
      }
      if (frame.type !== "response.create") return sendError(ws, 400, "invalid_request_error", `Unsupported frame type ${String(frame.type)}.`);
      const { type: _type, generate, ...body } = frame;
      if (generate === false) return warmUp(ws, body);

      // Expand an incremental turn into the whole conversation for the HTTP upstream.
      const input = Array.isArray(body.input) ? body.input : body.input === undefined ? [] : [{ role: "user", content: body.input }];
      let fullInput = input;
      if (typeof body.previous_response_id === "string" && last && body.previous_response_id === last.responseId) {
        fullInput = [...last.input, ...last.output, ...input];
        delete body.previous_response_id;
      }
      const turn: Turn = { responseId: "", input: fullInput, output: [] };
      const abort = new AbortController();
      aborts.add(abort);
      try {
        const res = await fetch(`${options.selfUrl()}/v1/responses`, {
          method: "POST",
          headers,
          body: JSON.stringify({ ...body, input: fullInput, stream: true }),
          signal: abort.signal,
        });
        if (!res.ok || !res.body) {
          const text = await res.text();
          let error: unknown = { type: "server_error", message: text.slice(0, 1000) };
          try {
            error = (JSON.parse(text) as { error?: unknown }).error ?? error;
          } catch {
            // not JSON: keep the text
          }
          // Over HTTP the client reads the request id from x-request-id; a WebSocket client sees
          // no headers per turn, so the event carries it (a relayed upstream error has no other
          // trace the admin could look up).
          const requestId = res.headers.get("x-request-id");
          ws.send(JSON.stringify({ type: "error", status: res.status, error, ...(requestId ? { request_id: requestId } : {}) }));
          return;
        }
        // Settles when the last frame handed to ws has been written to the socket (or failed).
        let flushed: Promise<void> = Promise.resolve();
        const splitter = new SseSplitter((event) => {
          const payload = sseEventData(event);
          if (!payload || ws.readyState !== ws.OPEN) return;
          flushed = new Promise((resolve) => ws.send(payload, () => resolve()));
          remember(turn, payload);
        });
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          splitter.push(Buffer.from(chunk));
          if (ws.bufferedAmount > SEND_HIGH_WATER_BYTES) await flushed;
        }
        splitter.end();
        if (turn.responseId) last = turn;
      } catch (error) {
        if (!abort.signal.aborted) throw error;
      } finally {
        aborts.delete(abort);
      }
    }
  }

  return {
    handleUpgrade,
    /** Closes every connection (going away); turns in flight finish through the HTTP pipeline. */
    close: () => {
      for (const client of wss.clients) client.close(1001, "server shutting down");
      wss.close();
    },
  };
}

function frameBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** Keeps what the next incremental turn needs: the response id and its complete output items. */
function remember(turn: Turn, payload: string) {
  if (!payload.includes('"response.output_item.done"') && !payload.includes('"response.created"') && !payload.includes('"response.completed"')) return;
  let event: { type?: string; item?: unknown; response?: { id?: string; output?: unknown[] } };
  try {
    event = JSON.parse(payload);
  } catch {
    return;
  }
  if (event.type === "response.created" && event.response?.id) turn.responseId = event.response.id;
  if (event.type === "response.output_item.done" && event.item) turn.output.push(event.item);
  if (event.type === "response.completed" && event.response?.id) turn.responseId = event.response.id;
}

/** A warm-up turn (`generate: false`): acknowledged locally, nothing generated or billed. */
function warmUp(ws: WebSocket, body: Record<string, unknown>) {
  const response = {
    id: `resp_${randomUUID().replace(/-/g, "")}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    model: body.model ?? null,
    output: [],
    usage: { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 },
  };
  ws.send(JSON.stringify({ type: "response.created", sequence_number: 0, response: { ...response, status: "in_progress" } }));
  ws.send(JSON.stringify({ type: "response.completed", sequence_number: 1, response }));
}

function sendError(ws: WebSocket, status: number, type: string, message: string) {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: "error", status, error: { type, message } }));
}
