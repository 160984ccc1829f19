/**
 * Who is calling the admin API or the dashboard: a login cookie, or `Authorization: Bearer`
 * with the admin token or an API key (for scripts). Key sessions are re-checked against the
 * key on every call, so disabling a key logs its sessions out at once; a logged-out (revoked)
 * session is refused although its signature is valid.
 *
 * A Bearer token that is neither the admin token nor a known key counts as a failed login of
 * its client address (lockout.ts); while the address is locked out, every Bearer token from it
 * is refused with AuthLockedError, the right one included, so guessing gets no answers.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Catalog } from "../catalog/catalog.ts";
import type { Db } from "../db/database.ts";
import type { Env } from "../env.ts";
import type { Store } from "../store/store.ts";
import type { Viewer } from "../trpc/trpc.ts";
import { constantTimeEquals, hashApiKey } from "./api-keys.ts";
import { AuthLockedError, clearFailures, countFailure, lockoutOf } from "./lockout.ts";
import { isSessionRevoked } from "./session-revocation.ts";
import { readCookie, SESSION_COOKIE, type SessionSigner } from "./web-session.ts";

export interface ViewerDeps {
  env: Env;
  db: Db;
  catalog: Catalog;
  signer: SessionSigner;
  store: Store;
  now: () => number;
}

function usable(key: { isEnabled: boolean; expiresAt: number | null; user: { isEnabled: boolean; expiresAt: number | null } }, now: number) {
  return (
    key.isEnabled &&
    key.user.isEnabled &&
    (key.expiresAt === null || key.expiresAt > now) &&
    (key.user.expiresAt === null || key.user.expiresAt > now)
  );
}

/**
 * A cookie-authenticated state change from another site is refused (SameSite=Lax already
 * stops most; this also covers same-site subdomains and old browsers). The web guards refuse
 * these before any route (server/http/same-origin.ts); this keeps callers that reach the
 * resolver another way honest. `Origin: null` is an opaque, foreign origin.
 */
function crossOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (!origin) return false;
  if (origin === "null") return true;
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    return true;
  }
}

/**
 * The viewer of a request from `clientAddress` (the address clientIp() derives), or null.
 * Throws AuthLockedError while the address is locked out of Bearer authentication.
 */
export async function resolveViewer(headers: IncomingHttpHeaders, method: string, deps: ViewerDeps, clientAddress: string): Promise<Viewer | null> {
  const now = deps.now();
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1]?.trim();
  if (bearer) {
    const lockout = await lockoutOf(deps.store, "bearer", clientAddress, now);
    if (lockout.locked) throw new AuthLockedError(lockout.retryAfterMs);
    if (constantTimeEquals(bearer, deps.env.ADMIN_TOKEN)) {
      if (lockout.failures > 0) await clearFailures(deps.store, "bearer", clientAddress);
      return { kind: "admin", via: "admin_token" };
    }
    const key = await deps.catalog.findKeyByHash(hashApiKey(bearer));
    if (!key) {
      const state = await countFailure(deps, "bearer", clientAddress, now);
      if (state.locked) throw new AuthLockedError(state.retryAfterMs);
      return null;
    }
    if (!usable(key, now)) return null;
    return { kind: "user", userId: key.userId, keyId: key.id, role: key.user.role, canLoginWebUi: key.canLoginWebUi };
  }
  const session = deps.signer.verify(readCookie(headers.cookie, SESSION_COOKIE), now);
  if (!session) return null;
  if (method !== "GET" && method !== "HEAD" && crossOrigin(headers)) return null;
  if (await isSessionRevoked(deps.store, session, now)) return null;
  if (session.kind === "admin") return { kind: "admin", via: "admin_token" };
  const row = await deps.db.apiKey.findFirst({ where: { id: session.keyId, deletedAt: null }, include: { user: true } });
  if (!row || row.user.deletedAt) return null;
  const key = {
    isEnabled: row.isEnabled,
    expiresAt: row.expiresAt?.getTime() ?? null,
    user: { isEnabled: row.user.isEnabled, expiresAt: row.user.expiresAt?.getTime() ?? null },
  };
  if (!usable(key, now)) return null;
  return { kind: "user", userId: row.userId, keyId: row.id, role: row.user.role, canLoginWebUi: row.canLoginWebUi };
}
