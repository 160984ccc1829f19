/**
 * Notifications end to end: a real hub (PostgreSQL, Redis), a fake Anthropic upstream and a local
 * WeCom-style receiver. A provider that fails opens its breaker and the team's robot is told;
 * the admin's reset closes it and the robot is told that too; a provider whose daily spend
 * passes the alert percentage raises one quota alert. The watchers are driven by calling the
 * hub's tick (what its timer does every 15 s), so nothing waits on wall-clock time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { startReceiver, type Receiver } from "../test-support/notification-receiver.ts";
import { startTestHub, type TestHub } from "../test-support/hub.ts";

const MODEL = "claude-sonnet-4-5";
let A: FakeUpstream;
let t: TestHub;
let receiver: Receiver;
let targetId: number;

beforeAll(async () => {
  [A, receiver] = await Promise.all([startFakeUpstream(), startReceiver()]);
  t = await startTestHub({ notifications: { sleep: async () => undefined, timeoutMs: 2_000 } });
  ({ id: targetId } = await t.admin<{ id: number }>("notifications/create", {
    name: "team robot",
    type: "wecom",
    events: ["provider.breaker_opened", "provider.breaker_closed", "quota.alert", "system.unpriced_model"],
    config: { url: `${receiver.url}/cgi-bin/webhook/send?key=team` },
  }));
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await Promise.all([A?.close(), receiver?.close()]);
});

async function tenant(name: string, provider: Record<string, unknown>) {
  const user = await t.admin<{ id: number }>("users/create", { name: `u-${name}`, providerGroup: name });
  const key = await t.admin<{ key: string }>("keys/create", { userId: user.id, name: "k" });
  const created = await t.admin<{ id: number }>("providers/create", { name, url: A.url, key: `sk-${name}`, providerType: "claude", groupTag: name, ...provider });
  return { key: key.key, providerId: created.id };
}

async function send(key: string, text = "hi") {
  const res = await fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: text }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** One look by the watchers, then every queued message delivered. */
async function look() {
  await t.flushLogs();
  await t.hub.notifications.tick();
  await t.hub.notifications.dispatcher.idle();
}

const contents = () => receiver.requests.map((r) => (JSON.parse(r.body) as { markdown: { content: string } }).markdown.content);

describe("a team robot", () => {
  it("is told when a provider's breaker opens and when it closes", async () => {
    const s = await tenant("flaky-vendor", { maxRetryAttempts: 1, circuitBreakerFailureThreshold: 1 });
    await look(); // the watchers' first look at this provider: what is, not what changed
    const before = receiver.requests.length;
    A.enqueue({ kind: "status", status: 503 });
    expect(await send(s.key)).toBeGreaterThanOrEqual(500);
    await look();
    await look(); // still open: nothing new
    expect(contents().slice(before)).toEqual([expect.stringMatching(/^\*\*Provider flaky-vendor: circuit breaker opened\*\*\n\n1 counted failures; requests skip this provider until /)]);

    await t.admin("providers/resetBreaker", { id: s.providerId });
    await look();
    expect(contents().slice(before)).toHaveLength(2);
    expect(contents().at(-1)).toBe("**Provider flaky-vendor: circuit breaker closed**\n\nThe provider answers again and takes requests.");
    const log = await t.admin<{ items: Array<{ event: string; status: string }> }>("notifications/deliveries", { id: targetId });
    expect(log.items.slice(0, 2)).toEqual([
      expect.objectContaining({ event: "provider.breaker_closed", status: "sent" }),
      expect.objectContaining({ event: "provider.breaker_opened", status: "sent" }),
    ]);
  });

  it("gets one quota alert when a provider's daily spend passes the alert percentage", async () => {
    // A daily limit so small that one answer passes 80 % of it.
    const s = await tenant("metered-vendor", { limitDailyUsd: 0.000001 });
    const before = receiver.requests.length;
    expect(await send(s.key)).toBe(200);
    await look();
    expect(contents().slice(before)).toEqual([expect.stringMatching(/^\*\*Quota alert: provider metered-vendor at \d+% of its daily limit\*\*/)]);
    await send(s.key, "again"); // refused or served, the same window is not alerted twice
    await look();
    expect(receiver.requests.length - before).toBe(1);
  });

  it("is told when a model without a price is billed at $0, once however many requests", async () => {
    const s = await tenant("any-model-vendor", {});
    const before = receiver.requests.length;
    const ask = (model: string) =>
      fetch(`${t.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": s.key },
        body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
      }).then((r) => r.arrayBuffer());
    await ask("house-model-7b");
    await ask("house-model-7b");
    await look();
    expect(contents().slice(before)).toEqual(["**Model without a price: house-model-7b**\n\nIts requests are billed at $0 until it has a price (add one on the Prices page, or let the price sync find it)."]);
  });
});
