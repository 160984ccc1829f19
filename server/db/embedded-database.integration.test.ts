/**
 * The embedded database under parallel queries. pglite-socket runs every protocol message of
 * every connection against the one PGlite session in arrival order, so two connections' Parse
 * and Bind messages can interleave and a Bind meets the other query's unnamed statement
 * ("bind message supplies 3 parameters, but prepared statement \"\" requires 1"). This fired
 * on the sessions page in a browser journey; the hub must never let two queries race there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "./database.ts";
import { createLogger } from "../logger.ts";

describe("embedded database", () => {
  let dataDir: string;
  let database: Database;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "cch-embedded-"));
    database = await openDatabase({ dataDir, logger: createLogger("silent") });
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers parallel parameterised queries of different shapes, each with its own parameters", async () => {
    const rounds = 60;
    const answers = await Promise.allSettled(
      Array.from({ length: rounds }, (_, i) =>
        i % 2 === 0
          ? database.prisma.$queryRaw<Array<{ n: number }>>`SELECT ${i}::int AS n`
          : database.prisma.$queryRaw<Array<{ n: number }>>`SELECT (${i}::int + ${0}::int) * ${1}::int AS n`,
      ),
    );
    const failures = answers.flatMap((a) => (a.status === "rejected" ? [String((a.reason as Error).message)] : []));
    expect(failures).toEqual([]);
    expect(answers.map((a) => (a.status === "fulfilled" ? a.value[0]!.n : null))).toEqual(Array.from({ length: rounds }, (_, i) => i));
  }, 60_000);

  it("keeps a transaction's queries together while other queries run beside it", async () => {
    const inTransaction = database.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("CREATE TEMP TABLE IF NOT EXISTS t_embedded (v int) ON COMMIT DROP");
      await tx.$executeRaw`INSERT INTO t_embedded VALUES (${7}::int)`;
      return tx.$queryRaw<Array<{ v: number }>>`SELECT v FROM t_embedded WHERE v = ${7}::int`;
    });
    const beside = Array.from({ length: 10 }, (_, i) => database.prisma.$queryRaw<Array<{ n: number }>>`SELECT ${i}::int AS n`);
    const [rows, ...others] = await Promise.all([inTransaction, ...beside]);
    expect(rows).toEqual([{ v: 7 }]);
    expect(others.map((r) => r[0]!.n)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  }, 60_000);
});
