import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test-support/databases.ts";
import { openDatabase, type Database } from "../db/database.ts";
import { createLogger } from "../logger.ts";
import { cleanupRequestLog } from "./log-cleanup.ts";

let database: TestDatabase;
let db: Database;
const DAY = 86_400_000;
const now = Date.parse("2026-11-27T12:00:00Z");

beforeAll(async () => {
  database = await createTestDatabase("cleanup");
  db = await openDatabase({ databaseUrl: database.url, dataDir: "unused", logger: createLogger("silent") });
  for (const [id, ageDays] of [["old-1", 40], ["old-2", 31], ["new-1", 29], ["new-2", 1]] as const) {
    const createdAt = new Date(now - ageDays * DAY);
    await db.prisma.requestLog.create({ data: { requestId: id, createdAt, endpoint: "/v1/messages", apiFormat: "claude", statusCode: 200 } });
    await db.prisma.usageLedger.create({ data: { requestId: id, createdAt, userId: 1, keyId: 1, apiFormat: "claude", statusCode: 200, costUsd: "0.5" } });
  }
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

describe("request-log cleanup", () => {
  it("deletes log rows older than the retention and leaves the usage ledger as it was", async () => {
    expect(await cleanupRequestLog(db.sql, 30, now)).toBe(2);
    const left = await db.prisma.requestLog.findMany({ select: { requestId: true }, orderBy: { requestId: "asc" } });
    expect(left.map((r) => r.requestId)).toEqual(["new-1", "new-2"]);
    const ledger = await db.prisma.usageLedger.aggregate({ _count: { _all: true }, _sum: { costUsd: true } });
    expect(ledger._count._all).toBe(4);
    expect(Number(ledger._sum.costUsd)).toBe(2);
    expect(await cleanupRequestLog(db.sql, 30, now)).toBe(0);
  });
});
