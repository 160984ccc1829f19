/**
 * Step: forward the request, retrying and failing over until an attempt succeeds or there is
 * nothing left to try — all before the first byte reaches the client (see dispatch.ts).
 *
 * Per provider, up to its retry count (default MAX_RETRY_ATTEMPTS_DEFAULT, the first attempt
 * included), honouring Retry-After up to the configured cap; then the next provider of the
 * order drawn at admission, through the store (which releases what the failed provider held,
 * counts its breaker failure once, and holds the next one), up to a cap on switches. Client
 * mistakes (error rules) are returned at once; a client that went away stops everything.
 *
 * An attempt on a provider of another format is converted (convert.ts): its request is encoded
 * for that provider, and an upstream error it answers is told to the client in the client's
 * own envelope (the upstream's envelope would mean nothing to it), with the upstream's status.
 */
import type { CachedProvider } from "../../catalog/types.ts";
import type { GatewayContext } from "../context.ts";
import type { AttemptReason } from "../decision-chain.ts";
import type { GatewayDeps } from "../deps.ts";
import { kindForUpstreamStatus } from "../error-detail.ts";
import { GatewayError, UpstreamHttpError } from "../errors.ts";
import { AttemptFilters } from "../filters/attempt.ts";
import { codexInstructions, retryWithOfficialInstructions } from "../providers/codex/instructions.ts";
import { providerAdapter } from "../providers/registry.ts";
import { classifyFailure, type Classification } from "../resilience/classify.ts";
import { extractMessage } from "../../domain/error-rules.ts";
import { redirectModel } from "../routing/model-rules.ts";
import type { ResponseSummary } from "../formats/types.ts";
import { droppedStreamUsage } from "../usage/dropped-stream.ts";
import type { Usage } from "../usage/usage.ts";
import { breakerConfig, callerGroups, candidateOf, holdMs } from "./admit.ts";
import { prepareConversion, upstreamErrorMessage } from "./convert.ts";
import { runAttempt, type AttemptFailure } from "./dispatch.ts";

/** Pause before retrying the same provider when it gave no Retry-After. */
const RETRY_PAUSE_MS = 100;

function failureToError(failure: AttemptFailure, c: Classification | undefined, converted = false): Error {
  if (c?.rule && (c.rule.overrideMessage || c.rule.overrideStatusCode)) {
    const status = c.rule.overrideStatusCode ?? failure.status ?? 400;
    const message = c.rule.overrideMessage ?? extractMessage(failure.body?.toString("utf8") ?? failure.message);
    // A message the admin wrote is the hub's; without one it is the upstream's (error-detail.ts).
    return new GatewayError(kindForUpstreamStatus(status), message, { status, upstream: c.rule.overrideMessage ? undefined : { message } });
  }
  switch (failure.class) {
    case "http_error":
      if (converted) {
        const status = failure.status ?? 502;
        const message = upstreamErrorMessage(failure.body) ?? `The upstream answered ${status}.`;
        const retryAfter = failure.headers?.["retry-after"];
        return new GatewayError(kindForUpstreamStatus(status), message, {
          status,
          headers: typeof retryAfter === "string" ? { "retry-after": retryAfter } : {},
          upstream: { message },
        });
      }
      return new UpstreamHttpError(failure.status!, failure.headers ?? {}, failure.body ?? Buffer.alloc(0), failure.message);
    case "timeout":
      return new GatewayError("upstream_timeout", `The upstream did not answer in time (${failure.message}).`, { upstream: {} });
    case "client_abort":
      return new GatewayError("client_closed", failure.message);
    case "fake_200":
    case "empty_stream":
      return new GatewayError("bad_gateway", `The upstream returned an invalid response (${failure.message}).`, {
        upstream: failure.class === "fake_200" ? { message: failure.body ? extractMessage(failure.body.toString("utf8")) : failure.message.replace(/^stream error event: /, "") } : {},
      });
    default:
      return new GatewayError("bad_gateway", `The upstream could not be reached (${failure.message}).`, { upstream: {} });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** The next provider after `failed`, chosen by the store (or locally when it is unreachable). */
async function nextProvider(ctx: GatewayContext, deps: GatewayDeps, failed: CachedProvider, countFailure: boolean): Promise<CachedProvider | undefined> {
  const admission = ctx.admission!;
  admission.tried.add(failed.id);
  const remaining = admission.order.filter((p) => !admission.tried.has(p.id));
  if (admission.degraded) return remaining[0];
  const groups = callerGroups(ctx);
  try {
    const result = await deps.store.failover({
      requestId: ctx.requestId,
      now: deps.now(),
      admittedAt: admission.admittedAt,
      failedProviderId: failed.id,
      countFailure,
      failedBreaker: breakerConfig(failed),
      candidates: remaining.map((p) => candidateOf(ctx, deps, p, admission, groups)),
      estimateNano: admission.estimateNano,
      enforce: deps.env.ENABLE_RATE_LIMIT,
      holdMs: holdMs(deps),
      passthrough: false, // every route is held to the caller's limits (admit.ts isBilled)
    });
    if (result.status !== "admitted") {
      if (result.status === "no_provider") {
        for (const s of result.skipped) ctx.chain.filtered.push({ id: s.providerId, name: remaining.find((p) => p.id === s.providerId)?.name ?? "", reason: s.reason });
      }
      return undefined;
    }
    admission.breakerState = result.breakerState;
    return remaining.find((p) => p.id === result.providerId);
  } catch (error) {
    deps.logger.warn({ err: (error as Error).message, requestId: ctx.requestId }, "failover could not reach the store; choosing locally");
    admission.degraded = true;
    return remaining[0];
  }
}

/**
 * The usage to bill for what an attempt showed: as reported, or — for a stream the client
 * dropped before the upstream's usage report — with the missing side estimated and the
 * estimate recorded in the decision chain (usage/dropped-stream.ts).
 */
function billedUsage(ctx: GatewayContext, summary: ResponseSummary | undefined, dropped: boolean): Usage | undefined {
  if (!summary || !dropped || summary.completed || !ctx.request?.stream) return summary?.usage;
  const estimated = droppedStreamUsage(summary, ctx.body);
  if (!estimated) return summary.usage;
  ctx.chain.usageEstimate = estimated.estimate;
  return estimated.usage;
}

/** The key's cache TTL preference wins over the provider's; "inherit" on both leaves the request alone. */
function cacheTtlFor(ctx: GatewayContext, provider: CachedProvider): "5m" | "1h" | undefined {
  if (ctx.route.format !== "claude" || ctx.route.kind !== "generate") return undefined;
  const key = ctx.key?.cacheTtlPreference;
  if (key && key !== "inherit") return key;
  return provider.cacheTtlPreference !== "inherit" ? provider.cacheTtlPreference : undefined;
}

/** A token count the hub estimated for an upstream without a counter (convert.ts): answered here, recorded as an attempt. */
function answerLocally(ctx: GatewayContext, deps: GatewayDeps, provider: CachedProvider, reason: AttemptReason, attempt: number, model: string, label: string, body: Buffer) {
  ctx.chain.attempts.push({ providerId: provider.id, providerName: provider.name, reason, attempt, startedAt: deps.now(), durationMs: 0, statusCode: 200, model, conversion: label });
  ctx.outcome.statusCode = 200;
  ctx.outcome.completed = true;
  ctx.outcome.ttfbMs = Math.round(performance.now() - ctx.startTick);
  ctx.res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": String(body.length), "x-request-id": ctx.requestId });
  ctx.res.end(body);
}

export async function forward(ctx: GatewayContext, deps: GatewayDeps): Promise<void> {
  const settings = deps.catalog.settings();
  const original = ctx.request!.model;
  let provider = ctx.provider!;
  let reason: AttemptReason = ctx.attemptReason ?? "initial";
  let attempt = 0;
  let switches = 0;
  for (;;) {
    attempt++;
    ctx.provider = provider;
    const adapter = providerAdapter(provider.providerType)!;
    // Redirect rules rewrite the model per provider; the original stays for the log and billing.
    const model = original === undefined ? "" : redirectModel(provider.modelRedirects, original);
    ctx.redirectedModel = original !== undefined && model !== original ? model : undefined;
    // Another format: the request is converted for this provider (the body parsed only then).
    const converted = prepareConversion(ctx, deps.now(), provider, adapter, model);
    if (converted && "local" in converted) {
      answerLocally(ctx, deps, provider, reason, attempt, model, converted.label, converted.local);
      return;
    }
    const prepared = converted?.upstream ?? ctx.format.prepareUpstream({ route: ctx.route, search: ctx.search, body: ctx.body!, info: ctx.request!, model, cacheTtl: cacheTtlFor(ctx, provider) });
    // Request filters may be scoped to a provider: they run per attempt (none configured: no work).
    const filters = AttemptFilters.forAttempt(deps.catalog.requestFilters(), provider, ctx.chain);
    const upstream = codexInstructions(ctx, provider, filters ? filters.rewriteRequestBody(prepared) : prepared);
    const result = await runAttempt(ctx, deps, { provider, adapter, upstream, model, reason, attempt, breakerState: ctx.admission?.breakerState, filters, conversion: converted?.plan });

    if (result.ok) {
      ctx.outcome.statusCode = result.status;
      ctx.outcome.usage = billedUsage(ctx, result.summary, result.brokenAfterCommit?.class === "client_abort");
      ctx.outcome.responseModel = result.summary?.model;
      ctx.outcome.completed = !result.brokenAfterCommit && !!result.summary?.completed;
      if (result.brokenAfterCommit) {
        const c = classifyFailure(result.brokenAfterCommit, deps.catalog.errorRules(), settings.enableCircuitBreakerOnNetworkErrors);
        ctx.outcome.errorType = c.errorClass;
        ctx.outcome.errorMessage = result.brokenAfterCommit.message;
        if (result.brokenAfterCommit.class === "client_abort") ctx.outcome.statusCode = 499;
        ctx.outcome.breaker = c.countsTowardBreaker ? "failure" : "none";
      } else {
        ctx.outcome.breaker = "success";
      }
      return;
    }

    const failure = result.failure;
    if (failure.summary) {
      ctx.outcome.usage = billedUsage(ctx, failure.summary, failure.class === "client_abort");
      ctx.outcome.responseModel = failure.summary.model;
    }
    const c = classifyFailure(failure, deps.catalog.errorRules(), settings.enableCircuitBreakerOnNetworkErrors);
    const lastAttempt = ctx.chain.attempts[ctx.chain.attempts.length - 1];
    if (lastAttempt) lastAttempt.errorClass = c.errorClass;
    if (!ctx.clientGone.signal.aborted && retryWithOfficialInstructions(ctx, provider, failure)) { reason = "retry"; continue; }
    if (c.final || ctx.clientGone.signal.aborted) throw failureToError(failure, c, !!converted);

    const maxAttempts = provider.maxRetryAttempts ?? deps.env.MAX_RETRY_ATTEMPTS_DEFAULT;
    if (c.retrySame && attempt < maxAttempts) {
      await sleep(Math.min(c.retryAfterMs ?? RETRY_PAUSE_MS, settings.retryAfterCapMs), ctx.clientGone.signal);
      if (ctx.clientGone.signal.aborted) throw failureToError({ class: "client_abort", message: "the client closed the connection" }, undefined);
      reason = "retry";
      continue;
    }

    // Give this provider up: one breaker count (provider faults only), then the next provider.
    const counts = c.countsTowardBreaker && ctx.route.kind === "generate";
    const next = switches < settings.maxProviderSwitches ? await nextProvider(ctx, deps, provider, counts) : undefined;
    if (!next) {
      // The store has counted the failure if it was asked for a next provider.
      ctx.outcome.breaker = "none";
      throw failureToError(failure, c, !!converted);
    }
    provider = next;
    attempt = 0;
    switches++;
    reason = "failover";
  }
}
