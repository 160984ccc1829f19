/**
 * Runs once per Vitest run: makes sure the migrated template database exists on the machine's
 * PostgreSQL (see databases.ts), so integration tests can clone it quickly. Without a reachable
 * PostgreSQL it only says so: unit tests of pure modules run anyway, and an integration test
 * fails on its own connection.
 */
import pg from "pg";
import { applyMigrations } from "../server/db/migrate.ts";
import { templateName, urlFor, withAdmin } from "./databases.ts";

export default async function globalSetup() {
  try {
    await withAdmin(async () => {});
  } catch (error) {
    console.warn(`PostgreSQL is not reachable (${(error as Error).message}): only tests that need no database can pass.`);
    return;
  }
  const template = templateName();
  const exists = await withAdmin(async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (rowCount) return true;
    // Templates of other migration sets are left alone: another checkout (a branch with one
    // migration more or less) may be running its tests against its own template right now.
    // Only an interrupted build of this very template is removed.
    await client.query(`DROP DATABASE IF EXISTS "${template}_building" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${template}_building"`);
    return false;
  });
  if (exists) return;
  const client = new pg.Client({ connectionString: urlFor(`${template}_building`) });
  await client.connect();
  try {
    await applyMigrations({
      exec: async (sql) => void (await client.query(sql)),
      query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    });
  } finally {
    await client.end();
  }
  // Renamed only once complete, so an interrupted run never leaves a half-migrated template.
  await withAdmin((c) => c.query(`ALTER DATABASE "${template}_building" RENAME TO "${template}"`));
}
