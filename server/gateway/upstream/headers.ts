/**
 * Which headers cross the hub, in each direction. Everything not listed here passes unchanged
 * (anthropic-beta, anthropic-version, x-stainless-*, user-agent, … reach the upstream as the
 * client sent them); the client's credentials and transport headers never do.
 */
import type { CachedProvider } from "../../catalog/types.ts";

/** Hop-by-hop (RFC 9110 §7.6.1) and transport headers, never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect", // undici refuses it ("expect header not supported")
]);

/** The client's credentials and identity: replaced by the provider's, never forwarded. */
const CLIENT_ONLY = new Set([
  "authorization",
  "x-api-key",
  "x-goog-api-key",
  "x-authorization",
  "cookie",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
  "accept-encoding", // set to identity: the hub reads usage from the response bytes
]);

/** Upstream response headers the client must not receive. */
const RESPONSE_DROP = new Set([...HOP_BY_HOP, "set-cookie", "alt-svc"]);

export interface UpstreamHeaderOptions {
  provider: CachedProvider;
  authHeaders: Record<string, string>;
  /** The provider type's defaults, overridden by what the client sent. */
  defaultHeaders?: Record<string, string>;
  /** Anthropic beta flags to add to the client's anthropic-beta (kept as sent otherwise). */
  addBetaFlags?: string[];
  clientIp: string | undefined;
}

/** Builds the upstream request headers from the client's raw headers. */
export function upstreamRequestHeaders(rawHeaders: string[], options: UpstreamHeaderOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const defaults = options.defaultHeaders;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || CLIENT_ONLY.has(name) || name.startsWith("x-cch-")) continue;
    const value = rawHeaders[i + 1];
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  if (defaults) for (const [name, value] of Object.entries(defaults)) out[name] ??= value;
  if (options.addBetaFlags?.length) {
    const flags = (out["anthropic-beta"] ?? "").split(",").map((f) => f.trim()).filter(Boolean);
    for (const flag of options.addBetaFlags) if (!flags.includes(flag)) flags.push(flag);
    out["anthropic-beta"] = flags.join(",");
  }
  out["accept-encoding"] = "identity";
  for (const [name, value] of Object.entries(options.provider.customHeaders)) {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !CLIENT_ONLY.has(lower)) out[lower] = value;
  }
  if (options.provider.preserveClientIp && options.clientIp) {
    out["x-forwarded-for"] = options.clientIp;
    out["x-real-ip"] = options.clientIp;
  }
  // Set last, so neither the client nor a custom header can override the provider's credentials.
  Object.assign(out, options.authHeaders);
  return out;
}

/** The upstream's response headers as the client receives them. */
export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
  requestId: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || RESPONSE_DROP.has(name)) continue;
    out[name] = value;
  }
  out["x-request-id"] = requestId;
  return out;
}
