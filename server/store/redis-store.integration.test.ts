import { describe, expect, it } from "vitest";
import { TEST_REDIS_URL } from "../../test-support/databases.ts";
import { createLogger } from "../logger.ts";
import { RedisStore } from "./redis-store.ts";
import { runAdmissionContract } from "./admission.contract.ts";
import { runStoreContract } from "./store.contract.ts";
import { runSessionBindingContract } from "./session-bindings.contract.ts";

async function twoInstances() {
  const keyPrefix = `test:${process.pid}:${Math.random().toString(36).slice(2)}:`;
  const make = () => new RedisStore({ url: TEST_REDIS_URL, keyPrefix, logger: createLogger("silent") });
  const store = make();
  const peer = make();
  await Promise.all([store.ready(2000), peer.ready(2000)]);
  return { store, peer };
}

runStoreContract("redis", twoInstances);
runAdmissionContract("redis", twoInstances);
runSessionBindingContract("redis", twoInstances);

describe("RedisStore batch replies", () => {
  it("answers an operation whose script fails with an error for it alone; the rest of its batch counts", async () => {
    const { store, peer } = await twoInstances();
    try {
      const now = Date.now();
      const candidate = { providerId: 1, priority: 0, reclaimSessions: false, disableSessionReuse: false, breaker: { failureThreshold: 3, openDurationMs: 60_000, halfOpenSuccessThreshold: 1, halfOpenMaxProbes: 1 }, limits: { scope: "p:1", rpm: null, concurrentSessions: null, windows: [], signature: "s" } };
      const key = { scope: `k:${Math.random().toString(36).slice(2)}`, rpm: null, concurrentSessions: 3, windows: [], signature: "s" };
      const request = (requestId: string) => ({ requestId, now, scopes: [key], estimateNano: 0, session: null, candidates: [candidate], enforce: true, holdMs: 60_000, passthrough: false });
      // Both pushed in the same turn, so they travel in one script call; the first one's scope has no windows list, which makes its Lua fail.
      const broken = store.admit({ ...request("broken"), scopes: [{ ...key, windows: undefined as never }] });
      const [failed, good] = await Promise.allSettled([broken, store.admit(request("good"))]);
      expect(failed.status).toBe("rejected");
      expect(String((failed as PromiseRejectedResult).reason)).toMatch(/store script failed/);
      expect(good).toMatchObject({ status: "fulfilled", value: { status: "admitted", providerId: 1, via: "order", sessionMoved: false, reservedNano: 0, breakerState: "closed", skipped: [] } });
      expect(await peer.inFlight(key.scope, now)).toMatchObject({ requests: 1, sessions: 1 });
    } finally {
      await store.close();
      await peer.close();
    }
  });
});
