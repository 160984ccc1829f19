/**
 * The batched writer against a real PostgreSQL that goes away and comes back: nothing is lost,
 * overflow goes to the spool on disk, and a ledger row is never written twice.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, withAdmin, type TestDatabase } from "../../test-support/databases.ts";
import { ledgerRowFor, requestLogRow } from "../../test-support/log-records.ts";
import { createLogger } from "../logger.ts";
import { openDatabase, type Database } from "./database.ts";
import { LogWriter, type LogRecord } from "./log-writer.ts";

let database: TestDatabase;
let db: Database;
let spoolDir: string;

function record(requestId: string, billed = true): LogRecord {
  const requestLog = requestLogRow({ requestId });
  return { requestLog, ledger: billed ? ledgerRowFor(requestLog) : undefined };
}

async function setConnectable(allowed: boolean) {
  await withAdmin(async (client) => {
    await client.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS ${allowed}`);
    if (!allowed) await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [database.name]);
  });
}

beforeAll(async () => {
  database = await createTestDatabase("logwriter");
  db = await openDatabase({ databaseUrl: database.url, dataDir: "unused", logger: createLogger("silent") });
  spoolDir = mkdtempSync(path.join(os.tmpdir(), "cch-spool-"));
});

afterAll(async () => {
  await setConnectable(true).catch(() => undefined);
  await db.close();
  await database.drop();
  rmSync(spoolDir, { recursive: true, force: true });
});

describe("LogWriter", () => {
  it("writes queued rows in batches, log and ledger together", async () => {
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 10_000, batchSize: 2, maxPending: 100, spoolDir });
    for (let i = 0; i < 5; i++) writer.enqueue(record(`batch-${i}`, i % 2 === 0));
    await writer.flush();
    expect(await db.prisma.requestLog.count({ where: { requestId: { startsWith: "batch-" } } })).toBe(5);
    expect(await db.prisma.usageLedger.count({ where: { requestId: { startsWith: "batch-" } } })).toBe(3);
    expect(writer.stats()).toMatchObject({ pending: 0, written: 5 });
  });

  it("never writes a ledger row twice for the same request", async () => {
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 10_000, batchSize: 10, maxPending: 100, spoolDir });
    writer.enqueue(record("dup-1"));
    await writer.flush();
    writer.enqueue(record("dup-1"));
    await writer.flush();
    expect(await db.prisma.usageLedger.count({ where: { requestId: "dup-1" } })).toBe(1);
  });

  it("keeps rows while the database is away, spools the overflow, and writes everything when it returns", async () => {
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 10_000, batchSize: 2, maxPending: 3, spoolDir });
    await writer.start();
    await setConnectable(false);
    try {
      for (let i = 0; i < 8; i++) writer.enqueue(record(`outage-${i}`));
      await writer.flush(); // fails: the database refuses connections
      await expect.poll(() => writer.stats().pending + writer.stats().spooled).toBe(8);
      expect(writer.stats().pending).toBeLessThanOrEqual(3);
      expect(readdirSync(spoolDir).length).toBeGreaterThan(0);
      expect(writer.stats().failedFlushes).toBeGreaterThan(0);
    } finally {
      await setConnectable(true);
    }
    // The queue is written first, then the spool files are re-queued and written.
    for (let i = 0; i < 10 && (writer.stats().pending > 0 || readdirSync(spoolDir).length > 0); i++) await writer.flush();
    await writer.flush();
    expect(await db.prisma.requestLog.count({ where: { requestId: { startsWith: "outage-" } } })).toBe(8);
    expect(await db.prisma.usageLedger.count({ where: { requestId: { startsWith: "outage-" } } })).toBe(8);
    expect(readdirSync(spoolDir)).toEqual([]);
    await writer.close(1000);
  });

  it("spools what it cannot write at shutdown, and a new writer picks it up", async () => {
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 10_000, batchSize: 50, maxPending: 100, spoolDir });
    await setConnectable(false);
    try {
      writer.enqueue(record("shutdown-1"));
      await writer.close(300);
      expect(readdirSync(spoolDir).length).toBe(1);
    } finally {
      await setConnectable(true);
    }
    const next = new LogWriter(db.sql, createLogger("silent"), { flushMs: 10_000, batchSize: 50, maxPending: 100, spoolDir });
    await next.start();
    await next.flush(); // re-queues the spool file
    await next.flush(); // writes it
    expect(await db.prisma.requestLog.count({ where: { requestId: "shutdown-1" } })).toBe(1);
    await next.close(1000);
  });
});
