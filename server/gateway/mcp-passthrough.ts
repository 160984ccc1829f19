/**
 * MCP passthrough (manual §9.5): a provider with an MCP passthrough type (minimax, glm) also
 * relays its vendor's MCP tool endpoints (MiniMax web_search / understand_image, GLM
 * analyze_image / analyze_video). A /v1 path that is no model endpoint, from a valid key, goes
 * to the first such provider of the caller's groups (by priority): to its MCP URL, or to its
 * URL's origin, with the provider's credentials. Not billed, not rate limited; logged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { request } from "undici";
import { hashApiKey } from "../auth/api-keys.ts";
import type { CachedKey, CachedProvider } from "../catalog/types.ts";
import { clientIp } from "./client-ip.ts";
import type { GatewayDeps } from "./deps.ts";
import { groupsIntersect } from "./routing/candidates.ts";
import { extractApiKey } from "./steps/authenticate.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "./upstream/headers.ts";

export function mcpProvider(deps: GatewayDeps, key: CachedKey): CachedProvider | undefined {
  const groups = key.groups ?? key.user.groups;
  return deps.catalog
    .providers()
    .filter((p) => p.isEnabled && p.mcpPassthroughType !== "none" && groupsIntersect(groups, p.groups))
    .sort((a, b) => a.priority - b.priority)[0];
}

/**
 * Relays the request if an MCP passthrough provider serves the caller; returns false (nothing
 * written) when the request is not for one.
 */
export async function relayMcp(req: IncomingMessage, res: ServerResponse, path: string, search: string, deps: GatewayDeps, requestId: string): Promise<boolean> {
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

  const base = new URL(provider.mcpPassthroughUrl ?? new URL(provider.url).origin);
  const target = new URL(base.pathname.replace(/\/+$/, "") + path + search, base.origin);
  const started = performance.now();
  const startedAt = now;
  // Read before relaying: the socket is gone once the exchange is over.
  const ip = clientIp(req, deps.env.TRUST_PROXY) ?? null;
  const userAgent = req.headers["user-agent"]?.slice(0, 500) ?? null;
  let status = 502;
  let errorMessage: string | null = null;
  try {
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const upstream = await request(target, {
      method: (req.method ?? "GET") as "GET",
      headers: upstreamRequestHeaders(req.rawHeaders, { provider, authHeaders: { authorization: `Bearer ${provider.secret}` }, clientIp: ip ?? undefined }),
      body: hasBody ? req : undefined,
      dispatcher: deps.dispatchers.for(provider),
    });
    status = upstream.statusCode;
    res.writeHead(status, clientResponseHeaders(upstream.headers as Record<string, string | string[] | undefined>, requestId));
    await pipeline(upstream.body, res);
  } catch (error) {
    errorMessage = (error as Error).message;
    if (!res.headersSent) {
      const body = JSON.stringify({ error: { type: "bad_gateway", message: "The MCP upstream could not be reached.", request_id: requestId } });
      res.writeHead(502, { "content-type": "application/json", "x-request-id": requestId });
      res.end(body);
    } else {
      res.destroy();
    }
  }
  deps.logWriter.enqueue({
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
      errorType: errorMessage ? "network_error" : null,
      errorMessage,
      blockedBy: null,
      sessionId: null,
      decisionChain: { candidates: [], filtered: [], attempts: [{ providerId: provider.id, providerName: provider.name, reason: "initial", attempt: 1, startedAt, statusCode: status }] },
      retryCount: 0,
      clientIp: ip,
      userAgent,
    },
  });
  return true;
}
