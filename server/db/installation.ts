/**
 * The identity of the database the hub runs on, and the spool directory that belongs to it.
 *
 * Rows spooled to disk while a database was away must go back into that database and no other:
 * a hub restarted from the same data directory against another DSN would otherwise replay the
 * first database's requests (and bills) into the second. So the spool is kept under
 * DATA_DIR/spool/<installation id>, where the id is a random UUID stored in the one-row
 * `installation` table the first time a hub starts on a database. Spool files from before this
 * scheme (directly under DATA_DIR/spool) have no known database and are left where they are.
 */
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../logger.ts";
import type { SqlQuery } from "./database.ts";
import { sqlState } from "./write-errors.ts";

/** Reads this database's installation id, creating it on first use (safe with several hubs starting at once). */
export async function installationId(sql: SqlQuery): Promise<string> {
  try {
    await sql(`INSERT INTO installation (id, installation_id) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [randomUUID()]);
  } catch (error) {
    if (sqlState(error) === "42P01") {
      throw new Error("the database has no installation table: apply the migrations (AUTO_MIGRATE=true, or prisma migrate deploy)", { cause: error });
    }
    throw error;
  }
  const [row] = await sql<{ installation_id: string }>(`SELECT installation_id FROM installation WHERE id = 1`);
  return row.installation_id;
}

/** DATA_DIR/spool/<installation id>: the spool (and dead-letter files) of this database only. */
export function spoolDirFor(dataDir: string, id: string): string {
  return path.resolve(dataDir, "spool", id);
}

/** Warns about spool files written before spools were kept per database: they are not replayed. */
export function warnUnownedSpool(dataDir: string, logger: Logger): void {
  let files: string[];
  try {
    files = readdirSync(path.resolve(dataDir, "spool")).filter((f) => f.endsWith(".ndjson"));
  } catch {
    return;
  }
  if (files.length) {
    logger.warn(
      { files: files.length, dir: path.resolve(dataDir, "spool") },
      "request-log spool files of an unknown database are not replayed; move them into spool/<installation id> of their database to write them",
    );
  }
}
