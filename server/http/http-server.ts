/**
 * The hub's Node HTTP server and its timeouts.
 *
 * `requestTimeout` bounds how long a client may take to send one whole request (headers and
 * body) and `headersTimeout` how long it may take to send the headers; a client that dribbles
 * a request slower than that gets 408 and its connection closed, so slow uploads cannot pin
 * sockets and memory. Neither limits the response: once the request is received, an LLM
 * stream may run (and pause) for as long as the upstream timeouts allow.
 */
import http, { type RequestListener } from "node:http";

export interface HttpServerTimeouts {
  /** Longest time to receive one complete request, ms; 0 turns the limit off. */
  requestTimeoutMs: number;
  /** Longest time to receive the request headers, ms. */
  headersTimeoutMs: number;
}

/** An idle keep-alive connection is closed after this (longer than common load balancers' 60 s). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function createHttpServer(listener: RequestListener, timeouts: HttpServerTimeouts): http.Server {
  const requestTimeout = timeouts.requestTimeoutMs;
  // Node refuses a headers timeout longer than the request timeout; the request one includes it.
  const headersTimeout = requestTimeout > 0 ? Math.min(timeouts.headersTimeoutMs, requestTimeout) : timeouts.headersTimeoutMs;
  // Node checks the two timeouts on this interval (default 30 s), so it bounds how late a
  // timeout can fire; a quarter of the shorter timeout keeps the overshoot small.
  const connectionsCheckingInterval = Math.max(250, Math.min(30_000, Math.floor(Math.min(headersTimeout, requestTimeout || headersTimeout) / 4)));
  const server = http.createServer({ requestTimeout, headersTimeout, connectionsCheckingInterval, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, listener);
  return server;
}
