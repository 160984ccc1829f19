/**
 * The daily leaderboard notification with an injected clock: at the time the admin set (in the
 * system time zone) the job ranks yesterday's users by cost from the usage ledger and the
 * target receives it once; the same occurrence does not run twice, and a failed price sync is
 * reported as a system problem through the scheduler's hook.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../test-support/hub.ts";
import { ledgerRowFor, requestLogRow } from "../../test-support/log-records.ts";
import { startReceiver, type Receiver } from "../../test-support/notification-receiver.ts";
import { JobScheduler } from "../jobs/scheduler.ts";
import { MemoryStore } from "../store/memory-store.ts";

let t: TestHub;
let receiver: Receiver;
let now = Date.parse("2026-12-07T08:59:00.000Z");

const bodies = () => receiver.requests.map((r) => JSON.parse(r.body) as { event: string; id: string; title: string; text: string; data: Record<string, unknown> });

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startTestHub({ now: () => now, notifications: { sleep: async () => undefined, timeoutMs: 2_000 } });
  await t.admin("notifications/create", { name: "hook", type: "webhook", events: ["leaderboard.daily", "system.price_sync_failed"], config: { url: `${receiver.url}/h`, secret: "leaderboard-secret-0123456789" } });
  await t.admin("notifications/updateSettings", { leaderboardTime: "09:00", leaderboardTopN: 2 });
  await t.hub.notifications.directory.reload();
  const alice = await t.admin<{ id: number }>("users/create", { name: "alice" });
  const bob = await t.admin<{ id: number }>("users/create", { name: "bob" });
  const carol = await t.admin<{ id: number }>("users/create", { name: "carol" });
  const keyOf = async (userId: number) => (await t.admin<{ id: number }>("keys/create", { userId, name: "k" })).id;
  const spend = [
    { userId: alice.id, keyId: await keyOf(alice.id), cost: "3.000000000", at: "2026-12-06T10:00:00.000Z" },
    { userId: bob.id, keyId: await keyOf(bob.id), cost: "2.500000000", at: "2026-12-06T11:00:00.000Z" },
    { userId: bob.id, keyId: 0, cost: "2.500000000", at: "2026-12-06T23:59:00.000Z" },
    { userId: carol.id, keyId: await keyOf(carol.id), cost: "1.000000000", at: "2026-12-06T12:00:00.000Z" },
    // Today: not part of yesterday's board.
    { userId: carol.id, keyId: 0, cost: "50.000000000", at: "2026-12-07T01:00:00.000Z" },
  ];
  spend.forEach((s, i) => {
    const keyId = s.keyId || spend.find((x) => x.userId === s.userId && x.keyId)!.keyId;
    const row = requestLogRow({ requestId: `lb-${i}`, createdAt: s.at, userId: s.userId, keyId, costUsd: s.cost, inputTokens: 100, outputTokens: 10 });
    t.hub.logWriter.enqueue({ requestLog: row, ledger: { ...ledgerRowFor(row), costUsd: s.cost } });
  });
  await t.flushLogs();
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe("daily leaderboard", () => {
  it("is sent once at the set time with yesterday's top users by cost", async () => {
    const scheduler = t.hub.notifications.leaderboardScheduler;
    await scheduler.tick(); // plans 09:00
    await t.hub.notifications.dispatcher.idle();
    expect(receiver.requests).toHaveLength(0);

    now = Date.parse("2026-12-07T09:00:20.000Z");
    expect(await scheduler.tick()).toEqual(["daily-leaderboard"]);
    await t.hub.notifications.dispatcher.idle();
    expect(bodies()).toHaveLength(1);
    expect(bodies()[0]).toMatchObject({
      event: "leaderboard.daily",
      id: "leaderboard:2026-12-06",
      title: "Daily leaderboard for 2026-12-06",
      data: { day: "2026-12-06", ranking: "1. bob — $5.00, 2 requests, 220 tokens\n2. alice — $3.00, 1 requests, 110 tokens" },
    });

    now = Date.parse("2026-12-07T09:01:00.000Z");
    expect(await scheduler.tick()).toEqual([]);
    await t.hub.notifications.dispatcher.idle();
    expect(bodies()).toHaveLength(1);
    const run = await t.hub.db.prisma.jobRun.findUnique({ where: { name: "daily-leaderboard" } });
    expect(run).toMatchObject({ lastStatus: "ok", lastMessage: "leaderboard for 2026-12-06 queued" });
  });

  it("a failed price sync is reported as a system problem", async () => {
    // The scheduler tells its hook how each run ended (the hub passes notifications.jobFinished).
    const scheduler = new JobScheduler(
      { db: t.hub.db.prisma, store: new MemoryStore(), logger: t.hub.logger, now: () => now, onFinished: (run) => t.hub.notifications.jobFinished(run) },
      [{ name: "price-sync", schedule: () => null, run: async () => Promise.reject(new Error("fetch failed (getaddrinfo ENOTFOUND)")) }],
    );
    await scheduler.runNow("price-sync");
    t.hub.notifications.jobFinished({ name: "log-cleanup", status: "failed", message: "not this one", startedAt: now });
    t.hub.notifications.jobFinished({ name: "price-sync", status: "ok", message: "12 added", startedAt: now });
    await t.hub.notifications.dispatcher.idle();
    const failed = bodies().filter((b) => b.event === "system.price_sync_failed");
    expect(failed).toEqual([expect.objectContaining({ title: "The price sync failed", data: { error: "fetch failed (getaddrinfo ENOTFOUND)" } })]);
  });
});
