/**
 * Dashboard login with a token: the admin token logs in as admin; an API key logs in as its
 * user (full dashboard if the key may log in to the web UI, else the read-only /my-usage page).
 * Failed attempts are counted per client address, and an address is locked out for a while
 * after too many.
 */
import { constantTimeEquals, hashApiKey } from "./api-keys.ts";
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

const FAILURE_WINDOW_MS = 5 * 60_000;

export async function login(deps: LoginDeps, token: string, clientAddress: string): Promise<LoginResult> {
  const { env, store, catalog, signer, now } = deps;
  const scope = `ip:${clientAddress}`;
  // Without the store, logins are not rate limited (fail open) rather than impossible.
  const lockout = await store.getLockout(scope, now()).catch(() => ({ locked: false, retryAfterMs: 0, failures: 0 }));
  if (lockout.locked) {
    const retryAfterSeconds = Math.ceil(lockout.retryAfterMs / 1000);
    return { ok: false, status: 429, message: `Too many failed logins. Try again in ${retryAfterSeconds} s.`, retryAfterSeconds };
  }
  const fail = async (message: string): Promise<LoginResult> => {
    const state = await store
      .recordLoginFailure(scope, { maxFailures: env.LOGIN_MAX_FAILURES, windowMs: FAILURE_WINDOW_MS, lockoutMs: env.LOGIN_LOCKOUT_SECONDS * 1000 }, now())
      .catch(() => ({ locked: false, retryAfterMs: 0, failures: 0 }));
    if (state.locked) {
      const retryAfterSeconds = Math.ceil(state.retryAfterMs / 1000);
      return { ok: false, status: 429, message: `Too many failed logins. Try again in ${retryAfterSeconds} s.`, retryAfterSeconds };
    }
    return { ok: false, status: 401, message };
  };

  const trimmed = token.trim();
  if (!trimmed) return fail("Enter the admin token or an API key.");

  if (constantTimeEquals(trimmed, env.ADMIN_TOKEN)) {
    await store.clearLoginFailures(scope).catch(() => undefined);
    return { ok: true, cookie: signer.issueAdmin(env.AUTH_SESSION_TTL_SECONDS, now()), role: "admin", redirectTo: "/dashboard" };
  }

  const key = await catalog.findKeyByHash(hashApiKey(trimmed));
  const t = now();
  if (!key) return fail("Invalid token.");
  if (!key.isEnabled || !key.user.isEnabled) return fail("This key or its user is disabled.");
  if ((key.expiresAt !== null && key.expiresAt <= t) || (key.user.expiresAt !== null && key.user.expiresAt <= t)) {
    return fail("This key or its user has expired.");
  }
  await store.clearLoginFailures(scope).catch(() => undefined);
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
