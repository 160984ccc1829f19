/**
 * Test databases on the machine's PostgreSQL. The global setup migrates one template database
 * per migration set; each test file clones it (CREATE DATABASE … TEMPLATE, ~100 ms) and drops
 * its clone afterwards, so files never see each other's rows.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { readMigrations } from "../server/db/migrate.ts";

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function templateName() {
  const hash = createHash("sha256");
  for (const m of readMigrations()) hash.update(m.name).update(m.checksum);
  return `hub_tpl_${hash.digest("hex").slice(0, 12)}`;
}

export function urlFor(database: string) {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const name = `hub_${label.replace(/[^a-z0-9_]/gi, "").toLowerCase()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const template = templateName();
  await withAdmin(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        // Another file cloning the template at the same instant; try again shortly.
        if (attempt > 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return {
    name,
    url: urlFor(name),
    drop: () => withAdmin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
