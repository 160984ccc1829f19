/**
 * The contract every Store implementation passes: the same suite runs against MemoryStore
 * (memory-store.test.ts) and RedisStore (redis-store.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "./store.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const READY = "__listening__";

/**
 * A subscription takes effect when Redis acknowledges it, some time after subscribe() returns
 * (longer on a busy machine than any fixed pause): publish a marker until every listener heard it.
 */
async function untilListening(store: Store, channel: string, heard: Array<() => boolean>) {
  for (let i = 0; i < 500 && !heard.every((h) => h()); i++) {
    await store.publish(channel, READY);
    await sleep(10);
  }
}

/** A listener that records messages, and whether it heard the READY marker (not recorded). */
function recorder() {
  const got: string[] = [];
  let ready = false;
  return { got, heard: () => ready, listen: (m: string) => (m === READY ? (ready = true) : got.push(m)) };
}

/**
 * makeStore returns the store under test and a peer: another instance sharing its state (a
 * second Redis connection; for the in-process store, the same instance, since it cannot share).
 */
export function runStoreContract(name: string, makeStore: () => Promise<{ store: Store; peer: Store }>) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let other: Store;
    beforeEach(async () => {
      ({ store, peer: other } = await makeStore());
    });
    afterEach(async () => {
      await store.close();
      if (other !== store) await other.close();
    });

    it("answers a ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("delivers published messages to every subscriber, on every instance, until it unsubscribes", async () => {
      const a = recorder();
      const b = recorder();
      const { got } = a;
      const gotToo = b.got;
      const stop = await store.subscribe("invalidate", a.listen);
      await other.subscribe("invalidate", b.listen);
      await untilListening(store, "invalidate", [a.heard, b.heard]);
      await store.publish("invalidate", "keys:1");
      await waitFor(() => got.length === 1 && gotToo.length === 1);
      expect(got).toEqual(["keys:1"]);
      stop();
      await store.publish("invalidate", "keys:2");
      await waitFor(() => gotToo.length === 2);
      expect(got).toEqual(["keys:1"]);
      expect(gotToo).toEqual(["keys:1", "keys:2"]);
    });

    it("does not deliver messages of other channels", async () => {
      const a = recorder();
      const { got } = a;
      await store.subscribe("a", a.listen);
      await untilListening(store, "a", [a.heard]);
      await store.publish("b", "x");
      await store.publish("a", "y");
      await waitFor(() => got.length === 1);
      expect(got).toEqual(["y"]);
    });

    it("locks a scope out after maxFailures failures and reports the remaining time", async () => {
      const policy = { maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000 };
      const scope = `ip-${Math.random()}`;
      const now = Date.now();
      expect(await store.recordLoginFailure(scope, policy, now)).toMatchObject({ locked: false, failures: 1 });
      expect(await store.recordLoginFailure(scope, policy, now)).toMatchObject({ locked: false, failures: 2 });
      const third = await store.recordLoginFailure(scope, policy, now);
      expect(third.locked).toBe(true);
      expect(third.retryAfterMs).toBeGreaterThan(59_000);
      const state = await other.getLockout(scope, now + 10);
      expect(state.locked).toBe(true);
      expect(state.retryAfterMs).toBeLessThanOrEqual(60_000);
      // Other scopes are unaffected.
      expect((await store.getLockout(`${scope}-other`, now)).locked).toBe(false);
    });

    it("ends a lockout when its time is up", async () => {
      const policy = { maxFailures: 1, windowMs: 1_000, lockoutMs: 150 };
      const scope = `ip-${Math.random()}`;
      const t0 = Date.now();
      expect((await store.recordLoginFailure(scope, policy, t0)).locked).toBe(true);
      await sleep(250);
      expect((await store.getLockout(scope, Date.now())).locked).toBe(false);
    });

    it("forgets failures after a successful login", async () => {
      const policy = { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000 };
      const scope = `ip-${Math.random()}`;
      const now = Date.now();
      await store.recordLoginFailure(scope, policy, now);
      await store.clearLoginFailures(scope);
      expect(await store.recordLoginFailure(scope, policy, now)).toMatchObject({ locked: false, failures: 1 });
    });

    it("gives a named lock to one holder at a time, until it is released", async () => {
      const name = `job-${Math.random()}`;
      const now = Date.now();
      const [a, b] = await Promise.all([store.tryLock(name, 60_000, now), other.tryLock(name, 60_000, now)]);
      expect([a, b].filter((t) => t !== null)).toHaveLength(1);
      const token = (a ?? b)!;
      expect(await store.tryLock(name, 60_000, now + 1)).toBeNull();
      // Another lock name is independent.
      expect(await other.tryLock(`${name}-other`, 60_000, now)).not.toBeNull();
      // A wrong token releases nothing.
      await other.unlock(name, "not-the-holder");
      expect(await store.tryLock(name, 60_000, now + 2)).toBeNull();
      await other.unlock(name, token);
      expect(await store.tryLock(name, 60_000, now + 3)).not.toBeNull();
    });

    it("frees a named lock whose holder never released it once its time is up", async () => {
      const name = `job-${Math.random()}`;
      const t0 = Date.now();
      const stale = await store.tryLock(name, 100, t0);
      expect(stale).not.toBeNull();
      await sleep(200);
      const fresh = await other.tryLock(name, 60_000, Date.now());
      expect(fresh).not.toBeNull();
      // The first holder's late release leaves the new holder's lock in place.
      await store.unlock(name, stale!);
      expect(await store.tryLock(name, 60_000, Date.now())).toBeNull();
    });
  });
}

export async function waitFor(condition: () => boolean, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}
