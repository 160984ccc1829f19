/**
 * Server-side logout. A session cookie is signed and stateless (web-session.ts), so clearing it
 * in the browser does not stop a copy of it from working; logging out therefore records the
 * session's id as revoked in the store until the session would have expired anyway, and every
 * cookie-authenticated request checks that record.
 *
 * The record is a store lockout of the scope `session:<sid>` locked on its first "failure" for
 * the session's remaining lifetime: the store already offers exactly that shared, expiring
 * marker (a Redis key with a TTL, or an in-process entry), so no new store operation is needed.
 * If the store cannot answer, a revoked cookie is accepted (fail open, like the login lockout)
 * rather than logging every dashboard user out (docs/decisions/0014).
 */
import type { Store } from "../store/store.ts";
import type { WebSession } from "./web-session.ts";

function scope(session: Pick<WebSession, "sid">): string {
  return `session:${session.sid}`;
}

/** Revokes one session until its expiry. Rejects when the store cannot record it. */
export async function revokeSession(store: Store, session: Pick<WebSession, "sid" | "exp">, now: number): Promise<void> {
  const remainingMs = session.exp - now;
  if (remainingMs <= 0) return;
  await store.recordLoginFailure(scope(session), { maxFailures: 1, windowMs: remainingMs, lockoutMs: remainingMs }, now);
}

export async function isSessionRevoked(store: Store, session: Pick<WebSession, "sid">, now: number): Promise<boolean> {
  try {
    return (await store.getLockout(scope(session), now)).locked;
  } catch {
    return false;
  }
}
