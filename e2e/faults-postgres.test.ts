/**
 * PostgreSQL away for 60 s under steady traffic. The hub reaches its database through a TCP
 * proxy this test controls (the machine's PostgreSQL keeps running for everyone else); cutting
 * the proxy drops every connection and refuses new ones. Requests must keep being served from
 * the in-memory catalog, their log and ledger rows must wait (in memory, overflow spooled to
 * disk), and once the database is back every answered request has exactly one log row and one
 * ledger row, at the cost the upstream's usage implies.
 */
import { readdirSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { createTestDatabase, type TestDatabase } from "../test-support/databases.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";
import { startCuttableProxy, type CuttableProxy } from "../test-support/tcp-proxy.ts";
import { expectedCostNano, startTraffic } from "../test-support/traffic.ts";

const OUTAGE_MS = 60_000;
const SILENCE_MS = 20_000;

let fake: FakeUpstream;
let database: TestDatabase;
let proxy: CuttableProxy;
let t: TestHub;

beforeAll(async () => {
  fake = await startFakeUpstream();
  database = await createTestDatabase("faults_pg");
  proxy = await startCuttableProxy(Number(new URL(database.url).port || 5432), new URL(database.url).hostname);
  const viaProxy = new URL(database.url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  t = await startTestHub({
    database: { ...database, url: viaProxy.toString() },
    env: {
      LOG_WRITER_FLUSH_MS: "100",
      // Small enough that the outage's rows overflow to the spool on disk.
      LOG_WRITER_MAX_PENDING: "300",
      LOG_WRITER_BATCH_SIZE: "50",
      // Short, so the catalog's reloads and key refreshes hit the dead database during the outage.
      CACHE_TTL_SECONDS: "5",
    },
  });
}, 60_000);

afterAll(async () => {
  proxy?.restore();
  await t?.stop();
  await proxy?.close();
  await database?.drop();
  await fake?.close();
});

/** Straight to the database, not through the proxy. */
async function direct<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("PostgreSQL outage", () => {
  it(
    "serves every request through a 60 s outage and, after it, has one row per answer at the right cost",
    async () => {
      const tenant = await seedTenant(t, fake.url);
      const traffic = startTraffic({ url: () => t.url, key: tenant.key.key, workers: 2, pauseMs: 20 });
      await expect.poll(() => traffic.answers.length, { timeout: 10_000 }).toBeGreaterThan(20);

      proxy.cut();
      const beforeOutage = traffic.answers.length;
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      const duringOutage = traffic.answers.length - beforeOutage;
      const writer = t.hub.logWriter.stats();
      proxy.restore();

      await new Promise((r) => setTimeout(r, 2_000));
      await traffic.stop();

      // Served throughout: no error answer, no refused connection, every body complete.
      expect(traffic.failures).toEqual([]);
      expect(traffic.answers.filter((a) => a.status !== 200 || !a.complete)).toEqual([]);
      expect(duringOutage).toBeGreaterThan(100);
      // The rows waited: some in memory, the overflow on disk.
      expect(writer.failedFlushes).toBeGreaterThan(0);
      expect(writer.spooled).toBeGreaterThan(0);

      // Recovery: the writer drains its queue and its spool files (flush() ignores the backoff).
      await expect
        .poll(
          async () => {
            await t.flushLogs();
            const spoolFiles = readdirSync(t.hub.logWriter.spoolDir).filter((f) => f.endsWith(".ndjson"));
            return t.hub.logWriter.stats().pending + spoolFiles.length;
          },
          { timeout: 60_000, interval: 200 },
        )
        .toBe(0);

      const answered = traffic.answers.map((a) => a.requestId!);
      const logs = await direct<{ request_id: string }>("SELECT request_id FROM request_log");
      const ledger = await direct<{ request_id: string; cost_nano: string }>("SELECT request_id, (cost_usd * 1000000000)::bigint::text AS cost_nano FROM usage_ledger");
      expect(logs.length).toBe(answered.length);
      expect(new Set(logs.map((r) => r.request_id))).toEqual(new Set(answered));
      expect(ledger.length).toBe(answered.length);
      const billed = new Map(ledger.map((r) => [r.request_id, BigInt(r.cost_nano)]));
      const wrong = traffic.answers.filter((a) => billed.get(a.requestId!) !== expectedCostNano(a.inputTokens));
      expect(wrong).toEqual([]);
      expect(t.hub.logWriter.stats().deadLettered).toBe(0);
      console.info(`postgres outage: ${answered.length} answered (${duringOutage} during the ${OUTAGE_MS / 1000} s outage), ${logs.length} log rows, ${ledger.length} ledger rows, ${writer.spooled} rows spooled`);
    },
    180_000,
  );

  it(
    "keeps serving while PostgreSQL goes silent (packets dropped), writes every row once it answers, and can still stop",
    async () => {
      const tenant = await seedTenant(t, fake.url);
      const traffic = startTraffic({ url: () => t.url, key: tenant.key.key, workers: 2, pauseMs: 20 });
      await expect.poll(() => traffic.answers.length, { timeout: 10_000 }).toBeGreaterThan(20);

      // Connections opened now are never answered, not even after restore(): only a connect
      // timeout gets the hub's pool out of them.
      proxy.blackhole();
      await new Promise((r) => setTimeout(r, SILENCE_MS));
      proxy.restore();
      await new Promise((r) => setTimeout(r, 2_000));
      await traffic.stop();

      expect(traffic.failures).toEqual([]);
      expect(traffic.answers.filter((a) => a.status !== 200 || !a.complete)).toEqual([]);
      await expect
        .poll(
          async () => {
            await t.flushLogs();
            const spoolFiles = readdirSync(t.hub.logWriter.spoolDir).filter((f) => f.endsWith(".ndjson"));
            return t.hub.logWriter.stats().pending + spoolFiles.length;
          },
          { timeout: 45_000, interval: 500 },
        )
        .toBe(0);
      const answered = traffic.answers.map((a) => a.requestId!);
      const ids = `'${answered.join("','")}'`;
      const [counts] = await direct<{ logs: string; ledger: string }>(
        `SELECT (SELECT count(*) FROM request_log WHERE request_id IN (${ids})) AS logs, (SELECT count(*) FROM usage_ledger WHERE request_id IN (${ids})) AS ledger`,
      );
      expect({ logs: Number(counts.logs), ledger: Number(counts.ledger) }).toEqual({ logs: answered.length, ledger: answered.length });

      // Silent again, and the hub is told to stop: it does not wait on the database forever.
      proxy.blackhole();
      try {
        const stopped = await Promise.race([t.hub.close().then(() => "stopped"), new Promise((r) => setTimeout(r, 40_000, "hung"))]);
        expect(stopped).toBe("stopped");
      } finally {
        proxy.restore();
      }
      console.info(`postgres silent: ${answered.length} answered, ${counts.logs} log rows, ${counts.ledger} ledger rows`);
    },
    180_000,
  );
});
