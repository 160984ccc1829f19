/**
 * Dashboard login with a token: the admin token logs in as admin; an API key logs in as its
 * user (full dashboard if the key may log in to the web UI, else the read-only /my-usage page).
 * Failed attempts are counted per client address, and an address is locked out for a while
 * after too many (lockout.ts).
 */
import { constantTimeEquals, hashApiKey } from "./api-keys.ts";
import { AuthLockedError, clearFailures, countFailure, lockoutOf } from "./lockout.ts";
import type { SessionSigner } from "./web-session.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Env } from "../env.ts";
import type { Store } from "../store/store.ts";

export type LoginResult =
  | { ok: true; cookie: string; role: "admin" | "user"; redirectTo: "/dashboard" | "/my-usage" }
  | { ok: false; status: 401 | 429; message: string; retryAfterSeconds?: number };

export interface LoginDeps {
  env: Env;
  store: Store;
  catalog: Catalog;
  signer: SessionSigner;
  now: () => number;
}

function lockedOut(retryAfterMs: number): LoginResult {
  const error = new AuthLockedError(retryAfterMs);
  return { ok: false, status: 429, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
}

export async function login(deps: LoginDeps, token: string, clientAddress: string): Promise<LoginResult> {
  const { env, store, catalog, signer, now } = deps;
  const lockout = await lockoutOf(store, "login", clientAddress, now());
  if (lockout.locked) return lockedOut(lockout.retryAfterMs);
  const fail = async (message: string): Promise<LoginResult> => {
    const state = await countFailure(deps, "login", clientAddress, now());
    return state.locked ? lockedOut(state.retryAfterMs) : { ok: false, status: 401, message };
  };

  const trimmed = token.trim();
  if (!trimmed) return fail("Enter the admin token or an API key.");

  if (constantTimeEquals(trimmed, env.ADMIN_TOKEN)) {
    await clearFailures(store, "login", clientAddress);
    return { ok: true, cookie: signer.issueAdmin(env.AUTH_SESSION_TTL_SECONDS, now()), role: "admin", redirectTo: "/dashboard" };
  }

  const key = await catalog.findKeyByHash(hashApiKey(trimmed));
  const t = now();
  if (!key) return fail("Invalid token.");
  if (!key.isEnabled || !key.user.isEnabled) return fail("This key or its user is disabled.");
  if ((key.expiresAt !== null && key.expiresAt <= t) || (key.user.expiresAt !== null && key.user.expiresAt <= t)) {
    return fail("This key or its user has expired.");
  }
  // A key's success does not clear the address's failures: they may be guesses at the admin token.
  const dashboard = key.canLoginWebUi;
  return {
    ok: true,
    cookie: signer.issueKey(key.id, env.AUTH_SESSION_TTL_SECONDS, t),
    role: dashboard && key.user.role === "admin" ? "admin" : "user",
    redirectTo: dashboard ? "/dashboard" : "/my-usage",
  };
}

/** The Set-Cookie header value for a session (or for clearing it with maxAgeSeconds 0). */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean, name: string): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}
