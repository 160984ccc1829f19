/**
 * The order in which a request tries providers: priority tiers (lowest number first), and
 * within a tier a weighted random order — of the providers that speak the request's format
 * first, then of those that would convert it (a conversion costs CPU and may drop features, so
 * at the same priority the native provider wins; decision 0020). Admission takes the first acceptable provider of this
 * order (breaker closed, limits not reached), so the pick is weighted-random among the
 * acceptable providers of the best tier that has one, and a failover simply moves down the list.
 */
import type { CachedProvider } from "../../catalog/types.ts";
import { effectivePriority } from "./candidates.ts";

/** Weighted random permutation (sampling without replacement); all-zero weights are uniform. */
export function weightedShuffle<T extends { weight: number }>(items: readonly T[], random: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (pool.length) {
    const total = pool.reduce((sum, p) => sum + Math.max(0, p.weight), 0);
    let index = pool.length - 1;
    if (total > 0) {
      let r = random() * total;
      for (let i = 0; i < pool.length; i++) {
        r -= Math.max(0, pool[i].weight);
        if (r < 0) {
          index = i;
          break;
        }
      }
    } else {
      index = Math.floor(random() * pool.length);
    }
    out.push(pool.splice(index, 1)[0]);
  }
  return out;
}

/**
 * `converts` says whether a provider would convert the request; without it every provider
 * counts as native.
 */
export function orderCandidates(
  eligible: readonly CachedProvider[],
  callerGroups: readonly string[],
  random: () => number = Math.random,
  converts?: (p: CachedProvider) => boolean,
): CachedProvider[] {
  const tiers = new Map<number, CachedProvider[]>();
  for (const p of eligible) {
    const priority = effectivePriority(p, callerGroups);
    tiers.set(priority, [...(tiers.get(priority) ?? []), p]);
  }
  return [...tiers.keys()]
    .sort((a, b) => a - b)
    .flatMap((priority) => {
      const tier = tiers.get(priority)!;
      if (!converts) return weightedShuffle(tier, random);
      const native = tier.filter((p) => !converts(p));
      const converting = tier.filter((p) => converts(p));
      return [...weightedShuffle(native, random), ...weightedShuffle(converting, random)];
    });
}
