/**
 * Admission, failover and settlement for the in-process store. This is the reference version
 * of the algorithm; scripts/admit.lua, failover.lua and settle.lua implement the same steps on
 * Redis. admission.contract.ts pins the cases; stores.differential.integration.test.ts holds
 * both to the same answers on long random sequences (docs/decisions/0016).
 */
import {
  type AdmissionStore,
  type AdmitRequest,
  type AdmitResult,
  type BreakerConfig,
  type BreakerState,
  type BreakerStatus,
  type CandidateSkip,
  type FailoverRequest,
  type HydrationData,
  type LimitHit,
  type MoneyWindow,
  type ProviderCandidate,
  ROLLING_WINDOWS,
  type ScopeSpec,
  type ScopeUsage,
  type SettleRequest,
} from "./admission.ts";

const RPM_WINDOW_MS = 60_000;
/** Rolling windows: [kind, length, bucket size] (see ROLLING_WINDOWS in admission.ts). */
const ROLLING = ROLLING_WINDOWS.map((w) => [w.kind, w.lengthMs, w.bucketMs] as const);
/** How many expired in-flight records one call sweeps per scope (amortised O(1)). */
const SWEEP_LIMIT = 16;
/** Request records outlive their hold so settlement stays idempotent. */
const RECORD_GRACE_MS = 3_600_000;
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

interface ScopeState {
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

interface RequestRecord {
  scopes: string[];
  amount: number;
  session: string;
  providerId: number | null;
  probe: boolean;
  settled: boolean;
  expiresAt: number;
}

interface Breaker {
  state: BreakerState;
  failures: number;
  openUntil: number;
  halfOpenSuccesses: number;
  /** Half-open probes in flight: request id → when the probe is forgotten if never released. */
  probes: Map<string, number>;
}

/** A scope with no limit at all needs nothing held for a request. */
const limited = (spec: ScopeSpec) => spec.rpm !== null || spec.concurrentSessions !== null || spec.windows.length > 0;

const newRolling = (): Rolling => ({ buckets: new Map(), sum: 0, min: -1 });
const newFixed = (): Fixed => ({ start: -1, spent: 0 });

export class MemoryAdmission implements AdmissionStore {
  private scopes = new Map<string, ScopeState>();
  private requests = new Map<string, RequestRecord>();
  private breakers = new Map<number, Breaker>();
  private bindings = new Map<string, { providerId: number; expiresAt: number }>();

  // ---------------------------------------------------------------------------------------------
  // Admission
  // ---------------------------------------------------------------------------------------------

  async admit(req: AdmitRequest): Promise<AdmitResult> {
    const { now } = req;
    this.gc(now);
    // 1. Counters that are not trusted must be rebuilt first.
    const unhydrated = this.unhydrated(req.passthrough ? [] : [...req.scopes, ...req.candidates.map((c) => c.limits)]);
    if (unhydrated.length) return { status: "unhydrated", scopes: unhydrated };
    const session = req.session?.id ?? req.requestId;

    // 2. The caller's own limits. A scope whose room is smaller than the estimate admits the
    //    request into that partial room only if no other request holds a partial room there:
    //    this is what bounds an overspend to one request (docs/decisions/0009).
    const partialScopes: string[] = [];
    if (!req.passthrough) {
      for (const spec of req.scopes) {
        const hit = this.check(spec, session, now) ?? this.partialBlocked(spec, req.estimateNano, now, partialScopes);
        if (hit && req.enforce) return { status: "limited", hit };
      }
    }

    // 3. The provider: the session's binding first, unless a reclaiming provider outranks it.
    const skipped: CandidateSkip[] = [];
    const bound = req.session ? this.binding(req.session.bindingKey, now) : undefined;
    const boundCandidate = bound === undefined ? undefined : req.candidates.find((c) => c.providerId === bound && !c.disableSessionReuse);
    let chosen: { candidate: ProviderCandidate; state: BreakerState } | undefined;
    let via: "session" | "order" = "order";
    if (boundCandidate) {
      const reclaimers = req.candidates.filter((c) => c.reclaimSessions && c.priority < boundCandidate.priority);
      chosen = this.firstAcceptable(reclaimers, req, session, now, []);
      if (!chosen) {
        chosen = this.firstAcceptable([boundCandidate], req, session, now, skipped);
        if (chosen) via = "session";
      }
    }
    if (!chosen) chosen = this.firstAcceptable(req.candidates, req, session, now, skipped);
    if (!chosen) return { status: "no_provider", skipped };

    // 4. Reserve on every scope (the key's, the user's, the chosen provider's).
    const specs = [...req.scopes, chosen.candidate.limits];
    const amount = req.passthrough ? 0 : this.reservable(specs, req.estimateNano, now);
    const probe = this.takeProbe(chosen.candidate.providerId, chosen.state, req.requestId, now + req.holdMs);
    const held = req.passthrough ? [] : specs.filter(limited);
    const record: RequestRecord = {
      scopes: held.map((s) => s.scope),
      amount,
      session,
      providerId: chosen.candidate.providerId,
      probe,
      settled: false,
      expiresAt: now + req.holdMs,
    };
    for (const spec of held) this.hold(spec, req.requestId, record, now);
    for (const scope of partialScopes) this.state(scope, now).partial = req.requestId;
    this.requests.set(req.requestId, record);
    return {
      status: "admitted",
      providerId: chosen.candidate.providerId,
      via,
      sessionMoved: bound !== undefined && bound !== chosen.candidate.providerId,
      reservedNano: amount,
      breakerState: chosen.state,
      skipped,
    };
  }

  async failover(req: FailoverRequest): Promise<AdmitResult> {
    const { now } = req;
    const record = this.liveRecord(req.requestId, now);
    const failedScope = `p:${req.failedProviderId}`;
    if (record && !record.settled) {
      this.release(failedScope, req.requestId, record);
      record.scopes = record.scopes.filter((s) => s !== failedScope);
      if (record.probe) this.releaseProbe(req.failedProviderId, req.requestId);
      record.probe = false;
      record.providerId = null;
    }
    if (req.countFailure) this.breakerFailure(req.failedProviderId, req.failedBreaker, now);
    const unhydrated = this.unhydrated(req.passthrough ? [] : req.candidates.map((c) => c.limits));
    if (unhydrated.length) return { status: "unhydrated", scopes: unhydrated };
    // A settled request is no longer part of its conversation: it counts as its own session,
    // whether or not its record is still kept (failover.lua does the same).
    const session = record && !record.settled ? record.session : req.requestId;
    const skipped: CandidateSkip[] = [];
    const chosen = this.firstAcceptable(req.candidates, req, session, now, skipped);
    if (!chosen) return { status: "no_provider", skipped };
    const probe = this.takeProbe(chosen.candidate.providerId, chosen.state, req.requestId, now + req.holdMs);
    // What the request holds: nothing once it has settled.
    const amount = record && !record.settled ? record.amount : 0;
    // A settled request holds nothing any more (a late failover must not take what no
    // settlement will release), as in failover.lua.
    if (record && !record.settled && !req.passthrough && limited(chosen.candidate.limits)) {
      this.hold(chosen.candidate.limits, req.requestId, record, now);
      record.scopes.push(chosen.candidate.limits.scope);
    }
    if (record && !record.settled) {
      record.providerId = chosen.candidate.providerId;
      record.probe = probe;
    }
    return { status: "admitted", providerId: chosen.candidate.providerId, via: "order", sessionMoved: false, reservedNano: amount, breakerState: chosen.state, skipped };
  }

  // ---------------------------------------------------------------------------------------------
  // Settlement
  // ---------------------------------------------------------------------------------------------

  async settle(req: SettleRequest): Promise<void> {
    const { now } = req;
    const record = this.requests.get(req.requestId);
    if (record?.settled) return; // idempotent per request id
    if (record) {
      for (const scope of record.scopes) this.release(scope, req.requestId, record);
      if (record.probe && record.providerId !== null) this.releaseProbe(record.providerId, req.requestId);
      record.settled = true;
      record.expiresAt = now + RECORD_GRACE_MS;
    } else {
      // Admitted while the store was unreachable: remember the settlement all the same.
      this.requests.set(req.requestId, { scopes: [], amount: 0, session: "", providerId: null, probe: false, settled: true, expiresAt: now + RECORD_GRACE_MS });
    }
    if (req.costNano > 0) {
      for (const spec of req.scopes.filter((s) => s.windows.length > 0)) {
        // Counters not yet hydrated get this spend from the ledger when they are.
        const state = this.scopes.get(spec.scope);
        if (state?.signature === spec.signature) this.addSpend(state, spec, req.costNano, now);
      }
    }
    if (req.providerId !== null && req.breakerConfig) {
      if (req.breaker === "success") this.breakerSuccess(req.providerId, req.breakerConfig, now);
      else if (req.breaker === "failure") this.breakerFailure(req.providerId, req.breakerConfig, now);
    }
    if (req.bind) this.bindings.set(req.bind.bindingKey, { providerId: req.bind.providerId, expiresAt: now + req.bind.ttlMs });
  }

  // ---------------------------------------------------------------------------------------------
  // Hydration, usage, administration
  // ---------------------------------------------------------------------------------------------

  async hydrate(spec: ScopeSpec, data: HydrationData, now: number): Promise<void> {
    const state = this.state(spec.scope, now);
    if (state.signature === spec.signature) return; // already hydrated (another caller won)
    state.signature = data.signature;
    state.rolling = { "5h": newRolling(), daily: newRolling() };
    for (const kind of ["5h", "daily"] as const) {
      const rolling = state.rolling[kind];
      for (const [idx, nano] of Object.entries(data.buckets[kind] ?? {})) {
        // An empty bucket adds nothing; kept out so both stores walk the same buckets (hydrate.lua).
        if (nano === 0) continue;
        rolling.buckets.set(Number(idx), nano);
        rolling.sum += nano;
      }
      rolling.min = rolling.buckets.size ? Math.min(...rolling.buckets.keys()) : -1;
    }
    for (const kind of ["daily", "weekly", "monthly", "total"] as const) {
      const f = data.fixed[kind];
      state.fixed[kind] = f ? { start: f.start, spent: f.spentNano } : newFixed();
    }
  }

  async usage(specs: ScopeSpec[], now: number): Promise<ScopeUsage[]> {
    return specs.map((spec) => {
      const state = this.scopes.get(spec.scope);
      if (state) this.sweep(spec.scope, state, now);
      const rpmUsed = state ? state.rpm.filter((t) => t > now - RPM_WINDOW_MS).length : 0;
      // Counters kept under another signature (or reset) are not trusted: they report nothing
      // until the ledger rebuilds them, as usage.lua does.
      const hydrated = !!state && state.signature === spec.signature;
      return {
        scope: spec.scope,
        hydrated,
        windows: spec.windows.map((w) => ({
          kind: w.kind,
          spentNano: hydrated ? this.spent(state, w, now) : 0,
          reservedNano: state?.reserved ?? 0,
          limitNano: w.limitNano,
          resetAt: w.end ?? null,
        })),
        rpm: { used: rpmUsed, max: spec.rpm },
        concurrentSessions: { used: state?.sessions.size ?? 0, max: spec.concurrentSessions },
      };
    });
  }

  async resetScope(scope: string): Promise<void> {
    const state = this.scopes.get(scope);
    if (state) state.signature = null;
  }

  async breakerStatus(providerIds: number[], now: number): Promise<BreakerStatus[]> {
    return providerIds.map((providerId) => {
      const b = this.breaker(providerId, now);
      return { providerId, state: b.state, failures: b.failures, openUntil: b.state === "open" ? b.openUntil : null, halfOpenSuccesses: b.halfOpenSuccesses };
    });
  }

  async resetBreaker(providerId: number): Promise<void> {
    this.breakers.delete(providerId);
  }

  /** The live bindings among `keys` (sessions page). */
  async sessionBindings(keys: string[], now: number): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const key of keys) {
      const providerId = this.binding(key, now);
      if (providerId !== undefined) found.set(key, providerId);
    }
    return found;
  }

  async unbindSession(key: string, now: number): Promise<boolean> {
    const live = this.binding(key, now) !== undefined;
    this.bindings.delete(key);
    return live;
  }

  async inFlight(scope: string, now: number) {
    const state = this.scopes.get(scope);
    if (!state) return { requests: 0, sessions: 0, reservedNano: 0 };
    this.sweep(scope, state, now);
    return { requests: state.inflight.size, sessions: state.sessions.size, reservedNano: state.reserved };
  }

  // ---------------------------------------------------------------------------------------------
  // Internals
  // ---------------------------------------------------------------------------------------------

  private state(scope: string, now: number): ScopeState {
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

  private unhydrated(specs: ScopeSpec[]): string[] {
    const out: string[] = [];
    for (const spec of specs) {
      if (!spec.windows.length) continue;
      if (this.scopes.get(spec.scope)?.signature !== spec.signature && !out.includes(spec.scope)) out.push(spec.scope);
    }
    return out;
  }

  /** The first limit of a scope that leaves no room, or undefined. */
  private check(spec: ScopeSpec, session: string, now: number): LimitHit | undefined {
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

  private firstAcceptable(
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
  private room(spec: ScopeSpec, now: number): { room: number; window?: MoneyWindow; used: number } {
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
  private partialBlocked(spec: ScopeSpec, estimate: number, now: number, partialScopes: string[]): LimitHit | undefined {
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
  private reservable(specs: ScopeSpec[], estimate: number, now: number): number {
    let amount = Math.max(0, estimate);
    for (const spec of specs) {
      const state = this.state(spec.scope, now);
      this.sweep(spec.scope, state, now);
      for (const w of spec.windows) amount = Math.min(amount, Math.max(0, w.limitNano - this.spent(state, w, now) - state.reserved));
    }
    return amount;
  }

  private hold(spec: ScopeSpec, requestId: string, record: RequestRecord, now: number) {
    const state = this.state(spec.scope, now);
    if (state.inflight.has(requestId)) return;
    const session = spec.concurrentSessions !== null ? record.session : null;
    state.inflight.set(requestId, { amount: record.amount, session, expiresAt: record.expiresAt });
    state.reserved += record.amount;
    if (session !== null) state.sessions.set(session, (state.sessions.get(session) ?? 0) + 1);
    if (spec.rpm !== null) state.rpm.push(now);
  }

  private release(scope: string, requestId: string, _record: RequestRecord) {
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
  private sweep(scope: string, state: ScopeState, now: number) {
    let n = 0;
    for (const [requestId, entry] of state.inflight) {
      if (n >= SWEEP_LIMIT) break;
      if (entry.expiresAt > now) continue;
      this.release(scope, requestId, undefined as never);
      n++;
    }
  }

  private spent(state: ScopeState, w: MoneyWindow, now: number): number {
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
  private expireBuckets(rolling: Rolling, lengthMs: number, bucketMs: number, now: number) {
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
  private addSpend(state: ScopeState, spec: ScopeSpec, nano: number, now: number) {
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

  private binding(key: string, now: number): number | undefined {
    const b = this.bindings.get(key);
    if (!b) return undefined;
    if (b.expiresAt <= now) {
      this.bindings.delete(key);
      return undefined;
    }
    return b.providerId;
  }

  private breaker(providerId: number, now: number): Breaker {
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

  private takeProbe(providerId: number, state: BreakerState, requestId: string, until: number): boolean {
    if (state !== "half_open") return false;
    this.breakers.get(providerId)?.probes.set(requestId, until);
    return true;
  }

  private releaseProbe(providerId: number, requestId: string) {
    this.breakers.get(providerId)?.probes.delete(requestId);
  }

  private breakerFailure(providerId: number, cfg: BreakerConfig, now: number) {
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

  private breakerSuccess(providerId: number, cfg: BreakerConfig, now: number) {
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

  /**
   * A request's record, unless its holds expired before it settled: its process is taken to
   * have vanished, so what it held is freed and the record forgotten, whether or not gc() got
   * to it yet (failover.lua does the same).
   */
  private liveRecord(id: string, now: number): RequestRecord | undefined {
    const r = this.requests.get(id);
    if (!r || r.settled || r.expiresAt > now) return r;
    this.forget(id, r);
    return undefined;
  }

  private forget(id: string, r: RequestRecord) {
    if (!r.settled) {
      // Its process vanished before settling: free what it held.
      for (const scope of r.scopes) this.release(scope, id, r);
      if (r.probe && r.providerId !== null) this.releaseProbe(r.providerId, id);
    }
    this.requests.delete(id);
  }

  /** Drops expired request records, bindings and idle scopes (bounded work per call). */
  private gc(now: number) {
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

