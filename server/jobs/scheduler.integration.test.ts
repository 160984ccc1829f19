/**
 * The job scheduler with an injected clock, a real PostgreSQL (job_runs) and the real Redis
 * (the per-occurrence lock): a job runs at its time of day in the system time zone, once per
 * day, once across two instances racing for it; its run, result and next run are recorded.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from "../../test-support/databases.ts";
import { openDatabase, type Database } from "../db/database.ts";
import { createLogger } from "../logger.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { RedisStore } from "../store/redis-store.ts";
import type { Store } from "../store/store.ts";
import { JobScheduler, type ScheduledJob } from "./scheduler.ts";

let database: TestDatabase;
let db: Database;
const logger = createLogger("silent");
const stores: Store[] = [];

beforeAll(async () => {
  database = await createTestDatabase("scheduler");
  db = await openDatabase({ databaseUrl: database.url, dataDir: "unused", logger });
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await db.prisma.jobRun.deleteMany();
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

/** 03:00 in Asia/Shanghai (UTC+8) is 19:00 UTC the day before. */
const ZONE = "Asia/Shanghai";
const at = (iso: string) => Date.parse(iso);

function clock(start: number) {
  let t = start;
  return { now: () => t, set: (iso: string) => void (t = at(iso)) };
}

function countingJob(options: { time?: string | null; fail?: string; zone?: string } = {}) {
  const runs: number[] = [];
  const job: ScheduledJob = {
    name: "price-sync",
    schedule: () => (options.time === null ? null : { time: options.time ?? "03:00", timeZone: options.zone ?? ZONE }),
    async run(now) {
      runs.push(now);
      if (options.fail) throw new Error(options.fail);
      return `run ${runs.length}`;
    },
  };
  return { job, runs };
}

function redisStore(prefix: string) {
  const store = new RedisStore({ url: TEST_REDIS_URL, keyPrefix: prefix, logger });
  stores.push(store);
  return store;
}

const row = () => db.prisma.jobRun.findUnique({ where: { name: "price-sync" } });

describe("job scheduler", () => {
  it("runs a job at its time of day in the system time zone, once per day", async () => {
    const c = clock(at("2026-12-06T12:00:00Z")); // 20:00 in Shanghai
    const { job, runs } = countingJob();
    const store = new MemoryStore();
    stores.push(store);
    const scheduler = new JobScheduler({ db: db.prisma, store, logger, now: c.now }, [job]);

    expect(await scheduler.tick()).toEqual([]); // plans: next 03:00 Shanghai
    expect((await row())?.nextRunAt?.toISOString()).toBe("2026-12-06T19:00:00.000Z");

    c.set("2026-12-06T18:59:00Z");
    expect(await scheduler.tick()).toEqual([]);
    c.set("2026-12-06T19:00:30Z");
    expect(await scheduler.tick()).toEqual(["price-sync"]);
    c.set("2026-12-06T19:01:00Z");
    expect(await scheduler.tick()).toEqual([]);
    expect(runs).toEqual([at("2026-12-06T19:00:30Z")]);

    const recorded = await row();
    expect(recorded).toMatchObject({ lastStatus: "ok", lastMessage: "run 1" });
    expect(recorded?.lastStartedAt?.toISOString()).toBe("2026-12-06T19:00:30.000Z");
    expect(recorded?.nextRunAt?.toISOString()).toBe("2026-12-07T19:00:00.000Z");

    c.set("2026-12-07T19:00:00Z");
    expect(await scheduler.tick()).toEqual(["price-sync"]);
    expect(runs).toHaveLength(2);
  });

  it("re-plans when the admin changes the time, and does nothing while the job is off", async () => {
    const c = clock(at("2026-12-06T12:00:00Z"));
    let time: string | null = "03:00";
    const runs: number[] = [];
    const job: ScheduledJob = { name: "price-sync", schedule: () => (time ? { time, timeZone: "UTC" } : null), run: async (now) => (runs.push(now), "ok") };
    const store = new MemoryStore();
    stores.push(store);
    const scheduler = new JobScheduler({ db: db.prisma, store, logger, now: c.now }, [job]);
    await scheduler.tick();
    expect((await row())?.nextRunAt?.toISOString()).toBe("2026-12-07T03:00:00.000Z");
    time = "13:30";
    await scheduler.tick();
    expect((await row())?.nextRunAt?.toISOString()).toBe("2026-12-06T13:30:00.000Z");
    time = null;
    await scheduler.tick();
    expect((await row())?.nextRunAt).toBeNull();
    c.set("2026-12-06T13:31:00Z");
    expect(await scheduler.tick()).toEqual([]);
    expect(runs).toEqual([]);
  });

  it("records a failed run with its message and still plans the next one", async () => {
    const c = clock(at("2026-12-06T12:00:00Z"));
    const { job } = countingJob({ fail: "the price file could not be downloaded: HTTP 503" });
    const store = new MemoryStore();
    stores.push(store);
    const scheduler = new JobScheduler({ db: db.prisma, store, logger, now: c.now }, [job]);
    await scheduler.tick();
    c.set("2026-12-06T19:00:00Z");
    expect(await scheduler.tick()).toEqual(["price-sync"]);
    expect(await row()).toMatchObject({ lastStatus: "failed", lastMessage: "the price file could not be downloaded: HTTP 503" });
    expect((await row())?.nextRunAt?.toISOString()).toBe("2026-12-07T19:00:00.000Z");
  });

  it("runs a job once when two instances race for it, and once when the second ticks after the first finished", async () => {
    const prefix = `test:${process.pid}:${Math.random().toString(36).slice(2)}:`;
    const c = clock(at("2026-12-06T12:00:00Z"));
    const a = countingJob();
    const b = countingJob();
    const one = new JobScheduler({ db: db.prisma, store: redisStore(prefix), logger, now: c.now }, [a.job]);
    const two = new JobScheduler({ db: db.prisma, store: redisStore(prefix), logger, now: c.now }, [b.job]);
    await Promise.all([one.tick(), two.tick()]);

    c.set("2026-12-06T19:00:05Z");
    const ran = await Promise.all([one.tick(), two.tick()]);
    expect(ran.flat()).toEqual(["price-sync"]);
    expect(a.runs.length + b.runs.length).toBe(1);

    // Next day: the first instance runs and finishes; the second ticks a minute later.
    c.set("2026-12-07T19:00:00Z");
    expect(await one.tick()).toEqual(["price-sync"]);
    c.set("2026-12-07T19:01:00Z");
    expect(await two.tick()).toEqual([]);
    expect(a.runs.length + b.runs.length).toBe(2);
  });

  it("skips an occurrence rather than risk running it twice when the store is unreachable", async () => {
    const c = clock(at("2026-12-06T12:00:00Z"));
    const { job, runs } = countingJob();
    const store = new MemoryStore();
    const failing = { tryLock: () => Promise.reject(new Error("store closed")) };
    stores.push(store);
    const scheduler = new JobScheduler({ db: db.prisma, store: failing, logger, now: c.now }, [job]);
    await scheduler.tick();
    c.set("2026-12-06T19:00:00Z");
    expect(await scheduler.tick()).toEqual([]);
    expect(runs).toEqual([]);
    expect((await row())?.nextRunAt?.toISOString()).toBe("2026-12-07T19:00:00.000Z");
  });

  it("keeps running the other jobs when one's stored time cannot be planned", async () => {
    const c = clock(at("2026-12-06T12:00:00Z"));
    const { job: broken, runs: brokenRuns } = countingJob({ time: "25:00" });
    const cleanupRuns: number[] = [];
    const cleanup: ScheduledJob = { name: "log-cleanup", schedule: () => ({ time: "13:00", timeZone: "UTC" }), run: async (now) => (cleanupRuns.push(now), "0 deleted") };
    const store = new MemoryStore();
    stores.push(store);
    const scheduler = new JobScheduler({ db: db.prisma, store, logger, now: c.now }, [broken, cleanup]);
    await expect(scheduler.tick()).resolves.toEqual([]);
    c.set("2026-12-06T13:00:00Z");
    expect(await scheduler.tick()).toEqual(["log-cleanup"]);
    expect(cleanupRuns).toHaveLength(1);
    expect(brokenRuns).toEqual([]);
  });
});
