/**
 * The address a request is logged under (and forwarded as X-Forwarded-For when a provider
 * preserves client IPs), and the address login failures are counted against.
 *
 * The WebSocket door of the Responses API replays each turn as an HTTP request on loopback, so
 * the socket address of those requests is the hub itself. The bridge passes the real client's
 * address in a header that only counts when it also carries this process's hop secret: a
 * client cannot forge it, and the x-cch-* headers never reach an upstream (upstream/headers.ts).
 *
 * Behind reverse proxies (TRUST_PROXY), X-Forwarded-For is read from the right: each proxy
 * appends the address it received the request from, so the right-most entries are the ones our
 * own proxies wrote and everything to their left is whatever the client chose to send. With
 * `trustProxy` hops, the client is the entry `trustProxy` places from the right end; the
 * left-most entry is never trusted unless the chain is exactly that long.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

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

/** How many proxies in front of the hub are trusted: `true` means one, `false` none. */
function trustedHops(trustProxy: boolean | number): number {
  if (trustProxy === true) return 1;
  if (trustProxy === false) return 0;
  return Number.isInteger(trustProxy) && trustProxy > 0 ? trustProxy : 0;
}

/**
 * The entry of X-Forwarded-For that the nearest `hops` trusted proxies vouch for. Several
 * X-Forwarded-For headers count as one list, in order (RFC 9110 field combination).
 */
function forwardedClient(header: string | string[] | undefined, hops: number): string | undefined {
  if (header === undefined) return undefined;
  const entries = (Array.isArray(header) ? header.join(",") : header)
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  // A chain shorter than the configured hops: its left-most entry was still written by one of
  // our proxies (the first one appended the client it saw to an empty header).
  const entry = entries[Math.max(0, entries.length - hops)];
  return isIP(entry) ? entry : undefined;
}

/**
 * The client's address. `trustProxy` is the number of reverse proxies in front of the hub
 * (TRUST_PROXY; a boolean is accepted as 0 or 1 hop).
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean | number): string | undefined {
  if (isInternalHop(req)) {
    const ip = req.headers["x-cch-client-ip"];
    if (typeof ip === "string" && ip) return ip;
  }
  const hops = trustedHops(trustProxy);
  if (hops > 0) {
    const forwarded = forwardedClient(req.headers["x-forwarded-for"], hops);
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? undefined;
}
