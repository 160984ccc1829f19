/**
 * The hub stopped under traffic, in its own process: SIGTERM lets every stream in flight finish
 * and writes every row before exiting 0; SIGKILL loses at most the rows of the last flush
 * interval (decision 0011), and a restart on the same data directory writes nothing twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { startHubChild, type HubChild } from "../test-support/hub-child.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";
import { expectedCostNano, startTraffic, TRAFFIC_MODEL } from "../test-support/traffic.ts";

let fake: FakeUpstream;
/** An in-process hub on the same database, used for the admin API and direct queries. */
let t: TestHub;
let key: string;
const children: HubChild[] = [];
const dataDirs: string[] = [];

beforeAll(async () => {
  [fake, t] = await Promise.all([startFakeUpstream(), startTestHub()]);
  key = (await seedTenant(t, fake.url)).key.key;
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await t?.stop();
  await fake?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function child(dataDir: string, env: Record<string, string>) {
  const c = await startHubChild({ databaseUrl: t.database.url, dataDir, redisKeyPrefix: `test:${process.pid}:faults:`, env });
  children.push(c);
  return c;
}

function freshDataDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cch-faults-"));
  dataDirs.push(dir);
  return dir;
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("SIGTERM", () => {
  it("lets 50 streams in flight finish within the grace period, writes every row, and exits 0", async () => {
    const hub = await child(freshDataDir(), {
      SHUTDOWN_GRACE_MS: "20000",
      // Nothing is flushed by the timer: the rows must be written by the shutdown itself.
      LOG_WRITER_FLUSH_MS: "600000",
    });
    const seen = fake.requests.length;
    const streams = Array.from({ length: 50 }, async (_, i) => {
      const res = await fetch(`${hub.url}/v1/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": key,
          "x-fake-behaviour": JSON.stringify({ chunks: 10, chunkDelayMs: 200, usage: { inputTokens: 1_000 + i, outputTokens: 100 } }),
        },
        body: JSON.stringify({ model: TRAFFIC_MODEL, max_tokens: 200, stream: true, messages: [{ role: "user", content: `term ${i}` }] }),
      });
      return { status: res.status, requestId: res.headers.get("x-request-id")!, text: await res.text(), inputTokens: 1_000 + i };
    });
    // Every stream has reached the upstream (and so is in flight in the hub) before the signal.
    await expect.poll(() => fake.requests.length - seen, { timeout: 15_000 }).toBe(50);
    hub.signal("SIGTERM");
    const answers = await Promise.all(streams);
    const exit = await hub.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(answers.filter((a) => a.status !== 200 || !a.text.includes("event: message_stop"))).toEqual([]);
    expect(hub.logs.some((line) => line.includes("grace period over"))).toBe(false);
    const rows = await query<{ request_id: string; status_code: number; cost_nano: string }>(
      `SELECT l.request_id, l.status_code, (g.cost_usd * 1000000000)::bigint::text AS cost_nano
         FROM request_log l JOIN usage_ledger g USING (request_id) WHERE l.request_id = ANY($1)`,
      [answers.map((a) => a.requestId)],
    );
    expect(rows).toHaveLength(50);
    const byId = new Map(rows.map((r) => [r.request_id, r]));
    expect(answers.filter((a) => byId.get(a.requestId)?.status_code !== 200 || BigInt(byId.get(a.requestId)!.cost_nano) !== expectedCostNano(a.inputTokens))).toEqual([]);
  }, 90_000);
});

describe("SIGKILL", () => {
  const FLUSH_MS = 250;

  it("loses at most the rows of the last flush interval, and a restart writes nothing twice", async () => {
    const dataDir = freshDataDir();
    const env = { LOG_WRITER_FLUSH_MS: String(FLUSH_MS) };
    const first = await child(dataDir, env);
    const traffic = startTraffic({ url: () => first.url, key, workers: 4 });
    await expect.poll(() => traffic.answers.length, { timeout: 20_000 }).toBeGreaterThan(300);
    first.signal("SIGKILL");
    const killedAt = Date.now();
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    await traffic.stop();

    // A new process on the same data directory and database; it serves, and writes its own rows.
    const second = await child(dataDir, env);
    const after = await fetch(`${second.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify({ model: TRAFFIC_MODEL, max_tokens: 10, messages: [{ role: "user", content: "after the crash" }] }),
    });
    expect(after.status).toBe(200);
    const afterId = after.headers.get("x-request-id");
    await expect.poll(async () => (await query("SELECT 1 FROM request_log WHERE request_id = $1", [afterId])).length, { timeout: 10_000 }).toBe(1);

    const answered = traffic.answers.filter((a) => a.status === 200 && a.complete);
    const stored = new Set(
      (await query<{ request_id: string }>("SELECT request_id FROM request_log WHERE request_id = ANY($1)", [answered.map((a) => a.requestId)])).map((r) => r.request_id),
    );
    const lost = answered.filter((a) => !stored.has(a.requestId!));
    // The bound of decision 0011: a row is in memory for at most one flush interval plus the
    // write under way. Every answer older than that at the kill is in the database.
    // (3 s for the write under way: CI runs this beside other heavy test files on 2 cores.)
    const window = FLUSH_MS + 3_000;
    const recent = answered.filter((a) => a.at > killedAt - window);
    expect(lost.filter((a) => a.at <= killedAt - window)).toEqual([]);
    expect(lost.length).toBeLessThanOrEqual(recent.length);

    // No duplicates: one log row and at most one ledger row per request, and every stored
    // answer is billed exactly once.
    const [dups] = await query<{ logs: string; distinct_logs: string; ledger: string; distinct_ledger: string }>(
      `SELECT (SELECT count(*) FROM request_log) AS logs, (SELECT count(DISTINCT request_id) FROM request_log) AS distinct_logs,
              (SELECT count(*) FROM usage_ledger) AS ledger, (SELECT count(DISTINCT request_id) FROM usage_ledger) AS distinct_ledger`,
    );
    expect(dups.logs).toBe(dups.distinct_logs);
    expect(dups.ledger).toBe(dups.distinct_ledger);
    const billed = await query<{ request_id: string }>("SELECT request_id FROM usage_ledger WHERE request_id = ANY($1)", [[...stored]]);
    expect(billed.length).toBe(stored.size);
    console.info(
      `SIGKILL: ${answered.length} answered, ${stored.size} stored, ${lost.length} lost; ${recent.length} answered in the last ${window} ms before the kill`,
    );
  }, 120_000);
});
