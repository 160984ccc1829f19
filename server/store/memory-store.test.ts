import { describe, expect, it } from "vitest";
import { MemoryStore } from "./memory-store.ts";
import { runAdmissionContract } from "./admission.contract.ts";
import { runStoreContract } from "./store.contract.ts";
import { runSessionBindingContract } from "./session-bindings.contract.ts";

runStoreContract("memory", async () => {
  const store = new MemoryStore();
  return { store, peer: store };
});

runAdmissionContract("memory", async () => {
  const store = new MemoryStore();
  return { store, peer: store };
});

runSessionBindingContract("memory", async () => {
  const store = new MemoryStore();
  return { store, peer: store };
});

describe("MemoryStore", () => {
  it("forgets expired session bindings even when their sessions never come back", async () => {
    const store = new MemoryStore();
    const T0 = Date.UTC(2026, 10, 27, 12);
    const breaker = { failureThreshold: 3, openDurationMs: 60_000, halfOpenSuccessThreshold: 1, halfOpenMaxProbes: 1 };
    const candidate = { providerId: 1, priority: 0, reclaimSessions: false, disableSessionReuse: false, breaker, limits: { scope: "p:1", rpm: null, concurrentSessions: null, windows: [], signature: "s" } };
    const request = (id: string, now: number) => ({ requestId: id, now, scopes: [], estimateNano: 0, session: null, candidates: [candidate], enforce: true, holdMs: 60_000, passthrough: false });
    // A long-lived instance: 500 sessions, each bound once for a minute, none seen again.
    for (let i = 0; i < 500; i++) {
      await store.admit(request(`a${i}`, T0));
      await store.settle({ requestId: `a${i}`, now: T0, admittedAt: T0, costNano: 0, providerId: 1, breaker: "none", breakerConfig: null, bind: { bindingKey: `session-${i}`, providerId: 1, ttlMs: 60_000 }, scopes: [] });
    }
    // Later traffic (a few requests per expired binding is plenty) must reclaim their memory.
    for (let i = 0; i < 100; i++) await store.admit(request(`b${i}`, T0 + 120_000));
    // The bindings are internal; their number is what grows without bound when they leak.
    const bindings = (store as unknown as { admission: { q: { bindings: Map<string, unknown> } } }).admission.q.bindings;
    expect(bindings.size).toBe(0);
  });
});
