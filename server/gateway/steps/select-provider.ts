/**
 * Step: pick the provider for the first attempt. Candidates are filtered (see
 * routing/candidates.ts), the lowest priority number wins, and weight decides among equals.
 * Every exclusion and the winner's odds go into the decision chain.
 */
import type { CachedProvider } from "../../catalog/types.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { GatewayError } from "../errors.ts";
import { findCandidates, pickWeighted, topTier } from "../routing/candidates.ts";

export function callerGroups(ctx: GatewayContext): string[] {
  return ctx.key!.groups ?? ctx.key!.user.groups;
}

/** Picks a provider among the eligible ones not yet tried; undefined when none is left. */
export function chooseProvider(
  ctx: GatewayContext,
  deps: GatewayDeps,
  tried: ReadonlySet<number>,
  random: () => number = Math.random,
): CachedProvider | undefined {
  const groups = callerGroups(ctx);
  const { eligible, filtered } = findCandidates(deps.catalog.providers(), {
    format: ctx.route.format,
    model: ctx.request!.model,
    groups,
    now: deps.now(),
    timeZone: deps.catalog.settings().timezone,
    exclude: (p) => (tried.has(p.id) ? "already_failed" : undefined),
  });
  const tier = topTier(eligible, groups);
  if (ctx.chain.attempts.length === 0) {
    ctx.chain.groups = groups;
    ctx.chain.filtered = filtered;
    ctx.chain.candidates = tier;
  }
  const pick = pickWeighted(tier, random());
  return pick ? eligible.find((p) => p.id === pick.id) : undefined;
}

export function selectProvider(ctx: GatewayContext, deps: GatewayDeps): void {
  const provider = chooseProvider(ctx, deps, new Set());
  if (!provider) {
    const groups = callerGroups(ctx).join(", ");
    throw new GatewayError(
      "no_provider",
      `No provider is available for model ${ctx.request!.model} in group(s) ${groups}: every provider is disabled, filtered out or of another type.`,
      { blockedBy: "no_provider" },
    );
  }
  ctx.provider = provider;
}
