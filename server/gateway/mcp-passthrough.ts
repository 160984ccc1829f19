/**
 * MCP passthrough (manual §9.5): a provider with an MCP passthrough type (minimax, glm) also
 * relays its vendor's MCP tool endpoints. A /v1 path that is no model endpoint, from a valid key,
 * goes to the first such provider of the caller's groups (by priority) — but only when it is one
 * of the tool endpoints that type relays (MCP_TOOL_ENDPOINTS), never "any path on the vendor's
 * host": the relay carries the provider's own upstream key, so an open path would let any hub key
 * reach any API of that vendor unmetered.
 *
 * A relayed call is metered like any request: the caller's limits (requests per minute,
 * concurrent sessions, a money limit already reached) are checked and held in the store, and the
 * call is logged. It is not billed (the vendors report no token usage for these tools).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { request } from "undici";
import { hashApiKey } from "../auth/api-keys.ts";
import type { CachedKey, CachedProvider } from "../catalog/types.ts";
import type { LogRecord } from "../db/log-writer.ts";
import type { AdmitResult } from "../store/admission.ts";
import { clientIp } from "./client-ip.ts";
import type { GatewayDeps } from "./deps.ts";
import { GatewayError } from "./errors.ts";
import { claudeFormat } from "./formats/claude/index.ts";
import { limitError } from "./limits/limit-error.ts";
import { callerScopes } from "../domain/quota/scopes.ts";
import { groupsIntersect } from "./routing/candidates.ts";
import { holdMs } from "./steps/admit.ts";
import { extractApiKey } from "./steps/authenticate.ts";
import { withoutHubCredentials } from "./upstream/credentials.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "./upstream/headers.ts";

export interface McpToolEndpoint {
  /** The MCP tools served by this endpoint. */
  tools: string[];
  /** The path the client sends to the hub. */
  path: string;
  /** The vendor's path, appended to the provider's MCP URL path (or its URL's origin). */
  upstreamPath: string;
}

/**
 * The ONE list of what MCP passthrough relays, per passthrough type. Anything else is answered
 * 404 by the hub and never reaches the vendor.
 * - minimax: the Coding Plan MCP server (`minimax-coding-plan-mcp`) calls
 *   `POST {api_host}/v1/coding_plan/search` for web_search and `POST …/v1/coding_plan/vlm` for
 *   understand_image, with the Coding Plan key as a Bearer token.
 * - glm: Z.AI's vision MCP server (`@z_ai/mcp-server`, tools analyze_image / analyze_video, and
 *   the image_analysis / video_analysis names of later versions) calls the GLM vision model at
 *   `…/api/paas/v4/chat/completions`; the hub only serves /v1/*, so a client reaches it as
 *   `/v1/paas/v4/chat/completions` (docs/decisions/0013 — this path is inferred from the
 *   vendor's API layout, not observed from a recorded client).
 */
export const MCP_TOOL_ENDPOINTS: Readonly<Record<string, readonly McpToolEndpoint[]>> = {
  minimax: [
    { tools: ["web_search"], path: "/v1/coding_plan/search", upstreamPath: "/v1/coding_plan/search" },
    { tools: ["understand_image"], path: "/v1/coding_plan/vlm", upstreamPath: "/v1/coding_plan/vlm" },
  ],
  glm: [{ tools: ["analyze_image", "analyze_video"], path: "/v1/paas/v4/chat/completions", upstreamPath: "/api/paas/v4/chat/completions" }],
};

/**
 * Whether a raw request path tries to leave its place: dot segments (raw or percent-encoded),
 * encoded slashes or backslashes, raw backslashes, empty segments. Such a path is refused
 * before anything else, whatever it would match once a URL parser normalised it.
 */
export function isTraversalPath(rawPath: string): boolean {
  if (rawPath.includes("\\") || rawPath.includes("//")) return true;
  if (/%(2e|2f|5c|25)/i.test(rawPath)) return true;
  return rawPath.split("/").some((segment) => segment === "." || segment === "..");
}

export function mcpProvider(deps: GatewayDeps, key: CachedKey): CachedProvider | undefined {
  const groups = key.groups ?? key.user.groups;
  return deps.catalog
    .providers()
    .filter((p) => p.isEnabled && p.mcpPassthroughType !== "none" && groupsIntersect(groups, p.groups))
    .sort((a, b) => a.priority - b.priority)[0];
}

function toolEndpoint(provider: CachedProvider, path: string): McpToolEndpoint | undefined {
  return MCP_TOOL_ENDPOINTS[provider.mcpPassthroughType]?.find((e) => e.path === path);
}

/** The vendor URL of a tool endpoint: the admin-set MCP URL's path stays the base. */
export function mcpTarget(provider: CachedProvider, endpoint: McpToolEndpoint, search: string): URL {
  const base = new URL(provider.mcpPassthroughUrl ?? new URL(provider.url).origin);
  return new URL(base.pathname.replace(/\/+$/, "") + endpoint.upstreamPath + withoutHubCredentials(search), base.origin);
}

function sendError(res: ServerResponse, error: GatewayError, requestId: string) {
  const { contentType, body } = claudeFormat.renderError(error, requestId);
  res.writeHead(error.status, { ...error.headers, "content-type": contentType, "content-length": Buffer.byteLength(body), "x-request-id": requestId });
  res.end(body);
}

/**
 * The caller's limits, in one store round trip (no provider limits, nothing reserved). Returns
 * the error to answer with, or null when admitted. When the store cannot answer, rate limits
 * fail open and money limits follow the system setting, as for model requests.
 */
async function admitCaller(
  deps: GatewayDeps,
  key: CachedKey,
  provider: CachedProvider,
  requestId: string,
  session: string,
): Promise<{ refusal: GatewayError | null; held: boolean; scopes: ReturnType<typeof callerScopes>; admittedAt: number }> {
  const settings = deps.catalog.settings();
  const now = deps.now();
  const scopes = callerScopes(key, settings, now);
  // The `now` of the call that admitted the request; its settlement names it.
  let admittedAt = now;
  const admitRequest = () =>
    deps.store.admit({
      requestId,
      now: (admittedAt = deps.now()),
      scopes: scopes.map((s) => s.spec),
      estimateNano: 0,
      session: { id: session, bindingKey: session },
      candidates: [
        {
          providerId: provider.id,
          priority: provider.priority,
          reclaimSessions: false,
          disableSessionReuse: true,
          breaker: { ...provider.breaker },
          limits: { scope: `p:${provider.id}`, rpm: null, concurrentSessions: null, windows: [], signature: "" },
        },
      ],
      enforce: deps.env.ENABLE_RATE_LIMIT,
      holdMs: holdMs(deps),
      passthrough: false,
    });
  let result: AdmitResult;
  try {
    result = await admitRequest();
    if (result.status === "unhydrated") {
      const missing = new Set(result.scopes);
      await deps.hydrator.hydrate(scopes.filter((s) => missing.has(s.spec.scope)), now);
      result = await admitRequest();
    }
  } catch {
    const moneyLimited = scopes.some((s) => s.spec.windows.length > 0);
    if (moneyLimited && settings.moneyLimitFailMode === "closed" && deps.env.ENABLE_RATE_LIMIT) {
      return { refusal: new GatewayError("no_provider", "Spending limits cannot be checked right now (the quota store is unavailable), so requests are refused. Try again shortly.", { blockedBy: "quota_store_unavailable" }), held: false, scopes, admittedAt };
    }
    return { refusal: null, held: false, scopes, admittedAt };
  }
  if (result.status === "limited") return { refusal: limitError(result.hit, deps.now()), held: false, scopes, admittedAt };
  // An open breaker does not stop a tool call (breakers guard model traffic), nor does anything else here.
  return { refusal: null, held: result.status === "admitted", scopes, admittedAt };
}

/**
 * Relays the request if it is for an MCP tool endpoint of a provider serving the caller;
 * returns false (nothing written) when the request is not for one.
 */
export async function relayMcp(req: IncomingMessage, res: ServerResponse, path: string, search: string, deps: GatewayDeps, requestId: string): Promise<boolean> {
  if (isTraversalPath(path)) {
    // Refused whoever asks: never forwarded, never matched against anything.
    sendError(res, new GatewayError("invalid_request", "The request path is not valid."), requestId);
    req.resume();
    return true;
  }
  let presented: string | undefined;
  try {
    presented = extractApiKey(req.headers, search);
  } catch {
    return false;
  }
  const key = presented ? await deps.catalog.findKeyByHash(hashApiKey(presented)) : null;
  const now = deps.now();
  if (!key || !key.isEnabled || !key.user.isEnabled || (key.expiresAt ?? Infinity) <= now || (key.user.expiresAt ?? Infinity) <= now) return false;
  const provider = mcpProvider(deps, key);
  if (!provider) return false;
  const endpoint = req.method === "POST" ? toolEndpoint(provider, path) : undefined;
  if (!endpoint) return false;
  // The body is streamed through, not buffered; its declared size is held to the body limit.
  const declared = Number(req.headers["content-length"]);
  if (!Number.isFinite(declared) || declared > deps.env.MAX_REQUEST_BODY_BYTES) {
    const error = Number.isFinite(declared)
      ? new GatewayError("request_too_large", `The request body exceeds the limit of ${deps.env.MAX_REQUEST_BODY_BYTES} bytes (MAX_REQUEST_BODY_BYTES).`)
      : new GatewayError("invalid_request", "MCP tool calls need a Content-Length.", { status: 411 });
    res.setHeader("connection", "close");
    sendError(res, error, requestId);
    return true;
  }

  const started = performance.now();
  const startedAt = now;
  // Read before relaying: the socket is gone once the exchange is over.
  const ip = clientIp(req, deps.env.TRUST_PROXY) ?? null;
  const userAgent = req.headers["user-agent"]?.slice(0, 500) ?? null;
  let status = 502;
  let errorMessage: string | null = null;
  let errorType: string | null = null;
  let blockedBy: string | null = null;

  const admission = await admitCaller(deps, key, provider, requestId, requestId);
  if (admission.refusal) {
    status = admission.refusal.status;
    errorType = admission.refusal.kind;
    errorMessage = admission.refusal.message;
    blockedBy = admission.refusal.blockedBy ?? null;
    sendError(res, admission.refusal, requestId);
    req.resume();
  } else {
    try {
      const upstream = await request(mcpTarget(provider, endpoint, search), {
        method: "POST",
        headers: upstreamRequestHeaders(req.rawHeaders, { provider, authHeaders: { authorization: `Bearer ${provider.secret}` }, clientIp: ip ?? undefined }),
        body: req,
        dispatcher: deps.dispatchers.for(provider),
      });
      status = upstream.statusCode;
      res.writeHead(status, clientResponseHeaders(upstream.headers as Record<string, string | string[] | undefined>, requestId));
      await pipeline(upstream.body, res);
    } catch (error) {
      errorMessage = (error as Error).message;
      errorType = "network_error";
      if (!res.headersSent) {
        sendError(res, new GatewayError("bad_gateway", "The MCP upstream could not be reached."), requestId);
      } else {
        res.destroy();
      }
    }
    if (admission.held) {
      await deps.store
        .settle({ requestId, now: deps.now(), admittedAt: admission.admittedAt, costNano: 0, providerId: provider.id, breaker: "none", breakerConfig: null, bind: null, scopes: admission.scopes.map((s) => s.spec) })
        .catch((error: Error) => deps.logger.warn({ err: error.message, requestId }, "MCP settlement could not reach the store; its holds expire by themselves"));
    }
  }
  const record: LogRecord = {
    requestLog: {
      requestId,
      createdAt: new Date(startedAt).toISOString(),
      userId: key.userId,
      keyId: key.id,
      providerId: provider.id,
      endpoint: path,
      apiFormat: `mcp-${provider.mcpPassthroughType}`,
      model: null,
      redirectedModel: null,
      responseModel: null,
      isStream: false,
      inputTokens: 0,
      outputTokens: 0,
      cacheCreation5mTokens: 0,
      cacheCreation1hTokens: 0,
      cacheReadTokens: 0,
      costUsd: null,
      costBreakdown: null,
      priceMissing: false,
      ttfbMs: null,
      durationMs: Math.round(performance.now() - started),
      statusCode: status,
      errorType,
      errorMessage,
      blockedBy,
      sessionId: null,
      decisionChain: blockedBy
        ? { candidates: [], filtered: [], attempts: [] }
        : { candidates: [], filtered: [], attempts: [{ providerId: provider.id, providerName: provider.name, reason: "initial", attempt: 1, startedAt, statusCode: status }] },
      retryCount: 0,
      clientIp: ip,
      userAgent,
    },
  };
  deps.logWriter.enqueue(record);
  return true;
}
