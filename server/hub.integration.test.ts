/**
 * Operations: health endpoints and graceful shutdown of a real hub.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../e2e/fake-upstream/index.ts";
import { seedTenant, startTestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake.close();
});

describe("health", () => {
  it("is live and ready when the database and the store answer", async () => {
    const t = await startTestHub();
    try {
      expect(await (await fetch(`${t.url}/api/health/live`)).json()).toEqual({ status: "ok" });
      const ready = await fetch(`${t.url}/api/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: "ready",
        checks: { database: "ok", store: "ok" },
        logWriter: { pending: 0, spooled: 0, deadLettered: 0 },
      });
    } finally {
      await t.stop();
    }
  });

  it("is not ready while the store is unreachable, but stays live", async () => {
    const t = await startTestHub({ env: { REDIS_URL: "redis://127.0.0.1:1" } });
    try {
      expect((await fetch(`${t.url}/api/health/live`)).status).toBe(200);
      const ready = await fetch(`${t.url}/api/health/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: Record<string, string> };
      expect(body.checks.database).toBe("ok");
      expect(body.checks.store).not.toBe("ok");
    } finally {
      await t.stop();
    }
  });
});

describe("graceful shutdown", () => {
  it("lets an in-flight stream finish, refuses new connections, and flushes its log row", async () => {
    const t = await startTestHub({ env: { LOG_WRITER_FLUSH_MS: "60000" } });
    const tenant = await seedTenant(t, fake.url);
    fake.enqueue({ text: "one two three four five", chunks: 5, chunkDelayMs: 150 });
    const response = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": tenant.key.key },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 10, stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-request-id")!;
    const closing = t.hub.close();
    const body = await response.text();
    expect(body).toContain("event: message_stop");
    await closing;
    await expect(fetch(`${t.url}/api/health/live`)).rejects.toThrow();
    // The log row reached the database although the flush interval is a minute.
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT status_code FROM request_log WHERE request_id = $1", [requestId]);
      expect(rows).toEqual([{ status_code: 200 }]);
    } finally {
      await client.end();
    }
    await t.stop();
  });

  it("waits for catalog reloads under way before closing the database, and stops", async () => {
    const t = await startTestHub();
    // Admin changes arriving as the hub stops: their reloads start database work (the settings
    // reload among them) that must finish before the pool closes, or close() never returns.
    const changes = Array.from({ length: 20 }, (_, i) => t.hub.catalog.invalidate({ kind: i % 2 ? "settings" : "providers" }));
    const closed = await Promise.race([t.hub.close().then(() => "closed"), new Promise((resolve) => setTimeout(resolve, 20_000, "hung"))]);
    expect(closed).toBe("closed");
    await Promise.allSettled(changes);
    await t.stop();
  });
});
