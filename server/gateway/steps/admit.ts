/**
 * Step: admission — in ONE store round trip: the caller's rate and money limits, concurrent
 * sessions, the provider choice (session binding, breaker state, the provider's own limits,
 * priority, weight) and the reservation of the request's estimated cost (its expected cost, or an
 * upper bound in the strict mode; limits/estimate.ts).
 *
 * The static filters (group, enabled, schedule, format, model) run here in process; the order
 * of candidates (priority tiers, weighted random within a tier) is drawn here too; the store
 * takes the first acceptable one. When the store cannot answer, rate limits fail open and
 * money limits follow the system setting (fail closed or open); the request is then routed
 * without breaker or binding knowledge.
 */
import type { CachedProvider } from "../../catalog/types.ts";
import type { AdmitResult, BreakerConfig, ProviderCandidate, ScopeSpec } from "../../store/admission.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { GatewayError } from "../errors.ts";
import { estimateCostNano } from "../limits/estimate.ts";
import { limitError } from "../limits/limit-error.ts";
import { callerScopes, providerScope, type ScopeLayout } from "../../domain/quota/scopes.ts";
import { effectivePriority, findCandidates, needsConversion, topTier } from "../routing/candidates.ts";
import { convertibleRoute, unconvertibleRefusal } from "./convert.ts";
import { orderCandidates } from "../routing/order.ts";

type Scoped = { spec: ScopeSpec; layout: ScopeLayout };

/** What admission decided and holds for a request; failover and settlement continue from it. */
export interface Admission {
  /** The caller's scopes: the user's, then the key's (callerScopes says why). */
  scopes: Scoped[];
  /** Every eligible provider, in the order they are tried. */
  order: CachedProvider[];
  providerScopes: Map<number, Scoped>;
  estimateNano: number;
  /** The store was unreachable: nothing is held, settlement is best effort. */
  degraded: boolean;
  /** Providers already tried (failed) by this request. */
  tried: Set<number>;
  /** Breaker state of the current provider, as the store saw it. */
  breakerState: string;
  /** The `now` of the store call that admitted the request: its failover and settlement name it (SettleRequest.admittedAt). */
  admittedAt: number;
}

export function breakerConfig(p: CachedProvider): BreakerConfig {
  return { ...p.breaker };
}

export function candidateOf(ctx: GatewayContext, deps: GatewayDeps, p: CachedProvider, admission: Pick<Admission, "providerScopes">, groups: readonly string[]): ProviderCandidate {
  let scoped = admission.providerScopes.get(p.id);
  if (!scoped) {
    scoped = providerScope(p, deps.catalog.settings(), deps.now());
    admission.providerScopes.set(p.id, scoped);
  }
  return {
    providerId: p.id,
    priority: effectivePriority(p, groups),
    reclaimSessions: p.reclaimSessions,
    disableSessionReuse: p.disableSessionReuse,
    breaker: breakerConfig(p),
    // An unbilled call (count_tokens, Code Assist housekeeping) is held to the caller's limits
    // only: it must not use up a provider's own request or session budget meant for generation.
    limits: isBilled(ctx) ? scoped.spec : { scope: scoped.spec.scope, rpm: null, concurrentSessions: null, windows: [], signature: scoped.spec.signature },
  };
}

/** Whether the route consumes model tokens and is billed ("generate"); every route is limited. */
export function isBilled(ctx: GatewayContext): boolean {
  return ctx.route.kind === "generate";
}

export function callerGroups(ctx: GatewayContext): string[] {
  return ctx.key!.groups ?? ctx.key!.user.groups;
}

/** Where the request's cost is looked up for the estimate (same rule as billing). */
function estimatePrice(ctx: GatewayContext, deps: GatewayDeps) {
  return ctx.request?.model ? deps.catalog.price(ctx.request.model)?.priceData : undefined;
}

/**
 * Whether the request asks for prompt-cache writes, which cost more than input: the breakpoints
 * the body scan found (Anthropic's `cache_control`; the other formats cache without a write
 * premium), at 1 h when the key's preference rewrites every breakpoint to 1 h.
 */
function cacheWriteOf(ctx: GatewayContext): "5m" | "1h" | null {
  const asked = ctx.request?.promptCacheWrite;
  if (!asked) return null;
  return ctx.key?.cacheTtlPreference === "1h" ? "1h" : asked;
}

export function estimateFor(ctx: GatewayContext, deps: GatewayDeps): number {
  const settings = deps.catalog.settings();
  const model = ctx.request?.model;
  return estimateCostNano({
    bodyBytes: ctx.body?.length ?? 0,
    maxTokens: ctx.request?.maxTokens,
    cacheWrite: cacheWriteOf(ctx),
    expectedOutputTokens: model && ctx.key ? deps.expectedOutput.tokens(ctx.key.id, model) : undefined,
    price: estimatePrice(ctx, deps),
    capNano: settings.reservationCapNano,
    mode: settings.reservationMode,
  });
}

/** The request id's hold in the store lasts at most this long if it is never settled. */
export function holdMs(deps: GatewayDeps): number {
  return Math.max(deps.env.FETCH_HEADERS_TIMEOUT_MS + deps.env.FETCH_BODY_TIMEOUT_MS, 10 * 60_000);
}

let lastDegradedLog = 0;

export async function admit(ctx: GatewayContext, deps: GatewayDeps): Promise<void> {
  const now = deps.now();
  const settings = deps.catalog.settings();
  const groups = callerGroups(ctx);
  const { eligible, filtered } = findCandidates(deps.catalog.providers(), {
    format: ctx.route.format,
    convertible: convertibleRoute(ctx.route),
    model: ctx.request?.model,
    groups,
    now,
    timeZone: settings.timezone,
    client: ctx.client,
  });
  ctx.chain.groups = groups;
  ctx.chain.filtered = filtered;
  ctx.chain.candidates = topTier(eligible, groups);
  if (!eligible.length) throw unconvertibleRefusal(ctx.route, filtered, deps.catalog.providers()) ?? noProvider(ctx, "every provider is disabled, filtered out or of another type");

  // Every route answers to the caller's limits (RPM, concurrent sessions, a money limit already
  // reached): a key over its limit must not keep using count_tokens or Code Assist housekeeping
  // as a free side door. Only billed routes reserve an estimate of their cost.
  const billed = isBilled(ctx);
  const scopes = callerScopes(ctx.key!, settings, now);
  const order = orderCandidates(eligible, groups, Math.random, (p) => needsConversion(p, ctx.route.format));
  const admission: Admission = {
    scopes,
    order,
    providerScopes: new Map(),
    estimateNano: !billed ? 0 : estimateFor(ctx, deps),
    degraded: false,
    tried: new Set(),
    breakerState: "closed",
    admittedAt: now,
  };
  ctx.admission = admission;
  const candidates = order.map((p) => candidateOf(ctx, deps, p, admission, groups));

  const request = () => {
    admission.admittedAt = deps.now();
    return deps.store.admit({
      requestId: ctx.requestId,
      now: admission.admittedAt,
      scopes: scopes.map((s) => s.spec),
      estimateNano: admission.estimateNano,
      session: ctx.session ?? null,
      candidates,
      enforce: deps.env.ENABLE_RATE_LIMIT,
      holdMs: holdMs(deps),
      // The store's "pick a provider only" mode is not used by the gateway any more (see isBilled).
      passthrough: false,
    });
  };

  let result: AdmitResult;
  try {
    result = await request();
    if (result.status === "unhydrated") {
      const missing = new Set(result.scopes);
      const toHydrate = [...scopes, ...admission.providerScopes.values()].filter((s) => missing.has(s.spec.scope));
      await deps.hydrator.hydrate(toHydrate, now);
      result = await request();
      if (result.status === "unhydrated") throw new Error(`scopes still unhydrated: ${result.scopes.join(", ")}`);
    }
  } catch (error) {
    degrade(ctx, deps, admission, error as Error);
    return;
  }

  switch (result.status) {
    case "limited":
      throw limitError(result.hit, deps.now());
    case "no_provider":
      recordSkips(ctx, result.skipped);
      throw noProvider(ctx, describeSkips(result.skipped));
    case "admitted": {
      recordSkips(ctx, result.skipped);
      admission.breakerState = result.breakerState;
      ctx.provider = order.find((p) => p.id === result.providerId);
      if (ctx.chain.session) {
        ctx.chain.session.reused = result.via === "session";
        if (result.via === "session") ctx.chain.session.boundProviderId = result.providerId;
      }
      ctx.attemptReason = result.via === "session" ? "session_reuse" : "initial";
      return;
    }
  }
}

function recordSkips(ctx: GatewayContext, skipped: Array<{ providerId: number; reason: string; hit?: { limit: string } }>) {
  for (const s of skipped) {
    const p = ctx.admission?.order.find((x) => x.id === s.providerId);
    ctx.chain.filtered.push({ id: s.providerId, name: p?.name ?? String(s.providerId), reason: s.reason, detail: s.hit?.limit });
  }
}

function describeSkips(skipped: Array<{ reason: string }>): string {
  const breakers = skipped.filter((s) => s.reason.startsWith("breaker")).length;
  const limits = skipped.filter((s) => s.reason === "limit").length;
  const parts = [];
  if (breakers) parts.push(`${breakers} with an open circuit breaker`);
  if (limits) parts.push(`${limits} at their own limits`);
  return parts.length ? `the eligible providers are unavailable (${parts.join(", ")})` : "no eligible provider is available";
}

function noProvider(ctx: GatewayContext, why: string) {
  return new GatewayError(
    "no_provider",
    `No provider is available for model ${ctx.request?.model ?? "(none)"} in group(s) ${callerGroups(ctx).join(", ")}: ${why}.`,
    { blockedBy: "no_provider" },
  );
}

/** The store (or the ledger) could not answer: fail open, or closed for money limits if so configured. */
function degrade(ctx: GatewayContext, deps: GatewayDeps, admission: Admission, error: Error) {
  const now = Date.now();
  if (now - lastDegradedLog > 10_000) {
    lastDegradedLog = now;
    deps.logger.error({ err: error.message }, "admission store unavailable: limits degrade as configured (rate limits open, money limits per setting)");
  }
  const hasMoneyLimits = admission.scopes.some((s) => s.spec.windows.length > 0);
  if (hasMoneyLimits && deps.catalog.settings().moneyLimitFailMode === "closed" && deps.env.ENABLE_RATE_LIMIT) {
    throw new GatewayError("no_provider", "Spending limits cannot be checked right now (the quota store is unavailable), so requests are refused. Try again shortly.", {
      blockedBy: "quota_store_unavailable",
    });
  }
  admission.degraded = true;
  ctx.provider = admission.order[0];
  ctx.attemptReason = "initial";
}
