/**
 * The address a request is logged under (and forwarded as X-Forwarded-For when a provider
 * preserves client IPs).
 *
 * The WebSocket door of the Responses API replays each turn as an HTTP request on loopback, so
 * the socket address of those requests is the hub itself. The bridge passes the real client's
 * address in a header that only counts when it also carries this process's hop secret: a
 * client cannot forge it, and the x-cch-* headers never reach an upstream (upstream/headers.ts).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

const HOP_SECRET = Buffer.from(randomBytes(24).toString("base64url"));

/** Headers that mark a request as re-entered by this process on behalf of `ip`. */
export function internalHopHeaders(ip: string | undefined): Record<string, string> {
  return ip ? { "x-cch-internal-hop": HOP_SECRET.toString(), "x-cch-client-ip": ip } : {};
}

function isInternalHop(req: IncomingMessage): boolean {
  const presented = req.headers["x-cch-internal-hop"];
  if (typeof presented !== "string") return false;
  const bytes = Buffer.from(presented);
  return bytes.length === HOP_SECRET.length && timingSafeEqual(bytes, HOP_SECRET);
}

export function clientIp(req: IncomingMessage, trustProxy: boolean): string | undefined {
  if (isInternalHop(req)) {
    const ip = req.headers["x-cch-client-ip"];
    if (typeof ip === "string" && ip) return ip;
  }
  if (trustProxy) {
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? undefined;
}
