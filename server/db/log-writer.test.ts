/**
 * The writer's bookkeeping while a write is under way, against a fake database whose answers
 * the test releases: rows queued meanwhile, overflow spooled meanwhile, and a write that never
 * answers at shutdown. (Real PostgreSQL behaviour is in log-writer.integration.test.ts.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requestLogRow } from "../../test-support/log-records.ts";
import { createLogger } from "../logger.ts";
import type { SqlQuery } from "./database.ts";
import { LogWriter } from "./log-writer.ts";

let spoolDir: string;
beforeEach(() => {
  spoolDir = mkdtempSync(path.join(os.tmpdir(), "cch-writer-unit-"));
});
afterEach(() => rmSync(spoolDir, { recursive: true, force: true }));

/** A database that stores the request ids of each batch once the test lets the write finish. */
function heldDatabase() {
  const stored = new Set<string>();
  const waiting: Array<() => void> = [];
  let hold = true;
  const sql = (async (_text: string, params?: unknown[]) => {
    const ids = (JSON.parse(params![0] as string) as Array<{ request_id: string }>).map((r) => r.request_id);
    if (hold) await new Promise<void>((resolve) => waiting.push(resolve));
    for (const id of ids) stored.add(id);
    return [];
  }) as SqlQuery;
  return {
    sql,
    stored,
    get waiting() {
      return waiting.length;
    },
    release() {
      hold = false;
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

const record = (requestId: string) => ({ requestLog: requestLogRow({ requestId }) });

describe("LogWriter bookkeeping", () => {
  it("loses no row when the queue overflows to the spool while a batch is being written", async () => {
    const db = heldDatabase();
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 60_000, batchSize: 2, maxPending: 3, spoolDir });
    writer.enqueue(record("r1"));
    writer.enqueue(record("r2")); // a full batch: the write starts and is held
    await expect.poll(() => db.waiting).toBe(1);
    writer.enqueue(record("r3"));
    writer.enqueue(record("r4")); // over maxPending while r1, r2 are being written: overflow spooled
    db.release();
    // The queue, then the spool file once its (asynchronous) append has landed.
    await expect.poll(async () => (await writer.flush(), db.stored.size)).toBe(4);
    expect([...db.stored].sort()).toEqual(["r1", "r2", "r3", "r4"]);
    await writer.close(100);
  });

  it("spools at shutdown a batch whose write never answers", async () => {
    const db = heldDatabase();
    const writer = new LogWriter(db.sql, createLogger("silent"), { flushMs: 60_000, batchSize: 2, maxPending: 100, spoolDir });
    writer.enqueue(record("s1"));
    writer.enqueue(record("s2"));
    await expect.poll(() => db.waiting).toBe(1);
    writer.enqueue(record("s3"));
    await writer.close(100);
    expect(writer.stats().spooled).toBe(3);

    // The next process writes all three from the spool.
    const next = heldDatabase();
    next.release();
    const restarted = new LogWriter(next.sql, createLogger("silent"), { flushMs: 60_000, batchSize: 50, maxPending: 100, spoolDir });
    await restarted.start();
    await expect.poll(async () => (await restarted.flush(), [...next.stored].sort())).toEqual(["s1", "s2", "s3"]);
    await restarted.close(100);
  });
});
