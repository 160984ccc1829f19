/**
 * The Redis store: the state every hub instance shares. Each multi-step change is one Lua
 * script (scripts/*.lua, registered once with defineCommand), so it is atomic and costs one
 * round trip. The operations of requests (admit, failover, settle) issued in the same turn of
 * the event loop share one call of the batch script (op-batcher.ts, decision 0024). Pub/sub
 * uses a second connection, as Redis requires.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import type {
  AdmitRequest,
  AdmitResult,
  BreakerStatus,
  CandidateSkip,
  FailoverRequest,
  HydrationData,
  LimitHit,
  ScopeSpec,
  ScopeUsage,
  SettleRequest,
} from "./admission.ts";
import { FIGURE_BUCKET_MS, FIGURE_BUCKETS, figureBucket, figureBuckets, mergeFigureHash, type OutputFigure, type OutputSample } from "./output-figures.ts";
import { createKeyBuilder, type KeyBuilder } from "./keys.ts";
import { OpBatcher, type BatchOutcome } from "./op-batcher.ts";
import type { LockoutPolicy, LockoutState, Store } from "./store.ts";

const SCRIPTS_DIR = findScriptsDir();

function findScriptsDir() {
  // Next to this file in development; copied beside the bundle (dist/store-scripts) in production.
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, "scripts"), path.join(here, "store-scripts")]) {
    try {
      readFileSync(path.join(candidate, "login-failure.lua"));
      return candidate;
    } catch {
      // try the next location
    }
  }
  return path.join(here, "scripts");
}

function script(name: string) {
  return readFileSync(path.join(SCRIPTS_DIR, `${name}.lua`), "utf8");
}

/** Quota scripts share quota-lib.lua, prepended when they are registered. */
function quotaScript(...names: string[]) {
  return ["quota-lib", ...names].map(script).join("\n");
}

/** Deletes a lock only while it still holds the caller's token. */
const UNLOCK_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

type QuotaCommand = (key: string, prefix: string, json: string) => Promise<string>;
/** batch.lua answers one string per operation (see parseReply). */
type QuotaBatchCommand = (key: string, prefix: string, json: string) => Promise<string[]>;

interface HubRedis extends Redis {
  loginFailure(failuresKey: string, lockKey: string, max: number, windowMs: number, lockoutMs: number): Promise<[number, number, number]>;
  quotaBatch: QuotaBatchCommand;
  quotaHydrate: QuotaCommand;
  quotaUsage: QuotaCommand;
  quotaBreakerStatus: QuotaCommand;
}

const n = (v: unknown) => Number(v ?? 0);
/** cjson encodes an empty Lua table as {}: make it the empty list it stands for. */
const list = <T,>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function toHit(raw: Record<string, unknown>): LimitHit {
  return {
    scope: String(raw.scope),
    limit: raw.limit as LimitHit["limit"],
    current: n(raw.current),
    max: n(raw.max),
    ...(raw.held === false || raw.held === undefined ? {} : { heldNano: n(raw.held) }),
    resetAt: raw.resetAt === false || raw.resetAt === undefined ? null : n(raw.resetAt),
  };
}

function toAdmitResult(raw: Record<string, unknown>): AdmitResult {
  const skipped = () =>
    list<Record<string, unknown>>(raw.skipped).map(
      (s): CandidateSkip => ({
        providerId: n(s.providerId),
        reason: s.reason as CandidateSkip["reason"],
        hit: s.hit ? toHit(s.hit as Record<string, unknown>) : undefined,
        breakerState: s.breakerState as CandidateSkip["breakerState"],
      }),
    );
  switch (raw.status) {
    case "admitted":
      return {
        status: "admitted",
        providerId: n(raw.providerId),
        via: raw.via as "session" | "order",
        sessionMoved: raw.sessionMoved === true,
        reservedNano: n(raw.reservedNano),
        breakerState: raw.breakerState as "closed" | "open" | "half_open",
        skipped: skipped(),
      };
    case "limited":
      return { status: "limited", hit: toHit(raw.hit as Record<string, unknown>) };
    case "no_provider":
      return { status: "no_provider", skipped: skipped() };
    default:
      return { status: "unhydrated", scopes: list<string>(raw.scopes) };
  }
}

/** An admission that found a provider, as batch.lua writes it: no JSON unless candidates were skipped. */
const ADMITTED_REPLY = /^admitted\|(\d+)\|(\w+)\|([01])\|(-?\d+)\|(\w+)\|(.*)$/s;

/**
 * One operation's answer from batch.lua: "settled" / "duplicate"; "admitted|<provider>|<via>|
 * <session moved 0/1>|<reserved nano>|<breaker state>|<skipped as JSON, or empty>"; any other
 * AdmitResult, or {"error": message}, as JSON. Returns the raw result toAdmitResult reads.
 */
function parseReply(reply: string): BatchOutcome {
  const admitted = ADMITTED_REPLY.exec(reply);
  if (admitted) {
    const [, providerId, via, moved, reservedNano, breakerState, skipped] = admitted;
    return { ok: true, value: { status: "admitted", providerId, via, sessionMoved: moved === "1", reservedNano, breakerState, skipped: skipped ? (JSON.parse(skipped) as unknown) : [] } };
  }
  if (reply.startsWith("{")) {
    const raw = JSON.parse(reply) as Record<string, unknown>;
    if ("error" in raw) return { ok: false, error: new Error(`store script failed: ${String(raw.error)}`) };
    return { ok: true, value: raw };
  }
  return { ok: true, value: reply };
}

type QuotaOp = { o: "admit"; r: AdmitRequest } | { o: "failover"; r: FailoverRequest } | { o: "settle"; r: SettleRequest };

/**
 * The JSON of a scope spec, kept per spec object: the gateway reuses a scope's spec until one
 * of its windows ends (server/domain/quota/scopes.ts), so most requests serialise none.
 */
const specJson = new WeakMap<ScopeSpec, string>();

/**
 * batch.lua's input: {"specs": [ScopeSpec...], "ops": [{"o", "r"}...]}, where every scope spec
 * in an operation (scopes, candidates' limits) is replaced by its index in `specs`. The requests
 * of one key share their key, user and provider specs, so a batch carries each once, and the
 * script decodes (cjson, the biggest part of its CPU time) a fraction of the bytes.
 */
function serializeBatch(ops: QuotaOp[]): string {
  const specs: string[] = [];
  const index = new Map<ScopeSpec, number>();
  const ref = (spec: ScopeSpec): number => {
    let i = index.get(spec);
    if (i === undefined) {
      let json = specJson.get(spec);
      if (json === undefined) {
        json = JSON.stringify(spec);
        specJson.set(spec, json);
      }
      i = specs.push(json) - 1;
      index.set(spec, i);
    }
    return i;
  };
  const parts = ops.map((op) => {
    const r = op.r;
    let refs: object;
    if (op.o === "settle") refs = { ...op.r, scopes: op.r.scopes.map(ref) };
    else {
      const candidates = op.r.candidates.map((c) => ({ ...c, limits: ref(c.limits) }));
      refs = op.o === "admit" ? { ...op.r, scopes: op.r.scopes.map(ref), candidates } : { ...r, candidates };
    }
    return `{"o":"${op.o}","r":${JSON.stringify(refs)}}`;
  });
  return `{"specs":[${specs.join(",")}],"ops":[${parts.join(",")}]}`;
}

export interface RedisStoreOptions {
  url: string;
  keyPrefix?: string;
  logger: Logger;
  /** A command that gets no answer within this time fails (default 2000 ms). */
  commandTimeoutMs?: number;
}

export class RedisStore implements Store {
  readonly kind = "redis" as const;
  readonly keys: KeyBuilder;
  private readonly redis: HubRedis;
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  private readonly batcher = new OpBatcher<QuotaOp>((ops) => this.runBatch(ops));

  constructor(private readonly options: RedisStoreOptions) {
    this.keys = createKeyBuilder(options.keyPrefix);
    this.redis = new Redis(options.url, {
      // While Redis is away, commands fail at once instead of queueing: the callers degrade
      // (fail open or closed, as documented for each) rather than hold requests.
      enableOfflineQueue: false,
      // No auto-pipelining: the quota operations are coalesced by the OpBatcher already, and
      // ioredis's auto-pipeline keeps one pipeline in flight, so an admission would wait for the
      // previous request's settlement to come back (a Redis round trip added to a lone request),
      // and it costs one more event-loop turn per call. Commands still share the connection.
      enableAutoPipelining: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      // Keep reconnecting forever in the background; the hub recovers by itself.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    }) as HubRedis;
    this.redis.on("error", (error) => options.logger.warn({ err: error.message }, "redis error"));
    this.redis.defineCommand("loginFailure", { numberOfKeys: 2, lua: script("login-failure") });
    this.redis.defineCommand("quotaBatch", { numberOfKeys: 1, lua: quotaScript("admit", "failover", "settle", "batch") });
    this.redis.defineCommand("quotaHydrate", { numberOfKeys: 1, lua: quotaScript("hydrate") });
    this.redis.defineCommand("quotaUsage", { numberOfKeys: 1, lua: quotaScript("usage") });
    this.redis.defineCommand("quotaBreakerStatus", { numberOfKeys: 1, lua: quotaScript("breaker-status") });
  }

  // ---------------------------------------------------------------------------------------------
  // Admission (one script each, coalesced per event-loop turn; see admission.ts)
  // ---------------------------------------------------------------------------------------------

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    return toAdmitResult((await this.batcher.push({ o: "admit", r: request })) as Record<string, unknown>);
  }

  async failover(request: FailoverRequest): Promise<AdmitResult> {
    return toAdmitResult((await this.batcher.push({ o: "failover", r: request })) as Record<string, unknown>);
  }

  async settle(request: SettleRequest): Promise<void> {
    // A settlement may wait a moment for the next admission to share its call (op-batcher.ts).
    await this.batcher.push({ o: "settle", r: request }, true);
  }

  /** One call of batch.lua for the operations of one event-loop turn. */
  private async runBatch(ops: QuotaOp[]): Promise<BatchOutcome[]> {
    const { quota } = this.keys;
    // KEYS[1] only routes the call to the quota slot: the prefix itself carries the {q} hash tag.
    const replies = await this.redis.quotaBatch(quota.prefix, quota.prefix, serializeBatch(ops));
    return list<string>(replies).map(parseReply);
  }

  async hydrate(scope: ScopeSpec, data: HydrationData, now: number): Promise<void> {
    const { quota } = this.keys;
    await this.redis.quotaHydrate(quota.scope(scope.scope), quota.prefix, JSON.stringify({ now, scope: scope.scope, signature: scope.signature, data }));
  }

  async usage(scopes: ScopeSpec[], now: number): Promise<ScopeUsage[]> {
    const { quota } = this.keys;
    const raw = JSON.parse(await this.redis.quotaUsage(quota.scope("usage"), quota.prefix, JSON.stringify({ now, scopes }))) as Array<Record<string, unknown>>;
    return list<Record<string, unknown>>(raw).map((r, i) => ({
      scope: String(r.scope),
      hydrated: r.hydrated === true,
      windows: list<Record<string, unknown>>(r.windows).map((w) => ({
        kind: w.kind as ScopeUsage["windows"][number]["kind"],
        spentNano: n(w.spentNano),
        reservedNano: n(w.reservedNano),
        limitNano: n(w.limitNano),
        resetAt: w.resetAt === false ? null : n(w.resetAt),
      })),
      rpm: { used: n(r.rpm), max: scopes[i].rpm },
      concurrentSessions: { used: n(r.sessions), max: scopes[i].concurrentSessions },
    }));
  }

  async resetScope(scope: string): Promise<void> {
    await this.redis.hdel(this.keys.quota.scope(scope), "sig");
  }

  async breakerStatus(providerIds: number[], now: number): Promise<BreakerStatus[]> {
    const { quota } = this.keys;
    const raw = JSON.parse(await this.redis.quotaBreakerStatus(quota.scope("breakers"), quota.prefix, JSON.stringify({ now, providerIds }))) as Array<Record<string, unknown>>;
    return list<Record<string, unknown>>(raw).map((b) => ({
      providerId: n(b.providerId),
      state: b.state as BreakerStatus["state"],
      failures: n(b.failures),
      openUntil: b.state === "open" ? n(b.openUntil) : null,
      halfOpenSuccesses: n(b.halfOpenSuccesses),
    }));
  }

  async resetBreaker(providerId: number): Promise<void> {
    await this.redis.del(this.keys.quota.breaker(providerId), this.keys.quota.probes(providerId));
  }

  async sessionBindings(bindingKeys: string[], now: number): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (bindingKeys.length === 0) return found;
    const values = await this.redis.mget(bindingKeys.map((k) => this.keys.quota.sessionBinding(k)));
    bindingKeys.forEach((key, i) => {
      // "<provider id>:<expires at ms>" (settle.lua); PX expires it too, the check covers a clock skew.
      const [provider, expires] = (values[i] ?? "").split(":");
      if (provider && Number(expires) > now) found.set(key, Number(provider));
    });
    return found;
  }

  async unbindSession(bindingKey: string, now: number): Promise<boolean> {
    const key = this.keys.quota.sessionBinding(bindingKey);
    const [[, value]] = (await this.redis.multi().get(key).del(key).exec()) as [[Error | null, string | null], ...unknown[]];
    return value !== null && Number(value.split(":")[1]) > now;
  }

  async inFlight(scope: string, now: number) {
    // usage() sweeps expired holds first.
    const [usage] = await this.usage([{ scope, rpm: null, concurrentSessions: null, windows: [], signature: "" }], now);
    const { quota } = this.keys;
    // The holds live in the scope's hash (quota-lib.lua): "hn" counts them.
    const [requests, reserved] = await this.redis.hmget(quota.scope(scope), "hn", "res");
    return { requests: Number(requests ?? 0), sessions: usage.concurrentSessions.used, reservedNano: Number(reserved ?? 0) };
  }

  /** Waits until the connection is ready, at most timeoutMs; false when it is not (yet). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === "ready") return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.redis.off("ready", onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once("ready", onReady);
    });
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.keys.channel(channel), message);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => void> {
    const subscriber = this.ensureSubscriber();
    const full = this.keys.channel(channel);
    let set = this.listeners.get(full);
    if (!set) {
      set = new Set();
      this.listeners.set(full, set);
      // Not awaited: while Redis is away the SUBSCRIBE waits in the subscriber's offline queue,
      // and ioredis re-subscribes after every reconnect.
      subscriber.subscribe(full).catch((error: Error) => this.options.logger.warn({ err: error.message, channel }, "redis subscribe failed"));
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  async recordLoginFailure(scope: string, policy: LockoutPolicy): Promise<LockoutState> {
    const [locked, failures, retryAfterMs] = await this.redis.loginFailure(
      this.keys.loginFailures(scope),
      this.keys.loginLock(scope),
      policy.maxFailures,
      policy.windowMs,
      policy.lockoutMs,
    );
    return { locked: locked === 1, failures, retryAfterMs };
  }

  async getLockout(scope: string): Promise<LockoutState> {
    const [[, ttl], [, failures]] = (await this.redis
      .multi()
      .pttl(this.keys.loginLock(scope))
      .get(this.keys.loginFailures(scope))
      .exec()) as [[unknown, number], [unknown, string | null]];
    const locked = ttl > 0;
    return { locked, failures: Number(failures ?? 0), retryAfterMs: locked ? ttl : 0 };
  }

  async clearLoginFailures(scope: string): Promise<void> {
    await this.redis.del(this.keys.loginFailures(scope));
  }

  async addOutputSamples(samples: OutputSample[], now: number): Promise<void> {
    if (!samples.length) return;
    const key = this.keys.outputFigures(figureBucket(now));
    const multi = this.redis.multi();
    for (const s of samples) multi.hincrby(key, `${s.name}|t`, s.tokens).hincrby(key, `${s.name}|n`, s.count);
    // The bucket outlives the span it is read in, then goes by itself.
    multi.pexpire(key, FIGURE_BUCKET_MS * (FIGURE_BUCKETS + 1));
    await multi.exec();
  }

  async outputFigures(now: number): Promise<Map<string, OutputFigure>> {
    const pipeline = this.redis.pipeline();
    for (const bucket of figureBuckets(now)) pipeline.hgetall(this.keys.outputFigures(bucket));
    const figures = new Map<string, OutputFigure>();
    for (const [error, hash] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      mergeFigureHash(figures, hash as Record<string, string>);
    }
    return figures;
  }

  async tryLock(name: string, ttlMs: number): Promise<string | null> {
    // SET NX PX: taken atomically, with its TTL, or not at all. Redis's clock ends it, not `now`.
    const token = randomUUID();
    const ok = await this.redis.set(this.keys.lock(name), token, "PX", Math.max(1, Math.round(ttlMs)), "NX");
    return ok === "OK" ? token : null;
  }

  async unlock(name: string, token: string): Promise<void> {
    // Compare-and-delete has no single command; this two-line check is atomic as a script.
    await this.redis.eval(UNLOCK_SCRIPT, 1, this.keys.lock(name), token);
  }

  async close(): Promise<void> {
    this.batcher.flushNow(); // a settlement still waiting for company goes now
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }

  private ensureSubscriber(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
    subscriber.on("error", (error) => this.options.logger.warn({ err: error.message }, "redis subscriber error"));
    subscriber.on("message", (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
    // ioredis re-subscribes by itself after a reconnect.
    this.subscriber = subscriber;
    return subscriber;
  }
}
