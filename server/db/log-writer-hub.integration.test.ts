/**
 * The log writer inside a running hub: its spool belongs to one database (a hub started from
 * the same data directory on another DSN never replays it there), and the rows the database
 * refused are counted where an operator looks (/api/health/ready).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, withAdmin, type TestDatabase } from "../../test-support/databases.ts";
import { startTestHub } from "../../test-support/hub.ts";
import { ledgerRowFor, requestLogRow } from "../../test-support/log-records.ts";
import type { SqlQuery } from "./database.ts";
import { installationId, spoolDirFor } from "./installation.ts";

let first: TestDatabase;
let second: TestDatabase;
let dataDir: string;

async function setConnectable(database: TestDatabase, allowed: boolean) {
  await withAdmin(async (client) => {
    await client.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS ${allowed}`);
    if (!allowed) await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [database.name]);
  });
}

beforeAll(async () => {
  [first, second] = await Promise.all([createTestDatabase("spool_a"), createTestDatabase("spool_b")]);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "cch-spool-owner-"));
});
afterAll(async () => {
  await setConnectable(first, true).catch(() => undefined);
  await Promise.all([first.drop(), second.drop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs one query on a test database through a client of its own. */
async function onDatabase<T>(database: TestDatabase, work: (query: SqlQuery) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await work(async (sql, params) => (await client.query(sql, params)).rows);
  } finally {
    await client.end();
  }
}

const requestIds = (database: TestDatabase, requestId: string) =>
  onDatabase(database, async (query) => (await query("SELECT request_id FROM request_log WHERE request_id = $1", [requestId])).length);

describe("the spool belongs to its database", () => {
  it("is never replayed into another database started from the same data directory, and is written to its own", async () => {
    // Hub 1 on the first database spools a row at shutdown (its database refuses connections).
    const hub1 = await startTestHub({ database: first, env: { DATA_DIR: dataDir, LOG_WRITER_FLUSH_MS: "60000" } });
    const requestLog = requestLogRow({ requestId: "spooled-for-first" });
    await setConnectable(first, false);
    hub1.hub.logWriter.enqueue({ requestLog, ledger: ledgerRowFor(requestLog) });
    await hub1.hub.close();
    await setConnectable(first, true);
    expect(hub1.hub.logWriter.stats().spooled).toBe(1);

    // Hub 2: same data directory, another database. It must leave the first database's spool alone.
    const hub2 = await startTestHub({ database: second, env: { DATA_DIR: dataDir } });
    try {
      await hub2.flushLogs();
      await hub2.flushLogs();
      expect(await requestIds(second, "spooled-for-first")).toBe(0);
    } finally {
      await hub2.hub.close();
    }
    const firstSpool = spoolDirFor(dataDir, await onDatabase(first, installationId));
    expect(readdirSync(firstSpool).filter((f) => f.endsWith(".ndjson"))).toHaveLength(1);

    // Hub 3 on the first database again: the row lands where it belongs.
    const hub3 = await startTestHub({ database: first, env: { DATA_DIR: dataDir } });
    try {
      await hub3.flushLogs();
      await hub3.flushLogs();
      expect(await requestIds(first, "spooled-for-first")).toBe(1);
      expect(readdirSync(firstSpool).filter((f) => f.endsWith(".ndjson"))).toEqual([]);
    } finally {
      await hub3.hub.close();
    }
  });
});

describe("dead letters are visible to the operator", () => {
  it("counts a refused row in /api/health/ready while the rows around it are written", async () => {
    const t = await startTestHub();
    try {
      const good = requestLogRow({ requestId: "health-good" });
      const bad = requestLogRow({ requestId: "health-bad", durationMs: 2 ** 40 });
      t.hub.logWriter.enqueue({ requestLog: good, ledger: ledgerRowFor(good) });
      t.hub.logWriter.enqueue({ requestLog: bad, ledger: ledgerRowFor(bad) });
      await t.flushLogs();
      const ready = (await (await fetch(`${t.url}/api/health/ready`)).json()) as { logWriter: { deadLettered: number } };
      expect(ready.logWriter.deadLettered).toBe(1);
      expect(await t.hub.db.prisma.requestLog.count({ where: { requestId: "health-good" } })).toBe(1);
    } finally {
      await t.stop();
    }
  });
});
