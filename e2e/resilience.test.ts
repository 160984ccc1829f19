/**
 * Retries, failover, timeouts, circuit breakers and sticky sessions, end to end: a real hub
 * (PostgreSQL, Redis), two fake Anthropic upstreams A and B (one provider each), faults injected
 * per upstream. Each test uses its own provider group so its providers are the only candidates.
 * Breaker state and stickiness are also checked from a second hub in its own process.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { startTestHub, type TestHub } from "../test-support/hub.ts";
import { startHubProcess, type HubProcess } from "../test-support/hub-process.ts";

const MODEL = "claude-sonnet-4-5";
let A: FakeUpstream;
let B: FakeUpstream;
let t: TestHub;
/** A second hub process on the same PostgreSQL database and Redis keys as `t`. */
let peer: HubProcess;

beforeAll(async () => {
  [A, B] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  t = await startTestHub();
  peer = await startHubProcess(t, storePrefix(t));
}, 90_000);
afterAll(async () => {
  await peer?.stop();
  await t?.stop();
  await Promise.all([A?.close(), B?.close()]);
});
beforeEach(() => {
  A.reset();
  B.reset();
});

interface Chain {
  filtered: Array<{ id: number; reason: string }>;
  attempts: Array<{ providerId: number; reason: string; attempt: number; statusCode?: number; errorClass?: string }>;
  session?: { id: string; reused: boolean };
}

let groupSeq = 0;
/** A user, a key and one provider per upstream, alone in a fresh group. */
async function tenant(t: TestHub, providers: Array<{ upstream: FakeUpstream; options?: Record<string, unknown> }>) {
  const group = `g${++groupSeq}-${Math.random().toString(36).slice(2, 6)}`;
  const user = await t.admin<{ id: number }>("users/create", { name: `u-${group}`, providerGroup: group });
  const key = await t.admin<{ id: number; key: string }>("keys/create", { userId: user.id, name: "k" });
  const ids: number[] = [];
  for (const [i, p] of providers.entries()) {
    const created = await t.admin<{ id: number }>("providers/create", {
      name: `${group}-${i}`,
      url: p.upstream.url,
      key: `sk-${group}-${i}`,
      providerType: "claude",
      groupTag: group,
      ...p.options,
    });
    ids.push(created.id);
  }
  return { key: key.key, keyId: key.id, userId: user.id, providers: ids };
}

async function send(key: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key, ...headers },
    body: JSON.stringify({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "hi" }], ...body }),
  });
  const text = await res.text();
  return { status: res.status, text, requestId: res.headers.get("x-request-id")! };
}

async function chainOf(requestId: string): Promise<Chain> {
  await t.flushLogs();
  const detail = await t.admin<{ decisionChain: Chain }>("logs/get", { requestId });
  return detail.decisionChain;
}

describe("retries and failover", () => {
  it("retries the same provider after a 500, and the client never sees it", async () => {
    const s = await tenant(t, [{ upstream: A }]);
    A.enqueue({ kind: "status", status: 500 });
    const r = await send(s.key);
    expect(r.status).toBe(200);
    expect(A.requests).toHaveLength(2);
    const chain = await chainOf(r.requestId);
    expect(chain.attempts.map((a) => [a.reason, a.statusCode])).toEqual([
      ["initial", 500],
      ["retry", 200],
    ]);
  });

  it("fails over to the next provider when one keeps failing, with the reasons in the chain", async () => {
    const s = await tenant(t, [{ upstream: A, options: { priority: 0 } }, { upstream: B, options: { priority: 1 } }]);
    A.setDefault({ kind: "reset-before-headers" });
    const r = await send(s.key);
    expect(r.status).toBe(200);
    expect(A.requests.length).toBe(2); // MAX_RETRY_ATTEMPTS_DEFAULT attempts on A
    expect(B.requests.length).toBe(1);
    const chain = await chainOf(r.requestId);
    expect(chain.attempts.map((a) => [a.providerId, a.reason, a.errorClass ?? null])).toEqual([
      [s.providers[0], "initial", "network_error"],
      [s.providers[0], "retry", "network_error"],
      [s.providers[1], "failover", null],
    ]);
  });

  it("honours Retry-After (within the cap) before retrying a 429", async () => {
    const s = await tenant(t, [{ upstream: A }]);
    A.enqueue({ kind: "status", status: 429, retryAfter: 1 });
    const started = Date.now();
    const r = await send(s.key);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(A.requests).toHaveLength(2);
  });

  it("fails over when a stream errors before its first content event, with zero bytes sent", async () => {
    const s = await tenant(t, [{ upstream: A, options: { priority: 0, maxRetryAttempts: 1 } }, { upstream: B, options: { priority: 1 } }]);
    A.enqueue({ kind: "stream-error", afterEvents: 1 });
    const r = await send(s.key, { stream: true });
    expect(r.status).toBe(200);
    expect(r.text).toContain("event: message_stop");
    expect(r.text).not.toContain("event: error");
    expect(B.requests).toHaveLength(1);
  });

  it("returns a client mistake at once: no retry, no failover", async () => {
    const s = await tenant(t, [{ upstream: A }, { upstream: B }]);
    A.setDefault({ kind: "status", status: 400, message: "prompt is too long: 210000 tokens > 200000 maximum" });
    B.setDefault({ kind: "status", status: 400, message: "prompt is too long: 210000 tokens > 200000 maximum" });
    const r = await send(s.key);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.message).toMatch(/prompt is too long/);
    expect(A.requests.length + B.requests.length).toBe(1);
  });
});

describe("timeouts", () => {
  it("gives up on a provider that sends no first byte in time (524), and fails over", async () => {
    const s = await tenant(t, [
      { upstream: A, options: { priority: 0, firstByteTimeoutStreamingMs: 300, maxRetryAttempts: 1 } },
      { upstream: B, options: { priority: 1 } },
    ]);
    A.setDefault({ kind: "stall-before-headers" });
    const r = await send(s.key, { stream: true });
    expect(r.status).toBe(200);
    const chain = await chainOf(r.requestId);
    expect(chain.attempts[0]).toMatchObject({ providerId: s.providers[0], errorClass: "timeout" });
    expect(chain.attempts[1]).toMatchObject({ providerId: s.providers[1], reason: "failover" });
    // The stalled upstream call was abandoned, not left running.
    await expect.poll(() => A.requests[0]?.aborted).toBe(true);
  });

  it("answers 524 when the only provider times out", async () => {
    const s = await tenant(t, [{ upstream: A, options: { firstByteTimeoutStreamingMs: 200, maxRetryAttempts: 1 } }]);
    A.setDefault({ kind: "stall-before-headers" });
    const r = await send(s.key, { stream: true });
    expect(r.status).toBe(524);
    expect(JSON.parse(r.text).error.type).toBe("timeout_error");
  });

  it("ends a stream that goes silent after the commit point with a well-formed error event", async () => {
    const s = await tenant(t, [{ upstream: A, options: { streamingIdleTimeoutMs: 300 } }]);
    A.setDefault({ kind: "stall-mid-stream", afterEvents: 4 });
    const r = await send(s.key, { stream: true });
    expect(r.status).toBe(200);
    const events = r.text.trimEnd().split("\n\n");
    expect(events[events.length - 1]).toMatch(/^event: error\ndata: .*"type":"timeout_error"/);
  });
});

describe("circuit breakers", () => {
  const status = async (id: number) => (await t.hub.store.breakerStatus([id], Date.now()))[0];

  it("opens after N counted failures, skips the provider, and a reset reaches every instance at once", async () => {
    const s = await tenant(t, [
      { upstream: A, options: { priority: 0, maxRetryAttempts: 1, circuitBreakerFailureThreshold: 2 } },
      { upstream: B, options: { priority: 1 } },
    ]);
    // Different conversations each time: a sticky session would (rightly) stay on B.
    const fresh = (n: number) => ({ messages: [{ role: "user", content: `conversation ${n}` }] });
    A.setDefault({ kind: "status", status: 503 });
    await send(s.key, fresh(1));
    expect((await status(s.providers[0])).failures).toBe(1);
    await send(s.key, fresh(2));
    expect(await status(s.providers[0])).toMatchObject({ state: "open" });
    A.reset();
    const r = await send(s.key, fresh(3));
    expect(r.status).toBe(200);
    expect(A.requests).toHaveLength(0); // skipped while open
    const chain = await chainOf(r.requestId);
    expect(chain.filtered).toContainEqual(expect.objectContaining({ id: s.providers[0], reason: "breaker_open" }));

    // The second hub process, on the same database and Redis, sees the same open breaker…
    const viaPeer = await fetch(`${peer.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": s.key },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "conversation 4" }] }),
    });
    expect(viaPeer.status).toBe(200);
    expect(A.requests).toHaveLength(0);
    // …and a reset made on one instance (here from the admin API) takes effect on the other at once.
    await t.admin("providers/resetBreaker", { id: s.providers[0] });
    const afterReset = await fetch(`${peer.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": s.key },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "conversation 5" }] }),
    });
    expect(afterReset.status).toBe(200);
    expect(A.requests).toHaveLength(1);
  });

  it("does not count client errors, 404s, aborts or count_tokens", async () => {
    const s = await tenant(t, [{ upstream: A, options: { maxRetryAttempts: 1, circuitBreakerFailureThreshold: 1 } }]);
    A.enqueue({ kind: "status", status: 400, message: "prompt is too long: 1 > 0" }, { kind: "status", status: 404, message: "model not found" });
    await send(s.key);
    await send(s.key);
    A.enqueue({ kind: "status", status: 500 });
    await fetch(`${t.url}/v1/messages/count_tokens`, { method: "POST", headers: { "x-api-key": s.key }, body: JSON.stringify({ model: MODEL, messages: [] }) });
    const controller = new AbortController();
    A.enqueue({ chunks: 10, chunkDelayMs: 200 });
    const res = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": s.key },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, stream: true, messages: [{ role: "user", content: "x" }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await expect.poll(() => A.requests.at(-1)?.aborted).toBe(true);
    await t.flushLogs();
    expect(await status(s.providers[0])).toMatchObject({ state: "closed", failures: 0 });
  });
});

describe("sticky sessions", () => {
  it("keeps a conversation on one provider, and moves it when that provider fails", async () => {
    const s = await tenant(t, [{ upstream: A }, { upstream: B }]);
    const session = { "x-claude-code-session-id": "11111111-2222-3333-4444-555555555555" };
    const first = await send(s.key, {}, session);
    const firstChain = await chainOf(first.requestId);
    const bound = firstChain.attempts[0].providerId;
    for (let i = 0; i < 8; i++) {
      const r = await send(s.key, {}, session);
      expect((await chainOf(r.requestId)).attempts[0]).toMatchObject({ providerId: bound, reason: "session_reuse" });
    }
    // The bound provider starts failing: failover rebinds the session to the other one.
    const [boundUpstream, other] = bound === s.providers[0] ? [A, s.providers[1]] : [B, s.providers[0]];
    boundUpstream.setDefault({ kind: "status", status: 500 });
    const moved = await send(s.key, {}, session);
    expect(moved.status).toBe(200);
    boundUpstream.setDefault(undefined);
    const next = await send(s.key, {}, session);
    expect((await chainOf(next.requestId)).attempts[0]).toMatchObject({ providerId: other, reason: "session_reuse" });
  });

  it("reads the session from metadata.user_id in both of Claude Code's forms", async () => {
    const s = await tenant(t, [{ upstream: A }, { upstream: B }]);
    const json = { user_id: JSON.stringify({ device_id: "d", account_uuid: "", session_id: "aaaaaaaa-0000-0000-0000-000000000001" }) };
    const legacy = { user_id: "user_abc_account__session_aaaaaaaa-0000-0000-0000-000000000001" };
    const r1 = await send(s.key, { metadata: json });
    const r2 = await send(s.key, { metadata: legacy });
    const [c1, c2] = [await chainOf(r1.requestId), await chainOf(r2.requestId)];
    expect(c1.session?.id).toBe("aaaaaaaa-0000-0000-0000-000000000001");
    expect(c2.session).toMatchObject({ id: "aaaaaaaa-0000-0000-0000-000000000001", reused: true });
    expect(c2.attempts[0].providerId).toBe(c1.attempts[0].providerId);
  });

  it("two hub processes sharing PostgreSQL and Redis keep a session on the same provider", async () => {
    const s = await tenant(t, [{ upstream: A }, { upstream: B }]);
    const headers = { "x-claude-code-session-id": "99999999-2222-3333-4444-555555555555" };
    const first = await send(s.key, {}, headers);
    const bound = (await chainOf(first.requestId)).attempts[0].providerId;
    const upstreamOf = (id: number) => (id === s.providers[0] ? A : B);
    const before = upstreamOf(bound).requests.length;
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${peer.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": s.key, ...headers },
        body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
      });
      expect(r.status).toBe(200);
    }
    expect(upstreamOf(bound).requests.length - before).toBe(5);
  });
});

describe("no leaked slot", () => {
  it("after a burst of successes, failures and client aborts, nothing stays held", async () => {
    const s = await tenant(t, [
      { upstream: A, options: { limitConcurrentSessions: 100, maxRetryAttempts: 1 } },
      { upstream: B, options: { limitConcurrentSessions: 100 } },
    ]);
    await t.admin("keys/update", { id: s.keyId, limitConcurrentSessions: 100, limitDailyUsd: 100 });
    const behaviours = [
      { chunks: 5, chunkDelayMs: 50 },
      { kind: "status", status: 500 },
      { kind: "reset-mid-stream", afterEvents: 3 },
      { kind: "stall-before-headers", ms: 3000 },
    ];
    const client = new Anthropic({ baseURL: t.url, apiKey: s.key, maxRetries: 0 });
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const controller = new AbortController();
        const behaviour = JSON.stringify(behaviours[i % behaviours.length]);
        if (i % 5 === 0) setTimeout(() => controller.abort(), 100);
        try {
          const stream = client.messages.stream(
            { model: MODEL, max_tokens: 10, messages: [{ role: "user", content: `req ${i}` }] },
            { signal: controller.signal, headers: { "x-fake-behaviour": behaviour, "x-claude-code-session-id": `sess-${i}` } },
          );
          await stream.finalMessage();
        } catch {
          // aborted, failed over, or failed: all fine here
        }
      }),
    );
    await t.flushLogs();
    const now = Date.now();
    await expect
      .poll(async () => Promise.all([`k:${s.keyId}`, `u:${s.userId}`, `p:${s.providers[0]}`, `p:${s.providers[1]}`].map((scope) => t.hub.store.inFlight(scope, now))), { timeout: 5000 })
      .toEqual(Array(4).fill({ requests: 0, sessions: 0, reservedNano: 0 }));
  }, 30_000);
});

/** The test hub's store prefix, so a second instance can share its Redis state. */
function storePrefix(hub: TestHub): string {
  return (hub.hub.store as unknown as { keys: { quota: { prefix: string } } }).keys.quota.prefix.replace(/\{q\}$/, "");
}

