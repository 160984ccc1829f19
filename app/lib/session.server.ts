/**
 * The dashboard session cookie. The hub signs the session value (context.login); the dashboard
 * only places it in a cookie, in the same format the REST login uses.
 */
import type { AppLoadContext } from "@remix-run/node";

export const SESSION_COOKIE = "cch_session";

function serialize(value: string, maxAgeSeconds: number, secure: boolean): string {
  const parts = [`${SESSION_COOKIE}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

export function sessionCookie(context: AppLoadContext, value: string): string {
  return serialize(value, context.sessionTtlSeconds, context.secureCookies);
}

export function clearedSessionCookie(context: AppLoadContext): string {
  return serialize("", 0, context.secureCookies);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * The scheme the browser used. Behind a TLS-terminating proxy the hub sees http, so the proxy's
 * X-Forwarded-Proto / Forwarded header wins. A forged header can only hide a warning.
 */
function browserScheme(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-proto") ?? request.headers.get("forwarded")?.match(/proto=([a-z]+)/i)?.[1];
  if (forwarded) return `${forwarded.split(",")[0].trim().toLowerCase()}:`;
  return new URL(request.url).protocol;
}

/**
 * Browsers drop a `Secure` cookie set over plain HTTP, except on localhost; the login then
 * "succeeds" and bounces back to /login. True when that is about to happen.
 */
export function secureCookieWillBeDropped(context: AppLoadContext, request: Request): boolean {
  if (!context.secureCookies) return false;
  return browserScheme(request) === "http:" && !LOOPBACK_HOSTS.has(new URL(request.url).hostname);
}
