/**
 * The sessions page's store operations — reading sessions' bindings and unbinding one — run
 * against MemoryStore and RedisStore alike (memory-store.test.ts, redis-store.integration.test.ts).
 * A binding is made the way the gateway makes it: an admitted request settled with `bind`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProviderCandidate } from "./admission.ts";
import type { Store } from "./store.ts";

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const MIN = 60_000;
const tag = () => Math.random().toString(36).slice(2, 8);

function candidate(providerId: number): ProviderCandidate {
  return {
    providerId,
    priority: 0,
    reclaimSessions: false,
    disableSessionReuse: false,
    breaker: { failureThreshold: 3, openDurationMs: MIN, halfOpenSuccessThreshold: 1, halfOpenMaxProbes: 1 },
    limits: { scope: `p:${providerId}`, rpm: null, concurrentSessions: null, windows: [], signature: "s" },
  };
}

export function runSessionBindingContract(name: string, makeStore: () => Promise<{ store: Store; peer: Store }>) {
  describe(`Session bindings: ${name}`, () => {
    let store: Store;
    let peer: Store;
    let p: number;
    beforeEach(async () => {
      ({ store, peer } = await makeStore());
      p = Math.floor(Math.random() * 1e8);
    });
    afterEach(async () => {
      await store.close();
      if (peer !== store) await peer.close();
    });

    /** One request of the session, served by `providerId` and bound to it for a minute. */
    async function bind(bindingKey: string, providerId: number, now = T0) {
      const requestId = `r-${tag()}`;
      const admitted = await store.admit({
        requestId, now, scopes: [], estimateNano: 0, session: { id: bindingKey, bindingKey },
        candidates: [candidate(providerId)], enforce: true, holdMs: MIN, passthrough: false,
      });
      expect(admitted.status).toBe("admitted");
      await store.settle({ requestId, now, admittedAt: now, costNano: 0, providerId, breaker: "success", breakerConfig: candidate(providerId).breaker, bind: { bindingKey, providerId, ttlMs: MIN }, scopes: [] });
    }

    it("reports the live bindings of the sessions asked about, and none that expired", async () => {
      const a = `1:${tag()}`;
      const b = `2:${tag()}`;
      const never = `3:${tag()}`;
      await bind(a, p);
      await bind(b, p + 1, T0 - 30_000);
      expect(await peer.sessionBindings([a, b, never], T0 + 1000)).toEqual(new Map([[a, p], [b, p + 1]]));
      // b was bound 30 s earlier for a minute: at T0 + 30 s it is gone, a is not.
      expect(await peer.sessionBindings([a, b], T0 + 30_000)).toEqual(new Map([[a, p]]));
      expect(await peer.sessionBindings([], T0)).toEqual(new Map());
    });

    it("unbinds a session on every instance, so its next request picks a provider afresh", async () => {
      const key = `7:${tag()}`;
      await bind(key, p + 1);
      expect(await store.unbindSession(key, T0 + 1000)).toBe(true);
      expect(await peer.sessionBindings([key], T0 + 1000)).toEqual(new Map());
      // The next request is placed by the candidates' order, not sent back to p + 1.
      const next = await peer.admit({
        requestId: `r-${tag()}`, now: T0 + 2000, scopes: [], estimateNano: 0, session: { id: key, bindingKey: key },
        candidates: [candidate(p), candidate(p + 1)], enforce: true, holdMs: MIN, passthrough: false,
      });
      expect(next).toMatchObject({ status: "admitted", providerId: p, via: "order" });
      // Unbinding again, or a session never bound, reports that nothing was live.
      expect(await store.unbindSession(key, T0 + 3000)).toBe(false);
      expect(await store.unbindSession(`8:${tag()}`, T0)).toBe(false);
    });
  });
}
