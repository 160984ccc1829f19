/**
 * A real hub for integration and end-to-end tests: its own cloned PostgreSQL database, the
 * machine's Redis under a key prefix of its own, a temporary data directory, and a port
 * chosen by the OS on 127.0.0.1. stop() undoes all of it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadEnv } from "../server/env.ts";
import { startHub, type Hub, type HubOptions } from "../server/hub.ts";
import { createLogger } from "../server/logger.ts";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from "./databases.ts";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

export interface TestHub {
  hub: Hub;
  url: string;
  database: TestDatabase;
  /** Calls the admin REST API (POST /api/actions/<path>) as the admin; throws on a non-2xx answer. */
  admin<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  /** Same, returning the raw Response (for asserting errors). */
  adminRaw(path: string, body?: unknown, token?: string): Promise<Response>;
  /** Waits until the batched log writer has written everything queued so far. */
  flushLogs(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestHubOptions extends HubOptions {
  env?: Record<string, string>;
  /** "redis" (default) or "memory". */
  store?: "redis" | "memory";
  /** Reuse an existing database instead of cloning a fresh one (for multi-instance tests). */
  database?: TestDatabase;
}

export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const database = options.database ?? (await createTestDatabase("hub"));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "cch-test-"));
  const env = loadEnv({
    NODE_ENV: "test",
    APP_PORT: "0",
    APP_HOST: "127.0.0.1",
    DSN: database.url,
    ...(options.store === "memory" ? {} : { REDIS_URL: TEST_REDIS_URL }),
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ENCRYPTION_KEY: "0".repeat(64),
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    LOG_WRITER_FLUSH_MS: "20",
    ENABLE_SECURE_COOKIES: "false",
    SHUTDOWN_GRACE_MS: "2000",
    ...options.env,
  });
  const hub = await startHub(env, {
    dashboard: false,
    storeKeyPrefix: `test:${process.pid}:${Math.random().toString(36).slice(2)}:`,
    logger: createLogger(env.LOG_LEVEL),
    ...options,
  });
  // Test hubs never reach the internet: the daily price sync (and the sync an unpriced model
  // starts) is off unless a test turns it on.
  await hub.db.prisma.systemSettings.update({ where: { id: 1 }, data: { priceSyncScheduled: false } });
  await hub.catalog.invalidate({ kind: "settings" });
  const adminRaw = (p: string, body: unknown = {}, token = TEST_ADMIN_TOKEN) =>
    fetch(`${hub.url}/api/actions/${p}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  return {
    hub,
    url: hub.url,
    database,
    adminRaw,
    async admin<T>(p: string, body: unknown = {}) {
      const res = await adminRaw(p, body);
      const json = await res.json();
      if (!res.ok) throw new Error(`${p} → ${res.status}: ${JSON.stringify(json)}`);
      return json as T;
    },
    flushLogs: () => hub.logWriter.flush(),
    async stop() {
      await hub.close();
      if (!options.database) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A user, an API key and a provider pointing at `upstreamUrl`, created through the admin API. */
export async function seedTenant(
  t: TestHub,
  upstreamUrl: string,
  options: { providerType?: string; provider?: Record<string, unknown>; user?: Record<string, unknown>; key?: Record<string, unknown> } = {},
) {
  const suffix = Math.random().toString(36).slice(2, 8);
  const user = await t.admin<{ id: number; name: string }>("users/create", { name: `user-${suffix}`, ...options.user });
  const key = await t.admin<{ id: number; key: string; name: string }>("keys/create", { userId: user.id, name: `key-${suffix}`, ...options.key });
  const provider = await t.admin<{ id: number; name: string }>("providers/create", {
    name: `provider-${suffix}`,
    url: upstreamUrl,
    key: `sk-upstream-${suffix}`,
    providerType: options.providerType ?? "claude",
    ...options.provider,
  });
  return { user, key, provider, upstreamKey: `sk-upstream-${suffix}` };
}
