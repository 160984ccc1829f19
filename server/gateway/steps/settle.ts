/**
 * Last step, always run: price the usage; in ONE store round trip, release what admission held,
 * add the actual cost to every window, tell the provider's breaker how it went and bind the
 * session; and queue the request-log row (and, when billed, the usage-ledger row) for the
 * batched writer. No database write happens on the request's path.
 */
import type { LogRecord } from "../../db/log-writer.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { computeCost } from "../usage/cost.ts";
import { nanoToDecimal } from "../../domain/money.ts";
import { hasUsage, ZERO_USAGE } from "../usage/usage.ts";

const ERROR_MESSAGE_LIMIT = 2000;

/** Which model the price is looked up by (original or redirected, as the setting says; the other as fallback). */
function priceFor(ctx: GatewayContext, deps: GatewayDeps) {
  const original = ctx.request?.model;
  const redirected = ctx.redirectedModel;
  const order =
    deps.catalog.settings().billingModelSource === "redirected" ? [redirected, original] : [original, redirected];
  for (const model of order) {
    if (!model) continue;
    const hit = deps.catalog.price(model);
    if (hit) return { ...hit, model };
  }
  return undefined;
}

let lastSettleErrorLog = 0;

/** The store part of settlement; failures are logged (the holds expire by themselves). */
async function settleInStore(ctx: GatewayContext, deps: GatewayDeps, costNano: number): Promise<void> {
  const admission = ctx.admission;
  if (!admission || !ctx.provider) return; // refused before admission held anything
  const provider = ctx.provider;
  const providerScope = admission.providerScopes.get(provider.id);
  const generate = ctx.route.kind === "generate";
  const success = ctx.outcome.breaker === "success" && ctx.outcome.completed;
  try {
    await deps.store.settle({
      requestId: ctx.requestId,
      now: deps.now(),
      admittedAt: admission.admittedAt,
      costNano,
      providerId: provider.id,
      breaker: generate ? ctx.outcome.breaker : "none",
      breakerConfig: { ...provider.breaker },
      bind:
        generate && success && ctx.session && !provider.disableSessionReuse
          ? { bindingKey: ctx.session.bindingKey, providerId: provider.id, ttlMs: (provider.sessionTtlSeconds ?? deps.env.SESSION_TTL) * 1000 }
          : null,
      scopes: [...admission.scopes.map((s) => s.spec), ...(providerScope ? [providerScope.spec] : [])],
    });
  } catch (error) {
    const now = Date.now();
    if (now - lastSettleErrorLog > 10_000) {
      lastSettleErrorLog = now;
      deps.logger.error({ err: (error as Error).message }, "settlement could not reach the store; its holds expire by themselves and the ledger keeps the cost");
    }
  }
}

export async function settle(ctx: GatewayContext, deps: GatewayDeps): Promise<LogRecord> {
  const { outcome, key, provider } = ctx;
  const usage = outcome.usage ?? ZERO_USAGE;
  const billable = ctx.route.kind === "generate" && !!key && hasUsage(usage);
  let priceMissing = false;
  if (billable) {
    const price = priceFor(ctx, deps);
    const groupMultiplier = provider ? groupMultiplierFor(ctx, deps) : 1;
    ctx.cost = computeCost(usage, price?.priceData, {
      pricedAs: price?.pricedAs ?? "",
      providerMultiplier: provider?.costMultiplier ?? 1,
      groupMultiplier,
    });
    ctx.billedModel = price?.model ?? ctx.request?.model;
    priceMissing = !ctx.cost;
  }
  const createdAt = new Date(ctx.startedAt).toISOString();
  const costUsd = ctx.cost ? nanoToDecimal(ctx.cost.totalNano) : null;
  const record: LogRecord = {
    requestLog: {
      requestId: ctx.requestId,
      createdAt,
      userId: key?.userId ?? null,
      keyId: key?.id ?? null,
      providerId: provider?.id ?? null,
      endpoint: ctx.route.path,
      apiFormat: ctx.route.format,
      model: ctx.request?.model ?? null,
      redirectedModel: ctx.redirectedModel ?? null,
      responseModel: outcome.responseModel ?? null,
      isStream: ctx.request?.stream ?? false,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheCreation5mTokens: usage.cacheCreation5mTokens,
      cacheCreation1hTokens: usage.cacheCreation1hTokens,
      cacheReadTokens: usage.cacheReadTokens,
      costUsd,
      costBreakdown: ctx.cost ?? null,
      priceMissing,
      ttfbMs: outcome.ttfbMs ?? null,
      durationMs: Math.round(performance.now() - ctx.startTick),
      statusCode: outcome.statusCode,
      errorType: outcome.errorType ?? null,
      errorMessage: outcome.errorMessage?.slice(0, ERROR_MESSAGE_LIMIT) ?? null,
      blockedBy: outcome.blockedBy ?? null,
      sessionId: ctx.chain.session?.id ?? null,
      decisionChain: ctx.chain,
      retryCount: Math.max(0, ctx.chain.attempts.length - 1),
      clientIp: ctx.clientIp ?? null,
      userAgent: ctx.userAgent?.slice(0, 500) ?? null,
      conversion: ctx.chain.attempts[ctx.chain.attempts.length - 1]?.conversion ?? null,
    },
  };
  if (billable && key) {
    record.ledger = {
      requestId: ctx.requestId,
      createdAt,
      userId: key.userId,
      keyId: key.id,
      providerId: provider?.id ?? null,
      model: ctx.request?.model ?? null,
      billedModel: ctx.billedModel ?? null,
      apiFormat: ctx.route.format,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheCreation5mTokens: usage.cacheCreation5mTokens,
      cacheCreation1hTokens: usage.cacheCreation1hTokens,
      cacheReadTokens: usage.cacheReadTokens,
      costUsd: costUsd ?? "0",
      statusCode: outcome.statusCode,
    };
  }
  deps.logWriter.enqueue(record);
  deps.onSettled?.(record);
  // A completed answer is what the next estimate of this model should expect; a cut one is not.
  if (billable && key && ctx.cost && outcome.completed && ctx.request?.model) {
    deps.expectedOutput.observe(key.id, ctx.request.model, usage.outputTokens);
  }
  await settleInStore(ctx, deps, billable && ctx.cost ? ctx.cost.totalNano : 0);
  return record;
}

/** The multiplier of the caller's group that this provider serves (1 when none is configured). */
function groupMultiplierFor(ctx: GatewayContext, deps: GatewayDeps): number {
  const callerGroups = ctx.key!.groups ?? ctx.key!.user.groups;
  for (const group of callerGroups) {
    if (group === "*" || ctx.provider!.groups.includes(group)) {
      const m = deps.catalog.groupMultiplier(group);
      if (m !== 1) return m;
    }
  }
  return 1;
}
