/**
 * Failed authentication attempts, counted per client address and kind, and the lockout that
 * follows too many (LOGIN_MAX_FAILURES within 5 minutes → LOGIN_LOCKOUT_SECONDS). Two kinds:
 * the login form (`login`) and `Authorization: Bearer` on the admin API and dashboard (`bearer`),
 * so a script with a stale token does not lock its address out of the login page, and neither
 * channel allows more than the limit of guesses.
 *
 * A success clears an address's counter only when it proves the admin token (nothing is left to
 * guess); an API key's success clears nothing, so a member's good login between guesses does not
 * give the guesser a fresh budget (docs/decisions/0014).
 *
 * Without the store the counters fail open: attempts are not limited rather than impossible.
 */
import type { Env } from "../env.ts";
import type { LockoutState, Store } from "../store/store.ts";

export type FailureKind = "login" | "bearer";

const FAILURE_WINDOW_MS = 5 * 60_000;
const OPEN: LockoutState = { locked: false, retryAfterMs: 0, failures: 0 };

/** Too many failures from this address: the caller answers 429 with Retry-After. */
export class AuthLockedError extends Error {
  readonly status = 429;
  readonly type = "rate_limit_error";
  readonly retryable = true;
  readonly retryAfterSeconds: number;

  constructor(retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(`Too many failed logins. Try again in ${seconds} s.`);
    this.name = "AuthLockedError";
    this.retryAfterSeconds = seconds;
  }
}

function scope(kind: FailureKind, address: string): string {
  // `ip:` is the login form's scope since the first release; keep it so counters survive upgrades.
  return kind === "login" ? `ip:${address}` : `bearer:${address}`;
}

export async function lockoutOf(store: Store, kind: FailureKind, address: string, now: number): Promise<LockoutState> {
  return store.getLockout(scope(kind, address), now).catch(() => OPEN);
}

export async function countFailure(
  deps: { store: Store; env: Pick<Env, "LOGIN_MAX_FAILURES" | "LOGIN_LOCKOUT_SECONDS"> },
  kind: FailureKind,
  address: string,
  now: number,
): Promise<LockoutState> {
  const policy = { maxFailures: deps.env.LOGIN_MAX_FAILURES, windowMs: FAILURE_WINDOW_MS, lockoutMs: deps.env.LOGIN_LOCKOUT_SECONDS * 1000 };
  return deps.store.recordLoginFailure(scope(kind, address), policy, now).catch(() => OPEN);
}

/** After the admin token was proven from this address. */
export async function clearFailures(store: Store, kind: FailureKind, address: string): Promise<void> {
  await store.clearLoginFailures(scope(kind, address)).catch(() => undefined);
}
