/**
 * Opens the database the hub runs on: the PostgreSQL named by DSN/DATABASE_URL, or, when none
 * is set, an embedded PostgreSQL (PGlite) under DATA_DIR. Both are used through the same
 * Prisma client, so no other code knows which one it is.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";
import { applyMigrations, type SqlSession } from "./migrate.ts";

const POOL_CLOSE_TIMEOUT_MS = 5_000;
/**
 * How long opening a connection (or waiting for a free one) may take. Without it, a database
 * that drops packets instead of refusing them (a vanished host, a failover behind a silent
 * address) leaves every connect waiting for the kernel's TCP timeout: the log writer stops
 * writing long after the database is back, and a stopping hub waits on catalog reloads.
 */
const POOL_CONNECT_TIMEOUT_MS = 10_000;

/** How long a query may wait for the embedded database's single connection. */
const EMBEDDED_WAIT_TIMEOUT_MS = 120_000;

export type Db = PrismaClient;

/** One parameterised SQL query over the pool, for the few hot writes that bypass Prisma. */
export type SqlQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface Database {
  prisma: Db;
  /** Direct SQL through the same pool (used by the batched log writer; see decision 0008). */
  sql: SqlQuery;
  kind: "postgres" | "embedded";
  /** Applies committed migrations (AUTO_MIGRATE). */
  migrate(): Promise<string[]>;
  /** Cheap liveness query for /api/health/ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  logger: Logger;
  /** Pool size for real PostgreSQL (the embedded database always gets one connection). */
  poolMax?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres({ connectionString: options.databaseUrl }, options) : openEmbedded(options);
}

async function openPostgres(
  connection: pg.PoolConfig,
  options: DatabaseOptions,
  embedded?: { stop(): Promise<void> },
): Promise<Database> {
  // One connection to the embedded database: pglite-socket runs each protocol message of every
  // connection against PGlite's single session as it arrives, keeping only a transaction's
  // messages together, so two connections' Parse/Bind pairs interleave and a query binds the
  // other's statement (decision 0003). PGlite runs one query at a time anyway; one connection
  // costs no throughput.
  const max = embedded ? 1 : (options.poolMax ?? 10);
  // Waiting for the embedded database's one connection is waiting for PGlite, which cannot
  // vanish like a host; a long cleanup or export must make others wait, not fail.
  const connectionTimeoutMillis = embedded ? EMBEDDED_WAIT_TIMEOUT_MS : POOL_CONNECT_TIMEOUT_MS;
  const pool = new pg.Pool({ connectionTimeoutMillis, ...connection, max });
  // An idle client that loses its connection must not crash the process.
  pool.on("error", (error) => options.logger.warn({ err: error.message }, "postgres pool client error"));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    sql: async <T,>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[],
    kind: embedded ? "embedded" : "postgres",
    async migrate() {
      const client = await pool.connect();
      try {
        const session: SqlSession = {
          exec: async (sql) => void (await client.query(sql)),
          query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
        };
        // One process owns an embedded database, so it needs no lock against other instances.
        return (await applyMigrations(session, undefined, { useAdvisoryLock: !embedded })).applied;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      await prisma.$disconnect().catch(() => undefined);
      // pool.end() waits for every checked-out client; one leaked by a failed query must not
      // hold the process open forever.
      await Promise.race([pool.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, POOL_CLOSE_TIMEOUT_MS).unref())]);
      await embedded?.stop().catch(() => undefined);
    },
  };
}

/**
 * The embedded PostgreSQL: PGlite (PostgreSQL compiled to Wasm) in this process, served on a
 * Unix socket in the data directory by pglite-socket, so the hub reaches it through the very
 * same driver (pg + @prisma/adapter-pg) as a real PostgreSQL. No TCP port is opened.
 */
async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-socket"),
  ]);
  const dataDir = path.resolve(options.dataDir);
  const dir = path.join(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const socketDir = path.join(dataDir, "run");
  mkdirSync(socketDir, { recursive: true });
  const socketPath = path.join(socketDir, ".s.PGSQL.5432");
  rmSync(socketPath, { force: true }); // left over by a process that did not stop cleanly
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 8 });
  await server.start();
  const stop = async () => {
    await server.stop();
    await db.close();
  };
  try {
    return await openPostgres({ host: socketDir, port: 5432, user: "postgres", database: "postgres" }, options, { stop });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
