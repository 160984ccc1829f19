/**
 * The two store operations of a proxied request — admission before forwarding, settlement
 * after — and failover in between. Each is one atomic step in the store (one Lua script on
 * Redis), so a request costs two store round trips, three when it fails over.
 *
 * Vocabulary:
 * - scope: whose limits and counters, "k:<keyId>", "u:<userId>" or "p:<providerId>";
 * - window: one money limit of a scope — 5h (rolling), daily (fixed at a time of day, or
 *   rolling 24 h), weekly, monthly (fixed, calendar) and total (since the last reset);
 * - reservation: an amount of nano-USD held on every window of every scope of a request from
 *   admission until settlement, so concurrent requests cannot all spend the same room.
 *
 * The invariant (docs/decisions/0009-quota-admission.md): admission requires room
 * (spent + reserved < limit) in every window, and reserves min(estimate, smallest room). A
 * window can therefore be overspent only by requests whose actual cost exceeds their
 * reservation: in the strict mode (estimates that bound the actual cost) at most the one request
 * that took the last partial room, per window; in the expected mode by what the requests in
 * flight when it filled cost beyond their estimates.
 */

export type WindowKind = "5h" | "daily" | "weekly" | "monthly" | "total";

/**
 * The rolling windows and their bucket sizes. A bucket is dropped whole once it is entirely
 * older than the window, so a rolling sum may include up to one bucket of spend that is
 * slightly older than the window: it errs on the side of refusing, never of overspending.
 */
export const ROLLING_WINDOWS = [
  { kind: "5h", lengthMs: 5 * 3_600_000, bucketMs: 5 * 60_000 },
  { kind: "daily", lengthMs: 24 * 3_600_000, bucketMs: 15 * 60_000 },
] as const;

/** A money window of a scope, with everything needed to locate "now" in it. */
export interface MoneyWindow {
  kind: WindowKind;
  limitNano: number;
  /** Fixed windows: the current window's start (ms). Total: the reset instant (0 = ever). */
  start?: number;
  /** Fixed windows: when the current window ends (ms), for X-RateLimit-Reset. */
  end?: number;
  /** Rolling windows: length and bucket size (ms). */
  lengthMs?: number;
  bucketMs?: number;
}

export interface ScopeSpec {
  /** "k:12", "u:3", "p:7". */
  scope: string;
  /** Requests per sliding 60 s; null = none. */
  rpm: number | null;
  /** Distinct sessions with a request in flight; null = none. */
  concurrentSessions: number | null;
  /** Money windows with a limit. Empty = no money limits on this scope. */
  windows: MoneyWindow[];
  /**
   * Signature of everything that defines the windows' boundaries (daily mode and reset time,
   * time zone, total reset instant). Counters kept under another signature are not trusted:
   * the scope is reported unhydrated and rebuilt from the ledger.
   */
  signature: string;
}

/** Circuit-breaker settings of one provider. */
export interface BreakerConfig {
  /** Counted failures that open the breaker (0 = never opens). */
  failureThreshold: number;
  openDurationMs: number;
  /** Successes in half-open that close it. */
  halfOpenSuccessThreshold: number;
  /** Requests allowed through at once while half-open. */
  halfOpenMaxProbes: number;
}

export interface ProviderCandidate {
  providerId: number;
  /** Effective priority for this caller (lower first). */
  priority: number;
  /** Take sessions back from a worse-priority provider once this one is healthy. */
  reclaimSessions: boolean;
  /** The provider does not honour session bindings (fresh pick every request). */
  disableSessionReuse: boolean;
  breaker: BreakerConfig;
  /** The provider's own limits (scope "p:<id>"). */
  limits: ScopeSpec;
}

export interface AdmitRequest {
  requestId: string;
  now: number;
  /** Key and user scopes (the provider's is in each candidate). */
  scopes: ScopeSpec[];
  /** Upper-bound estimate of the request's cost (nano-USD), already capped. */
  estimateNano: number;
  /** Session id scoped to the key, or null. */
  session: { id: string; bindingKey: string } | null;
  /** Candidates in preference order (weighted-random order within each priority tier). */
  candidates: ProviderCandidate[];
  /** Refuse when a limit is reached (false = ENABLE_RATE_LIMIT off: count, never refuse). */
  enforce: boolean;
  /** In-flight records expire after this long (crash safety), ms. */
  holdMs: number;
  /** Requests that are not billed or limited (count_tokens…): only pick a provider. */
  passthrough: boolean;
}

export type LimitKind = "rpm" | "concurrent_sessions" | WindowKind;

/** Why a request or a candidate was refused, with what the client is told. */
export interface LimitHit {
  scope: string;
  limit: LimitKind;
  /** Current use (requests, sessions, or nano-USD spent + reserved). */
  current: number;
  /** Money windows: the part of `current` held by requests in flight (nano-USD). */
  heldNano?: number;
  max: number;
  /** When the limit frees up (fixed windows, RPM), epoch ms; null for rolling windows. */
  resetAt: number | null;
}

export interface CandidateSkip {
  providerId: number;
  reason: "breaker_open" | "breaker_half_open_busy" | "limit" | "excluded";
  hit?: LimitHit;
  /** Breaker state seen by the script. */
  breakerState?: BreakerState;
}

export type BreakerState = "closed" | "open" | "half_open";

export type AdmitResult =
  | {
      status: "admitted";
      providerId: number;
      /** Why this provider: the session's binding, or the first acceptable candidate. */
      via: "session" | "order";
      /** The session was bound to another provider that could not be used (it is rebound on success). */
      sessionMoved: boolean;
      reservedNano: number;
      breakerState: BreakerState;
      skipped: CandidateSkip[];
    }
  | { status: "limited"; hit: LimitHit }
  | { status: "no_provider"; skipped: CandidateSkip[] }
  /** Some scopes' counters must be rebuilt from the ledger first (store restarted or limits changed). */
  | { status: "unhydrated"; scopes: string[] };

export interface FailoverRequest {
  requestId: string;
  now: number;
  /**
   * The `now` of the request's admission (the call that admitted it). The Redis store keeps a
   * request's record in the hash of its minute of admission (decision 0024, "Records by the
   * minute") and finds it by this; the memory store does not need it.
   */
  admittedAt: number;
  failedProviderId: number;
  /** Count one breaker failure for the failed provider (a provider fault, after its retries). */
  countFailure: boolean;
  failedBreaker: BreakerConfig;
  /** Remaining candidates, in preference order (already-tried providers removed). */
  candidates: ProviderCandidate[];
  estimateNano: number;
  enforce: boolean;
  holdMs: number;
  passthrough: boolean;
}

export interface SettleRequest {
  requestId: string;
  now: number;
  /**
   * The `now` of the request's admission (the call that admitted it). The Redis store keeps a
   * request's record in the hash of its minute of admission (decision 0024, "Records by the
   * minute") and finds it by this; the memory store does not need it.
   */
  admittedAt: number;
  /** Actual cost (nano-USD) to add to the windows of every scope, 0 when not billed. */
  costNano: number;
  /** The provider that served (or last failed) the request, null when none was admitted. */
  providerId: number | null;
  /** Breaker outcome of the final provider: success, a counted failure, or nothing. */
  breaker: "success" | "failure" | "none";
  breakerConfig: BreakerConfig | null;
  /** Bind the session to the provider (a completed success). */
  bind: { bindingKey: string; providerId: number; ttlMs: number } | null;
  /** Scopes whose windows take the cost: key, user, final provider. */
  scopes: ScopeSpec[];
}

export interface WindowUsage {
  kind: WindowKind;
  spentNano: number;
  reservedNano: number;
  limitNano: number;
  resetAt: number | null;
}

export interface ScopeUsage {
  scope: string;
  hydrated: boolean;
  windows: WindowUsage[];
  rpm: { used: number; max: number | null };
  concurrentSessions: { used: number; max: number | null };
}

/** Ledger sums that rebuild a scope's counters. */
export interface HydrationData {
  signature: string;
  /** Rolling windows: spend per bucket index (bucket = floor(t / bucketMs)). */
  buckets: Partial<Record<"5h" | "daily", Record<number, number>>>;
  /** Fixed windows and total: spend since the window's start. */
  fixed: Partial<Record<"daily" | "weekly" | "monthly" | "total", { start: number; spentNano: number }>>;
}

export interface BreakerStatus {
  providerId: number;
  state: BreakerState;
  failures: number;
  openUntil: number | null;
  halfOpenSuccesses: number;
}

/** The operations a Store offers the gateway for admission, failover and settlement. */
export interface AdmissionStore {
  admit(request: AdmitRequest): Promise<AdmitResult>;
  failover(request: FailoverRequest): Promise<AdmitResult>;
  settle(request: SettleRequest): Promise<void>;
  /** Writes a scope's counters from the ledger, unless live settlements already hydrated it. */
  hydrate(scope: ScopeSpec, data: HydrationData, now: number): Promise<void>;
  /** Usage against every limit (dashboard; not on the request path). */
  usage(scopes: ScopeSpec[], now: number): Promise<ScopeUsage[]>;
  /** Forgets a scope's counters (e.g. after "reset total"); the next request rebuilds them. */
  resetScope(scope: string): Promise<void>;
  breakerStatus(providerIds: number[], now: number): Promise<BreakerStatus[]>;
  resetBreaker(providerId: number): Promise<void>;
  /** Requests and sessions currently held in flight (tests, dashboard). */
  inFlight(scope: string, now: number): Promise<{ requests: number; sessions: number; reservedNano: number }>;
}
