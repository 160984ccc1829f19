/**
 * The gateway: the request handler mounted first on /v1, /v1beta and /v1internal. It reads its
 * own body (no body parser, no compression, no session middleware before it) and walks the
 * pipeline below in order. Each step is its own file in steps/; a step ends the request by
 * throwing a GatewayError, which is rendered in the client's wire format.
 *
 *   authenticate → check-client-version → parse-request → check-access → check-sensitive-words →
 *   intercept-warmup → resolve-session →
 *   admit (one store trip: limits, provider choice, reservation) → forward (attempts, retries,
 *   failover) → settle (always; one store trip)
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientIp } from "./client-ip.ts";
import type { GatewayContext } from "./context.ts";
import { newDecisionChain } from "./decision-chain.ts";
import type { GatewayDeps } from "./deps.ts";
import { matchRoute, type GatewayRoute } from "./endpoints.ts";
import { checkRequestBounds, RequestRejected } from "./limits/input-bounds.ts";
import { listModels } from "./models.ts";
import { relayMcp } from "./mcp-passthrough.ts";
import { presentError } from "./error-detail.ts";
import { GatewayError, UpstreamHttpError } from "./errors.ts";
import { claudeFormat } from "./formats/claude/index.ts";
import { wireFormat } from "./formats/registry.ts";
import type { WireFormat } from "./formats/types.ts";
import { authenticate } from "./steps/authenticate.ts";
import { checkClientVersion } from "./steps/check-client-version.ts";
import { interceptWarmup } from "./steps/intercept-warmup.ts";
import { forward } from "./steps/forward.ts";
import { parseRequest } from "./steps/parse-request.ts";
import { admit } from "./steps/admit.ts";
import { resolveSession } from "./steps/resolve-session.ts";
import { settle } from "./steps/settle.ts";
import { checkAccess } from "./steps/check-access.ts";
import { checkSensitiveWords } from "./steps/check-sensitive-words.ts";

export const GATEWAY_PREFIXES = ["/v1/", "/v1beta/", "/v1internal"];

export function isGatewayPath(url: string | undefined): boolean {
  return !!url && GATEWAY_PREFIXES.some((p) => url.startsWith(p));
}

function newRequestId() {
  return `req_${randomUUID().replace(/-/g, "")}`;
}

/** Active requests, so graceful shutdown can wait for in-flight streams. */
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];
  enter() {
    this.count++;
  }
  leave() {
    this.count--;
    if (this.count === 0) for (const w of this.waiters.splice(0)) w();
  }
  get size() {
    return this.count;
  }
  /** Resolves when no request is in flight, or after timeoutMs. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export function createGateway(deps: GatewayDeps, inFlight = new InFlight()) {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const search = q < 0 ? "" : url.slice(q);
    const requestId = newRequestId();
    if (req.method === "GET" && (path === "/v1/models" || path === "/v1beta/models")) {
      const format = wireFormat(path === "/v1beta/models" ? "gemini" : req.headers["anthropic-version"] ? "claude" : "openai-chat") ?? claudeFormat;
      await listModels(req, res, path, deps, format, requestId).catch((error: Error) => {
        deps.logger.error({ err: error.message }, "model listing failed");
        if (!res.headersSent) sendError(res, format, new GatewayError("internal", "The model list is unavailable."), requestId);
      });
      return;
    }
    let route: GatewayRoute | undefined;
    try {
      route = matchRoute(req.method ?? "GET", path);
      if (route) checkRequestBounds(route, req.headers, search);
    } catch (error) {
      if (!(error instanceof RequestRejected)) throw error;
      // A malformed or over-long path, query or kept header: answered before anything is logged.
      sendError(res, wireFormat(error.format) ?? claudeFormat, error, requestId);
      req.resume();
      return;
    }
    const format = route && wireFormat(route.format);
    if (!route && path.startsWith("/v1/")) {
      inFlight.enter();
      try {
        if (await relayMcp(req, res, path, search, deps, requestId)) return;
      } finally {
        inFlight.leave();
      }
    }
    if (!route || !format) {
      sendError(res, claudeFormat, new GatewayError("not_found", `No route for ${req.method} ${path}.`), requestId);
      req.resume();
      return;
    }
    const ctx: GatewayContext = {
      requestId,
      startedAt: deps.now(),
      startTick: performance.now(),
      req,
      res,
      route,
      format,
      search,
      clientIp: clientIp(req, deps.env.TRUST_PROXY),
      userAgent: req.headers["user-agent"],
      clientGone: new AbortController(),
      chain: newDecisionChain(),
      outcome: {
        statusCode: 0,
        usage: undefined,
        responseModel: undefined,
        ttfbMs: undefined,
        errorType: undefined,
        errorMessage: undefined,
        blockedBy: undefined,
        completed: false,
        breaker: "none",
      },
    };
    inFlight.enter();
    try {
      await authenticate(ctx, deps);
      checkClientVersion(ctx, deps);
      await parseRequest(ctx, deps);
      checkAccess(ctx, deps);
      checkSensitiveWords(ctx, deps);
      if (interceptWarmup(ctx, deps)) return;
      resolveSession(ctx);
      await admit(ctx, deps);
      await forward(ctx, deps);
    } catch (error) {
      respondWithError(ctx, error, deps);
    } finally {
      try {
        await settle(ctx, deps);
      } catch (error) {
        deps.logger.error({ err: (error as Error).message, requestId }, "settling a request failed");
      }
      inFlight.leave();
    }
  }

  function respondWithError(ctx: GatewayContext, error: unknown, deps: GatewayDeps) {
    const { outcome } = ctx;
    // What the client is told depends on the error-detail settings; the log keeps the detail.
    const presented = presentError(error, ctx, deps.catalog.settings());
    if (error instanceof UpstreamHttpError) {
      // Same format in and out: the upstream's own error envelope is what the client expects.
      outcome.statusCode = error.status;
      outcome.errorType = "upstream_http_error";
      outcome.errorMessage = error.body.toString("utf8", 0, 2000);
      if (ctx.res.headersSent) return;
      if ("relay" in presented) {
        const headers: Record<string, string> = {
          "content-type": String(error.headers["content-type"] ?? "application/json"),
          "x-request-id": ctx.requestId,
        };
        for (const name of ["retry-after", "request-id", "x-should-retry"]) {
          const value = error.headers[name];
          if (typeof value === "string") headers[name] = value;
        }
        ctx.res.writeHead(error.status, headers);
        ctx.res.end(error.body);
      } else sendError(ctx.res, ctx.format, presented.error as GatewayError, ctx.requestId);
      return;
    }
    const gatewayError =
      error instanceof GatewayError
        ? error
        : new GatewayError("internal", "The hub failed to handle this request.", { cause: error });
    if (!(error instanceof GatewayError)) {
      deps.logger.error({ err: error instanceof Error ? error.stack : String(error), requestId: ctx.requestId }, "gateway request failed");
    }
    outcome.statusCode = gatewayError.status;
    outcome.errorType = gatewayError.kind;
    outcome.errorMessage = gatewayError.message;
    outcome.blockedBy = gatewayError.blockedBy;
    if (gatewayError.kind === "client_closed") return;
    if (gatewayError.kind === "request_too_large") {
      // The rest of an oversized body is not read: close the connection after answering.
      ctx.res.setHeader("connection", "close");
    }
    const shown = "error" in presented && presented.error instanceof GatewayError ? presented.error : gatewayError;
    sendError(ctx.res, ctx.format, shown, ctx.requestId);
  }

  return { handle, inFlight };
}

function sendError(res: ServerResponse, format: WireFormat, error: GatewayError, requestId: string) {
  if (res.headersSent) {
    if (!res.writableEnded) res.end(format.renderStreamError(error, requestId));
    return;
  }
  const { contentType, body } = format.renderError(error, requestId);
  res.writeHead(error.status, {
    ...error.headers,
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
  });
  res.end(body);
}
