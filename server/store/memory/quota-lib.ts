/**
 * The in-process store's quota state and the functions its operations share: the TypeScript
 * twin of scripts/quota-lib.lua, section by section and function by function (same names). The
 * operations themselves are one file each, as the scripts are: admit.ts, failover.ts, settle.ts,
 * hydrate.ts, usage.ts, breaker-status.ts. admission.contract.ts pins the cases;
 * stores.differential.integration.test.ts holds both stores to the same answers on long random
 * sequences (docs/decisions/0016).
 */
import {
  type BreakerConfig,
  type BreakerState,
  type CandidateSkip,
  type AdmitRequest,
  type LimitHit,
  type MoneyWindow,
  type ProviderCandidate,
  ROLLING_WINDOWS,
  type ScopeSpec,
} from "../admission.ts";

export const RPM_WINDOW_MS = 60_000;
/** Rolling windows: [kind, length, bucket size] (see ROLLING_WINDOWS in admission.ts). */
const ROLLING = ROLLING_WINDOWS.map((w) => [w.kind, w.lengthMs, w.bucketMs] as const);
/** How many expired in-flight records one call sweeps per scope (amortised O(1)). */
const SWEEP_LIMIT = 16;
/** Request records outlive their hold so settlement stays idempotent. */
export const RECORD_GRACE_MS = 3_600_000;
/** Unused scope state is dropped after this long (the ledger rebuilds it). */
const SCOPE_IDLE_MS = 35 * 86_400_000;

interface Rolling {
  buckets: Map<number, number>;
  sum: number;
  /** Oldest bucket index that may still be present; -1 when there is none. */
  min: number;
}

interface Fixed {
  start: number;
  spent: number;
}

interface InFlight {
  amount: number;
  /** The session this request counts as, when the scope limits concurrent sessions. */
  session: string | null;
  expiresAt: number;
}

export interface ScopeState {
  signature: string | null;
  reserved: number;
  /** The in-flight request that took this scope's last partial room, if any (see admit step 2). */
  partial: string | null;
  inflight: Map<string, InFlight>;
  sessions: Map<string, number>;
  rpm: number[];
  rolling: { "5h": Rolling; daily: Rolling };
  fixed: { daily: Fixed; weekly: Fixed; monthly: Fixed; total: Fixed };
  touchedAt: number;
}

export interface RequestRecord {
  scopes: string[];
  amount: number;
  session: string;
  providerId: number | null;
  probe: boolean;
  settled: boolean;
  expiresAt: number;
}

export interface Breaker {
  state: BreakerState;
  failures: number;
  openUntil: number;
  halfOpenSuccesses: number;
  /** Half-open probes in flight: request id → when the probe is forgotten if never released. */
  probes: Map<string, number>;
}

/** A scope with no limit at all needs nothing held for a request. */
export const limited = (spec: ScopeSpec) => spec.rpm !== null || spec.concurrentSessions !== null || spec.windows.length > 0;

export const newRolling = (): Rolling => ({ buckets: new Map(), sum: 0, min: -1 });
export const newFixed = (): Fixed => ({ start: -1, spent: 0 });


/** Everything the in-process store keeps; Redis keeps the same under the keys of quota-lib.lua. */
export class QuotaState {
  readonly scopes = new Map<string, ScopeState>();
  readonly requests = new Map<string, RequestRecord>();
  readonly breakers = new Map<number, Breaker>();
  readonly bindings = new Map<string, { providerId: number; expiresAt: number }>();

  // ---------------------------------------------------------------------------------------------
  // Scopes and their counters (quota-lib.lua: S, setf, done, unhydrated)
  // ---------------------------------------------------------------------------------------------

  state(scope: string, now: number): ScopeState {
    let state = this.scopes.get(scope);
    if (!state) {
      state = {
        signature: null,
        reserved: 0,
        partial: null,
        inflight: new Map(),
        sessions: new Map(),
        rpm: [],
        rolling: { "5h": newRolling(), daily: newRolling() },
        fixed: { daily: newFixed(), weekly: newFixed(), monthly: newFixed(), total: newFixed() },
        touchedAt: now,
      };
      this.scopes.set(scope, state);
    }
    state.touchedAt = now;
    return state;
  }

  unhydrated(specs: ScopeSpec[]): string[] {
    const out: string[] = [];
    for (const spec of specs) {
      if (!spec.windows.length) continue;
      if (this.scopes.get(spec.scope)?.signature !== spec.signature && !out.includes(spec.scope)) out.push(spec.scope);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Limits, candidates and room (check, firstAcceptable, partialBlocked, reservable)
  // ---------------------------------------------------------------------------------------------

  /** The first limit of a scope that leaves no room, or undefined. */
  check(spec: ScopeSpec, session: string, now: number): LimitHit | undefined {
    if (!limited(spec)) return undefined;
    const state = this.state(spec.scope, now);
    this.sweep(spec.scope, state, now);
    if (spec.rpm !== null) {
      while (state.rpm.length && state.rpm[0] <= now - RPM_WINDOW_MS) state.rpm.shift();
      if (state.rpm.length >= spec.rpm) {
        return { scope: spec.scope, limit: "rpm", current: state.rpm.length, max: spec.rpm, resetAt: state.rpm[0] + RPM_WINDOW_MS };
      }
    }
    if (spec.concurrentSessions !== null && !state.sessions.has(session) && state.sessions.size >= spec.concurrentSessions) {
      return { scope: spec.scope, limit: "concurrent_sessions", current: state.sessions.size, max: spec.concurrentSessions, resetAt: null };
    }
    for (const w of spec.windows) {
      const used = this.spent(state, w, now) + state.reserved;
      if (used >= w.limitNano) return { scope: spec.scope, limit: w.kind, current: used, heldNano: state.reserved, max: w.limitNano, resetAt: w.end ?? null };
    }
    return undefined;
  }

  firstAcceptable(
    candidates: ProviderCandidate[],
    req: Pick<AdmitRequest, "enforce" | "passthrough">,
    session: string,
    now: number,
    skipped: CandidateSkip[],
  ): { candidate: ProviderCandidate; state: BreakerState } | undefined {
    for (const candidate of candidates) {
      const breaker = this.breaker(candidate.providerId, now);
      if (breaker.state === "open") {
        skipped.push({ providerId: candidate.providerId, reason: "breaker_open", breakerState: "open" });
        continue;
      }
      if (breaker.state === "half_open" && breaker.probes.size >= candidate.breaker.halfOpenMaxProbes) {
        skipped.push({ providerId: candidate.providerId, reason: "breaker_half_open_busy", breakerState: "half_open" });
        continue;
      }
      if (!req.passthrough && req.enforce) {
        const hit = this.check(candidate.limits, session, now);
        if (hit) {
          skipped.push({ providerId: candidate.providerId, reason: "limit", hit, breakerState: breaker.state });
          continue;
        }
      }
      return { candidate, state: breaker.state };
    }
    return undefined;
  }

  /** The room left in a scope: the smallest room of its windows (Infinity without money windows). */
  room(spec: ScopeSpec, now: number): { room: number; window?: MoneyWindow; used: number } {
    const state = this.state(spec.scope, now);
    let best: { room: number; window?: MoneyWindow; used: number } = { room: Infinity, used: 0 };
    for (const w of spec.windows) {
      const used = this.spent(state, w, now) + state.reserved;
      if (w.limitNano - used < best.room) best = { room: w.limitNano - used, window: w, used };
    }
    return best;
  }

  /**
   * A request that does not fit whole may take a scope's last room only if no other request in
   * flight took a partial room there; otherwise it is refused like a full window.
   */
  partialBlocked(spec: ScopeSpec, estimate: number, now: number, partialScopes: string[]): LimitHit | undefined {
    const { room, window, used } = this.room(spec, now);
    if (!window || room >= estimate) return undefined;
    const state = this.state(spec.scope, now);
    if (state.partial && state.inflight.has(state.partial)) {
      return { scope: spec.scope, limit: window.kind, current: used, heldNano: state.reserved, max: window.limitNano, resetAt: window.end ?? null };
    }
    partialScopes.push(spec.scope);
    return undefined;
  }

  /**
   * min(estimate, the smallest room left in any window of these scopes), never negative. Expired
   * holds are swept first: a scope not checked (enforcement off) may still carry some, and gc()
   * reaches only a few records per call.
   */
  reservable(specs: ScopeSpec[], estimate: number, now: number): number {
    let amount = Math.max(0, estimate);
    for (const spec of specs) {
      const state = this.state(spec.scope, now);
      this.sweep(spec.scope, state, now);
      for (const w of spec.windows) amount = Math.min(amount, Math.max(0, w.limitNano - this.spent(state, w, now) - state.reserved));
    }
    return amount;
  }

  // ---------------------------------------------------------------------------------------------
  // Holds of requests in flight (hold, release, sweep)
  // ---------------------------------------------------------------------------------------------

  hold(spec: ScopeSpec, requestId: string, record: RequestRecord, now: number) {
    const state = this.state(spec.scope, now);
    if (state.inflight.has(requestId)) return;
    const session = spec.concurrentSessions !== null ? record.session : null;
    state.inflight.set(requestId, { amount: record.amount, session, expiresAt: record.expiresAt });
    state.reserved += record.amount;
    if (session !== null) state.sessions.set(session, (state.sessions.get(session) ?? 0) + 1);
    if (spec.rpm !== null) state.rpm.push(now);
  }

  release(scope: string, requestId: string, _record: RequestRecord) {
    const state = this.scopes.get(scope);
    const entry = state?.inflight.get(requestId);
    if (!state || !entry) return;
    state.inflight.delete(requestId);
    if (state.partial === requestId) state.partial = null;
    state.reserved = Math.max(0, state.reserved - entry.amount);
    if (entry.session === null) return;
    const refs = (state.sessions.get(entry.session) ?? 1) - 1;
    if (refs <= 0) state.sessions.delete(entry.session);
    else state.sessions.set(entry.session, refs);
  }

  /** Releases in-flight records whose holder vanished (crashed process), a few at a time. */
  sweep(scope: string, state: ScopeState, now: number) {
    let n = 0;
    for (const [requestId, entry] of state.inflight) {
      if (n >= SWEEP_LIMIT) break;
      if (entry.expiresAt > now) continue;
      this.release(scope, requestId, undefined as never);
      n++;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Money windows (spent, expire, addSpend)
  // ---------------------------------------------------------------------------------------------

  spent(state: ScopeState, w: MoneyWindow, now: number): number {
    if (w.lengthMs !== undefined) {
      const rolling = state.rolling[w.kind === "5h" ? "5h" : "daily"];
      this.expireBuckets(rolling, w.lengthMs, w.bucketMs!, now);
      return rolling.sum;
    }
    const fixed = state.fixed[w.kind as "daily" | "weekly" | "monthly" | "total"];
    const start = w.start ?? 0;
    if (fixed.start !== start) {
      // A new calendar window (or a new total reset): start counting from zero.
      fixed.start = start;
      fixed.spent = 0;
    }
    return fixed.spent;
  }

  /**
   * Drops the buckets that are entirely older than the window. Stored buckets always lie within
   * one window length of `min`, so this walks at most one window's worth of indexes, and each
   * bucket expires once: amortised O(1).
   */
  expireBuckets(rolling: Rolling, lengthMs: number, bucketMs: number, now: number) {
    if (rolling.min === -1) return;
    const span = Math.ceil(lengthMs / bucketMs);
    const oldestKept = Math.floor(now / bucketMs) - span + 1;
    const stop = Math.min(oldestKept, rolling.min + span);
    for (let idx = rolling.min; idx < stop; idx++) {
      const v = rolling.buckets.get(idx);
      if (v !== undefined) {
        rolling.sum -= v;
        rolling.buckets.delete(idx);
      }
    }
    if (rolling.buckets.size === 0) {
      rolling.min = -1;
      rolling.sum = 0;
    } else if (stop > rolling.min) {
      rolling.min = stop;
    }
  }

  /** Adds a settled cost to every window of the scope, rolling fixed windows over first. */
  addSpend(state: ScopeState, spec: ScopeSpec, nano: number, now: number) {
    for (const [kind, lengthMs, bucketMs] of ROLLING) {
      const rolling = state.rolling[kind];
      this.expireBuckets(rolling, lengthMs, bucketMs, now);
      const idx = Math.floor(now / bucketMs);
      rolling.buckets.set(idx, (rolling.buckets.get(idx) ?? 0) + nano);
      rolling.sum += nano;
      if (rolling.min === -1 || idx < rolling.min) rolling.min = idx;
    }
    for (const w of spec.windows) if (w.start !== undefined) this.spent(state, w, now);
    for (const kind of ["daily", "weekly", "monthly", "total"] as const) state.fixed[kind].spent += nano;
  }

  // ---------------------------------------------------------------------------------------------
  // Session bindings and breakers
  // ---------------------------------------------------------------------------------------------

  binding(key: string, now: number): number | undefined {
    const b = this.bindings.get(key);
    if (!b) return undefined;
    if (b.expiresAt <= now) {
      this.bindings.delete(key);
      return undefined;
    }
    return b.providerId;
  }

  breaker(providerId: number, now: number): Breaker {
    let b = this.breakers.get(providerId);
    if (!b) {
      b = { state: "closed", failures: 0, openUntil: 0, halfOpenSuccesses: 0, probes: new Map() };
      this.breakers.set(providerId, b);
    }
    if (b.state === "open" && now >= b.openUntil) {
      b.state = "half_open";
      b.halfOpenSuccesses = 0;
      b.probes.clear();
    }
    for (const [id, until] of b.probes) if (until <= now) b.probes.delete(id);
    return b;
  }

  takeProbe(providerId: number, state: BreakerState, requestId: string, until: number): boolean {
    if (state !== "half_open") return false;
    this.breakers.get(providerId)?.probes.set(requestId, until);
    return true;
  }

  releaseProbe(providerId: number, requestId: string) {
    this.breakers.get(providerId)?.probes.delete(requestId);
  }

  breakerFailure(providerId: number, cfg: BreakerConfig, now: number) {
    if (cfg.failureThreshold <= 0) return;
    const b = this.breaker(providerId, now);
    if (b.state === "half_open") {
      Object.assign(b, { state: "open", openUntil: now + cfg.openDurationMs, halfOpenSuccesses: 0, failures: cfg.failureThreshold });
      b.probes.clear();
    } else if (b.state === "closed") {
      b.failures++;
      if (b.failures >= cfg.failureThreshold) {
        Object.assign(b, { state: "open", openUntil: now + cfg.openDurationMs, halfOpenSuccesses: 0 });
        b.probes.clear();
      }
    }
  }

  breakerSuccess(providerId: number, cfg: BreakerConfig, now: number) {
    const b = this.breaker(providerId, now);
    if (b.state === "half_open") {
      b.halfOpenSuccesses++;
      if (b.halfOpenSuccesses >= cfg.halfOpenSuccessThreshold) {
        Object.assign(b, { state: "closed", failures: 0, halfOpenSuccesses: 0 });
        b.probes.clear();
      }
    } else if (b.state === "closed") {
      b.failures = 0;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Request records and housekeeping
  // ---------------------------------------------------------------------------------------------

  /**
   * A request's record, unless its holds expired before it settled: its process is taken to
   * have vanished, so what it held is freed and the record forgotten, whether or not gc() got
   * to it yet (failover.lua does the same).
   */
  liveRecord(id: string, now: number): RequestRecord | undefined {
    const r = this.requests.get(id);
    if (!r || r.settled || r.expiresAt > now) return r;
    this.forget(id, r);
    return undefined;
  }

  forget(id: string, r: RequestRecord) {
    if (!r.settled) {
      // Its process vanished before settling: free what it held.
      for (const scope of r.scopes) this.release(scope, id, r);
      if (r.probe && r.providerId !== null) this.releaseProbe(r.providerId, id);
    }
    this.requests.delete(id);
  }

  /** Drops expired request records, bindings and idle scopes (bounded work per call). */
  gc(now: number) {
    let n = 0;
    for (const [id, r] of this.requests) {
      if (n++ > SWEEP_LIMIT) break;
      if (r.expiresAt <= now) this.forget(id, r);
    }
    // Bindings of sessions that never come back are never read again, so reading cannot be
    // what drops them: look at a few per call, dropping the expired ones and moving the rest to
    // the back, so every binding is looked at in turn whatever its TTL.
    n = 0;
    for (const [key, b] of this.bindings) {
      if (n++ >= SWEEP_LIMIT) break;
      this.bindings.delete(key);
      if (b.expiresAt > now) this.bindings.set(key, b);
    }
    n = 0;
    for (const [scope, state] of this.scopes) {
      if (n++ > SWEEP_LIMIT) break;
      if (state.touchedAt < now - SCOPE_IDLE_MS && state.inflight.size === 0) this.scopes.delete(scope);
    }
  }
}
