/**
 * In-process store for the one-command start without Redis. It implements the same contract
 * as RedisStore (see store.contract.ts), but its state lives in this process only: it cannot
 * be shared by several hub instances, and it is lost on restart.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { AdmitRequest, FailoverRequest, HydrationData, ScopeSpec, SettleRequest } from "./admission.ts";
import { MemoryAdmission } from "./memory/memory-admission.ts";
import { figureBucket, figureBuckets, mergeFigureHash, type OutputFigure, type OutputSample } from "./output-figures.ts";
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
  /** Named locks: name → holder token and expiry (tryLock). */
  private readonly namedLocks = new Map<string, Expiring<string>>();
  private readonly admission = new MemoryAdmission();
  /** Output-token figures: bucket → (name|t, name|n) → value, as the Redis hashes hold them. */
  private readonly figures = new Map<number, Record<string, string>>();

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
  sessionBindings(bindingKeys: string[], now: number) {
    return this.admission.sessionBindings(bindingKeys, now);
  }
  unbindSession(bindingKey: string, now: number) {
    return this.admission.unbindSession(bindingKey, now);
  }
  inFlight(scope: string, now: number) {
    return this.admission.inFlight(scope, now);
  }

  async addOutputSamples(samples: OutputSample[], now: number): Promise<void> {
    const bucket = figureBucket(now);
    const hash = this.figures.get(bucket) ?? {};
    for (const s of samples) {
      hash[`${s.name}|t`] = String(Number(hash[`${s.name}|t`] ?? 0) + s.tokens);
      hash[`${s.name}|n`] = String(Number(hash[`${s.name}|n`] ?? 0) + s.count);
    }
    this.figures.set(bucket, hash);
    const keep = new Set(figureBuckets(now));
    for (const b of this.figures.keys()) if (!keep.has(b)) this.figures.delete(b);
  }

  async outputFigures(now: number): Promise<Map<string, OutputFigure>> {
    const figures = new Map<string, OutputFigure>();
    for (const bucket of figureBuckets(now)) {
      const hash = this.figures.get(bucket);
      if (hash) mergeFigureHash(figures, hash);
    }
    return figures;
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

  async tryLock(name: string, ttlMs: number, now: number): Promise<string | null> {
    const held = this.namedLocks.get(name);
    if (held && held.expiresAt > now) return null;
    const token = randomUUID();
    this.namedLocks.set(name, { value: token, expiresAt: now + ttlMs });
    return token;
  }

  async unlock(name: string, token: string): Promise<void> {
    if (this.namedLocks.get(name)?.value === token) this.namedLocks.delete(name);
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
