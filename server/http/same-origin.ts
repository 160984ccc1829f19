/**
 * Cross-site request refusal for the dashboard, login and admin API: a state-changing request
 * (anything but GET, HEAD, OPTIONS) that a browser marks as coming from another site is refused
 * before it reaches a route. That covers a cross-site form posting a login (which would otherwise
 * count failures and lock everyone behind the same address out), as well as cookie-authenticated
 * changes.
 *
 * Browsers send `Origin` on every such request; `Origin: null` (sandboxed frames, data: URLs,
 * some redirects) is treated as cross-site. `Sec-Fetch-Site: cross-site` is refused even without
 * an Origin. A request with neither header is not from a browser page (curl, scripts with a
 * Bearer token), and there is no ambient credential a third party could borrow through it.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { RequestHandler } from "express";
import { hostName, listedHost, type HostPolicy } from "./host-check.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Why a request counts as cross-site, or null when it does not. */
export function crossSiteReason(method: string, headers: IncomingHttpHeaders, policy: Pick<HostPolicy, "appUrl" | "allowedHosts">): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  if (headers["sec-fetch-site"] === "cross-site") return "Sec-Fetch-Site: cross-site";
  const origin = headers.origin;
  if (origin === undefined) return null;
  if (origin === "null") return "Origin: null";
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return "a malformed Origin";
  }
  if (headers.host && sameHost(originUrl.host, headers.host)) return null;
  // Behind a proxy that rewrites Host, the hub's public names are APP_URL and ALLOWED_HOSTS.
  if (policy.appUrl) {
    try {
      if (sameHost(new URL(policy.appUrl).host, originUrl.host)) return null;
    } catch {
      // A malformed APP_URL names no origin.
    }
  }
  const name = hostName(originUrl.host);
  if (name && listedHost(name, policy.allowedHosts)) return null;
  return `Origin ${originUrl.origin}`;
}

export function sameOriginCheck(policy: Pick<HostPolicy, "appUrl" | "allowedHosts">): RequestHandler {
  return (req, res, next) => {
    const reason = crossSiteReason(req.method, req.headers, policy);
    if (!reason) return next();
    res.status(403).set("connection", "close").json({ ok: false, error: `Cross-site request refused (${reason}).` });
  };
}
