/**
 * Which providers may serve a request, and why each other one may not. Pure: the same inputs
 * give the same answer, and every exclusion carries a reason for the decision chain.
 *
 * Order of filters: group (strict: no fallback to other groups; untagged providers are
 * "default"; "*" on the caller's side matches all) → enabled → active time window → serves the
 * request's format (natively, or through conversion when the provider allows it and the route
 * can be converted, decision 0020) → model allowed (by the original model) → the caller's client (provider client
 * lists) → caller-supplied exclusions.
 */
import type { CachedProvider } from "../../catalog/types.ts";
import type { CandidateProvider, FilteredProvider } from "../decision-chain.ts";
import type { ApiFormat } from "../formats/types.ts";
import { canConvert } from "../convert/registry.ts";
import { providerAdapter } from "../providers/registry.ts";
import { modelAllowed } from "./model-rules.ts";
import { isActive } from "./schedule.ts";
import { judgeClient, type ClientIdentity } from "../../policy/client-identity.ts";

/** A provider's client lists: a refused client makes it ineligible (noted with the rule), never fails the request. */
function clientServed(p: CachedProvider, client: ClientIdentity, out: (p: CachedProvider, reason: string, detail?: string) => void): boolean {
  const verdict = judgeClient(p.allowedClients, p.blockedClients, client);
  if (verdict.allowed) return true;
  out(p, verdict.reason, verdict.rule ? `${client.family}: rule "${verdict.rule.slice(0, 100)}"` : client.family);
  return false;
}

export interface CandidateQuery {
  format: ApiFormat;
  /** The route can be served through format conversion (steps/convert.ts convertibleRoute). */
  convertible?: boolean;
  model: string | undefined;
  /** The caller's groups (the key's, else the user's). */
  groups: readonly string[];
  now: number;
  timeZone: string;
  /** The caller's client, when some provider has client lists (steps/check-access.ts derives it). */
  client?: ClientIdentity;
  /** Further exclusions decided by the caller (breaker open, limit reached, already failed…). */
  exclude?: (provider: CachedProvider) => string | undefined;
}

export interface Candidates {
  eligible: CachedProvider[];
  filtered: FilteredProvider[];
}

/** The provider's upstream speaks the request's format, or may serve it through conversion. */
function servesFormat(p: CachedProvider, q: CandidateQuery): boolean {
  const native = providerAdapter(p.providerType)?.format;
  if (!native) return false;
  if (native === q.format) return true;
  return !!q.convertible && p.allowFormatConversion && canConvert(q.format, native);
}

/** Whether a request of `format` sent to this provider goes through conversion. */
export function needsConversion(p: CachedProvider, format: ApiFormat): boolean {
  return providerAdapter(p.providerType)?.format !== format;
}

export function groupsIntersect(callerGroups: readonly string[], providerGroups: readonly string[]): boolean {
  if (callerGroups.includes("*")) return true;
  return providerGroups.some((g) => callerGroups.includes(g));
}

export function findCandidates(providers: readonly CachedProvider[], q: CandidateQuery): Candidates {
  const eligible: CachedProvider[] = [];
  const filtered: FilteredProvider[] = [];
  const out = (p: CachedProvider, reason: string, detail?: string) => filtered.push({ id: p.id, name: p.name, reason, detail });
  for (const p of providers) {
    if (!groupsIntersect(q.groups, p.groups)) out(p, "group_mismatch", `serves ${p.groups.join(",")}`);
    else if (!p.isEnabled) out(p, "disabled");
    else if (!isActive(p.activeTimeStart, p.activeTimeEnd, q.now, q.timeZone)) out(p, "outside_schedule", `${p.activeTimeStart}-${p.activeTimeEnd}`);
    else if (!servesFormat(p, q)) out(p, "format_mismatch", p.providerType);
    else if (!modelAllowed(p.allowedModels, q.model)) out(p, "model_not_allowed", q.model);
    else if (q.client && (p.allowedClients.length || p.blockedClients.length) && !clientServed(p, q.client, out)) continue;
    else {
      const reason = q.exclude?.(p);
      if (reason) out(p, reason);
      else eligible.push(p);
    }
  }
  return { eligible, filtered };
}

/** A provider's priority for this caller: the best of its per-group overrides, else its own. */
export function effectivePriority(p: CachedProvider, callerGroups: readonly string[]): number {
  let best = p.priority;
  let overridden = false;
  for (const g of callerGroups) {
    const v = p.groupPriorities[g];
    if (v !== undefined && (!overridden || v < best)) {
      best = v;
      overridden = true;
    }
  }
  return best;
}

/** The top tier (lowest priority number) with each member's probability of being picked. */
export function topTier(eligible: readonly CachedProvider[], callerGroups: readonly string[]): CandidateProvider[] {
  if (!eligible.length) return [];
  let min = Infinity;
  for (const p of eligible) min = Math.min(min, effectivePriority(p, callerGroups));
  const tier = eligible.filter((p) => effectivePriority(p, callerGroups) === min);
  const total = tier.reduce((sum, p) => sum + Math.max(0, p.weight), 0);
  return tier.map((p) => ({
    id: p.id,
    name: p.name,
    priority: min,
    weight: p.weight,
    probability: total > 0 ? Math.max(0, p.weight) / total : 1 / tier.length,
  }));
}

/** Weighted random pick; all-zero weights pick uniformly. `random` is in [0, 1). */
export function pickWeighted(tier: readonly CandidateProvider[], random: number): CandidateProvider | undefined {
  let r = random;
  for (const c of tier) {
    r -= c.probability ?? 0;
    if (r < 0) return c;
  }
  return tier[tier.length - 1];
}
