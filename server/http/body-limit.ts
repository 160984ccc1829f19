/**
 * Bounds every request body the dashboard, login and admin API doors read, before any of them
 * reads a byte. The limit is enforced on the declared Content-Length: Node's parser never hands
 * a handler more body than that, so checking the header bounds the body completely, and a
 * refusal does not read (or wait for) the rest. Bodies without a length (chunked) are refused
 * with 411: browsers always send a length for forms and fetch() with a string or FormData body,
 * and so do curl and the usual HTTP clients.
 *
 * The gateway reads and bounds its own bodies (MAX_REQUEST_BODY_BYTES, server/gateway/body/) and
 * is mounted before this.
 */
import type { RequestHandler } from "express";

/** Login, logout and language forms: a token or a language code, plus a redirect path. */
export const SMALL_FORM_LIMIT_BYTES = 8 * 1024;
/** Admin API JSON and dashboard forms (provider credentials, price tables, error rules). */
export const ADMIN_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

const SMALL_FORM_PATHS = [/^\/login\/?$/, /^\/lang\/?$/, /^\/logout\/?$/, /^\/api\/auth\//];

/** The body limit for a request path (query string ignored). */
export function bodyLimitFor(url: string): number {
  const path = url.split("?", 1)[0];
  return SMALL_FORM_PATHS.some((pattern) => pattern.test(path)) ? SMALL_FORM_LIMIT_BYTES : ADMIN_BODY_LIMIT_BYTES;
}

export function bodyLimit(limitFor: (url: string) => number = bodyLimitFor): RequestHandler {
  return (req, res, next) => {
    const refuse = (status: 411 | 413, error: string) => {
      // Closing the connection is what spares us reading the body the client still sends.
      res.status(status).set("connection", "close").json({ ok: false, error });
    };
    if (req.headers["transfer-encoding"] !== undefined) {
      refuse(411, "A request body needs a Content-Length here.");
      return;
    }
    const declared = req.headers["content-length"];
    if (declared === undefined) return next();
    const length = Number(declared);
    const limit = limitFor(req.url);
    if (!Number.isSafeInteger(length) || length > limit) {
      refuse(413, `Request body too large (limit ${limit} bytes).`);
      return;
    }
    next();
  };
}
