/**
 * The migration that turned a user's allowed models from names into rules keeps what every
 * existing user may use: each stored name becomes an exact rule (matched ignoring case, as before).
 */
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { urlFor, withAdmin } from "../../test-support/databases.ts";
import { applyMigrations, readMigrations, type SqlSession } from "./migrate.ts";

const MIGRATION = "20261207050000_user_model_rules";
const name = `hub_migration_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
let client: pg.Client;

beforeAll(async () => {
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  client = new pg.Client({ connectionString: urlFor(name) });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

it("turns each stored model name into an exact rule, and no list into an empty one", async () => {
  const session: SqlSession = {
    exec: async (sql) => void (await client.query(sql)),
    query: async <T,>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
  };
  const all = readMigrations();
  const index = all.findIndex((m) => m.name === MIGRATION);
  expect(index).toBeGreaterThan(0);
  await applyMigrations(session, all.slice(0, index), { useAdvisoryLock: false });
  await client.query(
    `INSERT INTO users (name, allowed_models, updated_at) VALUES ('a', ARRAY['claude-sonnet-4-5', 'gpt-5'], now()), ('b', ARRAY[]::text[], now()), ('c', NULL, now())`,
  );
  await applyMigrations(session, all.slice(0, index + 1), { useAdvisoryLock: false });
  const { rows } = await client.query(`SELECT name, allowed_models FROM users ORDER BY name`);
  expect(rows).toEqual([
    { name: "a", allowed_models: [{ match: "exact", pattern: "claude-sonnet-4-5" }, { match: "exact", pattern: "gpt-5" }] },
    { name: "b", allowed_models: [] },
    { name: "c", allowed_models: [] },
  ]);
});
