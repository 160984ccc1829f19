/**
 * The store holds the hub's hot, shared state: cache-invalidation messages, login lockouts,
 * rate and money windows, reservations, in-flight sessions, session bindings and breakers
 * (the admission operations are specified in admission.ts).
 *
 * Two implementations keep the same contract (store.contract.ts runs against both):
 * - RedisStore: shared by every instance; each multi-step change is one Lua script;
 * - MemoryStore: in-process, for the one-command start without Redis (single instance only).
 *
 * Time is always passed in (`now`, epoch ms) wherever a window or TTL is computed, so tests
 * drive the clock; the store never reads the wall clock for those decisions.
 */

export interface LockoutState {
  /** True while the scope is locked out. */
  locked: boolean;
  /** Failures counted in the current window. */
  failures: number;
  /** Milliseconds until the lockout ends (0 when not locked). */
  retryAfterMs: number;
}

export interface LockoutPolicy {
  /** Failures within windowMs that trigger a lockout. */
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

import type { AdmissionStore } from "./admission.ts";
import type { OutputFigure, OutputSample } from "./output-figures.ts";

export interface Store extends AdmissionStore {
  readonly kind: "redis" | "memory";

  /**
   * The providers sessions are bound to now, by binding key ("<keyId>:<sessionId>"); keys
   * without a live binding are absent. Dashboard only (the sessions page), never the request path.
   */
  sessionBindings(bindingKeys: string[], now: number): Promise<Map<string, number>>;
  /** Forgets a session's binding, so its next request picks a provider afresh; true when one was live. */
  unbindSession(bindingKey: string, now: number): Promise<boolean>;

  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;

  /** Broadcasts a message to every instance's subscribers of the channel (this one included). */
  publish(channel: string, message: string): Promise<void>;
  /** Listens on a channel; the returned function stops listening. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => void>;

  /** Counts one failed login attempt for a scope (e.g. an IP) and returns the resulting state. */
  recordLoginFailure(scope: string, policy: LockoutPolicy, now: number): Promise<LockoutState>;
  /** The lockout state of a scope without counting anything. */
  getLockout(scope: string, now: number): Promise<LockoutState>;
  /** Forgets failures of a scope (after a successful login). */
  clearLoginFailures(scope: string): Promise<void>;

  /** Adds batched output-token samples to the current bucket of the running figures (output-figures.ts). */
  addOutputSamples(samples: OutputSample[], now: number): Promise<void>;
  /** The running output-token figures over the last hour, by name. */
  outputFigures(now: number): Promise<Map<string, OutputFigure>>;

  /**
   * Takes the named lock for ttlMs unless another holder has it (used so that a scheduled job
   * runs on one instance only). Returns the holder's token, or null when the lock is taken.
   * The lock ends by itself after ttlMs, so a holder that dies never blocks the others for long.
   */
  tryLock(name: string, ttlMs: number, now: number): Promise<string | null>;
  /** Releases the lock if `token` still holds it (a lock that expired and was retaken is left alone). */
  unlock(name: string, token: string): Promise<void>;

  close(): Promise<void>;
}
