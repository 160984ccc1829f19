/**
 * In-process store for the one-command start without Redis. It implements the same contract
 * as RedisStore (see store.contract.ts), but its state lives in this process only: it cannot
 * be shared by several hub instances, and it is lost on restart.
 */
import { EventEmitter } from "node:events";
import type { AdmitRequest, FailoverRequest, HydrationData, ScopeSpec, SettleRequest } from "./admission.ts";
import { MemoryAdmission } from "./memory-admission.ts";
import type { LockoutPolicy, LockoutState, Store } from "./store.ts";

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  private readonly bus = new EventEmitter();
  private readonly failures = new Map<string, Expiring<number>>();
  private readonly locks = new Map<string, number>();
  private closed = false;
  private readonly admission = new MemoryAdmission();

  constructor() {
    this.bus.setMaxListeners(0);
  }

  admit(request: AdmitRequest) {
    return this.admission.admit(request);
  }
  failover(request: FailoverRequest) {
    return this.admission.failover(request);
  }
  settle(request: SettleRequest) {
    return this.admission.settle(request);
  }
  hydrate(scope: ScopeSpec, data: HydrationData, now: number) {
    return this.admission.hydrate(scope, data, now);
  }
  usage(scopes: ScopeSpec[], now: number) {
    return this.admission.usage(scopes, now);
  }
  resetScope(scope: string) {
    return this.admission.resetScope(scope);
  }
  breakerStatus(providerIds: number[], now: number) {
    return this.admission.breakerStatus(providerIds, now);
  }
  resetBreaker(providerId: number) {
    return this.admission.resetBreaker(providerId);
  }
  inFlight(scope: string, now: number) {
    return this.admission.inFlight(scope, now);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error("store closed");
  }

  async publish(channel: string, message: string): Promise<void> {
    // Delivered asynchronously, like Redis pub/sub, so publishers never re-enter listeners.
    queueMicrotask(() => this.bus.emit(channel, message));
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => void> {
    this.bus.on(channel, listener);
    return () => this.bus.off(channel, listener);
  }

  async recordLoginFailure(scope: string, policy: LockoutPolicy, now: number): Promise<LockoutState> {
    const current = await this.getLockout(scope, now);
    if (current.locked) return current;
    const entry = this.failures.get(scope);
    const count = entry && entry.expiresAt > now ? entry.value + 1 : 1;
    this.failures.set(scope, { value: count, expiresAt: entry && entry.expiresAt > now ? entry.expiresAt : now + policy.windowMs });
    if (count >= policy.maxFailures) {
      this.locks.set(scope, now + policy.lockoutMs);
      this.failures.delete(scope);
      return { locked: true, failures: count, retryAfterMs: policy.lockoutMs };
    }
    this.sweep(now);
    return { locked: false, failures: count, retryAfterMs: 0 };
  }

  async getLockout(scope: string, now: number): Promise<LockoutState> {
    const until = this.locks.get(scope);
    const entry = this.failures.get(scope);
    const failures = entry && entry.expiresAt > now ? entry.value : 0;
    if (until !== undefined && until > now) return { locked: true, failures, retryAfterMs: until - now };
    return { locked: false, failures, retryAfterMs: 0 };
  }

  async clearLoginFailures(scope: string): Promise<void> {
    this.failures.delete(scope);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.bus.removeAllListeners();
  }

  /** Drops expired entries so abandoned scopes do not accumulate. */
  private sweep(now: number) {
    if (this.failures.size + this.locks.size < 1024) return;
    for (const [k, v] of this.failures) if (v.expiresAt <= now) this.failures.delete(k);
    for (const [k, until] of this.locks) if (until <= now) this.locks.delete(k);
  }
}
