/**
 * The batched writer against a real PostgreSQL that goes away and comes back: nothing is lost,
 * overflow goes to the spool on disk, and a ledger row is never written twice. And against rows
 * PostgreSQL refuses: they are set aside, and every other row is still written.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, withAdmin, type TestDatabase } from "../../test-support/databases.ts";
import { ledgerRowFor, requestLogRow } from "../../test-support/log-records.ts";
import { createLogger } from "../logger.ts";
import { openDatabase, type Database } from "./database.ts";
import { DEAD_LETTER_DIR, LogWriter, type DeadLetterEvent, type LogRecord } from "./log-writer.ts";

let database: TestDatabase;
let db: Database;
let spoolDir: string;

function record(requestId: string, billed = true, fields: Partial<LogRecord["requestLog"]> = {}): LogRecord {
  const requestLog = requestLogRow({ requestId, ...fields });
  return { requestLog, ledger: billed ? ledgerRowFor(requestLog) : undefined };
}

/** The spool directory of one test: the dead-letter file of one test must not be read by another. */
function freshSpoolDir() {
  return mkdtempSync(path.join(spoolDir, "t-"));
}

function deadLetters(dir: string): Array<{ sqlState?: string; record?: LogRecord; raw?: string }> {
  const deadDir = path.join(dir, DEAD_LETTER_DIR);
  return readdirSync(deadDir).flatMap((f) =>
    readFileSync(path.join(deadDir, f), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  );
}

async function stored(prefix: string) {
  const [logs, ledger] = await Promise.all([
    db.prisma.requestLog.findMany({ where: { requestId: { startsWith: prefix } }, orderBy: { requestId: "asc" } }),
    db.prisma.usageLedger.count({ where: { requestId: { startsWith: prefix } } }),
  ]);
  return { ids: logs.map((r) => r.requestId), logs, ledger };
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
      // Unreachable is not refused: every row is kept, none is set aside.
      expect(writer.stats().deadLettered).toBe(0);
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

  it("sets aside a row PostgreSQL refuses, writes the rows around it, and keeps going", async () => {
    const dir = freshSpoolDir();
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 10_000, batchSize: 50, maxPending: 100, spoolDir: dir });
    const events: DeadLetterEvent[] = [];
    writer.onDeadLetter((event) => events.push(event));
    // 2^31 tokens (an upstream's absurd usage report) is out of range for the integer column:
    // PostgreSQL refuses the whole statement, whatever the writer bounds.
    writer.enqueue(record("refused-1"));
    writer.enqueue(record("refused-2"));
    writer.enqueue(record("refused-3-bad", true, { inputTokens: 2 ** 31 }));
    writer.enqueue(record("refused-4"));
    writer.enqueue(record("refused-5"));
    await writer.flush();
    const after = await stored("refused-");
    expect(after.ids).toEqual(["refused-1", "refused-2", "refused-4", "refused-5"]);
    expect(after.ledger).toBe(4);
    expect(writer.stats()).toMatchObject({ pending: 0, deadLettered: 1 });
    expect(events).toEqual([expect.objectContaining({ requestId: "refused-3-bad", sqlState: "22003" })]);
    expect(deadLetters(dir)).toEqual([expect.objectContaining({ sqlState: "22003", record: expect.objectContaining({ requestLog: expect.objectContaining({ requestId: "refused-3-bad" }) }) })]);

    // Later batches flow as before.
    writer.enqueue(record("refused-6"));
    await writer.flush();
    expect((await stored("refused-")).ids).toContain("refused-6");
    expect(writer.stats().deadLettered).toBe(1);
    await writer.close(1000);
  });

  it("stores a 3 kB model name and a 2 MB error message cut to size instead of wedging on them", async () => {
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 10_000, batchSize: 50, maxPending: 100, spoolDir: freshSpoolDir() });
    const hugeModel = "claude-".padEnd(3_000, "x"); // over the btree entry limit of request_log(model, created_at)
    writer.enqueue(record("bounds-1"));
    writer.enqueue(record("bounds-2-model", true, { model: hugeModel, sessionId: "s".repeat(4_000) }));
    writer.enqueue(record("bounds-3-error", false, { statusCode: 502, errorMessage: "e".repeat(2_000_000), userAgent: "ua\u0000\ud800" }));
    writer.enqueue(record("bounds-4"));
    await writer.flush();
    const after = await stored("bounds-");
    expect(after.ids).toEqual(["bounds-1", "bounds-2-model", "bounds-3-error", "bounds-4"]);
    expect(after.ledger).toBe(3);
    const model = after.logs[1].model!;
    expect(model.length).toBeLessThan(1_000);
    expect(hugeModel.startsWith(model.slice(0, -1))).toBe(true);
    expect(model.endsWith("…")).toBe(true);
    expect(after.logs[2].errorMessage!.length).toBeLessThan(20_000);
    expect(after.logs[2].userAgent).toBe("ua\ufffd\ufffd");
    expect(writer.stats()).toMatchObject({ pending: 0, deadLettered: 0 });
    writer.enqueue(record("bounds-5"));
    await writer.flush();
    expect((await stored("bounds-")).ids).toContain("bounds-5");
    await writer.close(1000);
  });

  it("replays a spool file cut short by a crash and holding a refused row: the good rows land, the rest is set aside", async () => {
    const dir = freshSpoolDir();
    const lines = [record("replay-1"), record("replay-2-bad", true, { outputTokens: -1, costUsd: "1e30" }), record("replay-3")].map((r) => JSON.stringify(r));
    // The process was killed while appending the last line.
    writeFileSync(path.join(dir, "requests-1-1-aaaaaa.ndjson"), `${lines.join("\n")}\n${lines[0].slice(0, 40)}`);
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 10_000, batchSize: 50, maxPending: 100, spoolDir: dir });
    await writer.start();
    await writer.flush();
    expect((await stored("replay-")).ids).toEqual(["replay-1", "replay-3"]);
    expect(writer.stats().deadLettered).toBe(2);
    const set = deadLetters(dir);
    expect(set.map((l) => l.record?.requestLog.requestId ?? "unreadable")).toEqual(["unreadable", "replay-2-bad"]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".ndjson"))).toEqual([]);
    await writer.close(1000);
  });
});
