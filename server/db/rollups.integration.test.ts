/**
 * The request-log trigger's rollups agree with the log they fold: random rows written through
 * the log writer in several batches (so buckets are updated by later batches, ON CONFLICT), then
 * every rollup row compared with the same aggregate computed straight from request_log.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../test-support/hub.ts";
import { requestLogRow } from "../../test-support/log-records.ts";
import { HIST_BOUNDS_MS, pruneSessionRollup } from "./rollups.ts";

let t: TestHub;

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  t = await startTestHub({ store: "memory" });
  const random = rng(20261207);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const now = Date.now();
  for (let batch = 0; batch < 4; batch++) {
    for (let i = 0; i < 120; i++) {
      const served = random() > 0.1;
      const failed = random() < 0.2;
      t.hub.logWriter.enqueue({
        requestLog: requestLogRow({
          requestId: `r-${batch}-${i}`,
          // Three hours of history: each batch lands in buckets earlier batches filled too.
          createdAt: new Date(now - Math.floor(random() * 3 * 3_600_000)).toISOString(),
          userId: pick([1, 2, 3, null]),
          keyId: pick([11, 12, 13]),
          providerId: served ? pick([101, 102]) : null,
          model: pick(["m-a", "m-b", "m-c", null]),
          statusCode: failed ? pick([429, 500, 502]) : 200,
          errorType: failed ? pick(["timeout", "provider_error", null]) : null,
          inputTokens: Math.floor(random() * 1000),
          outputTokens: Math.floor(random() * 500),
          cacheReadTokens: Math.floor(random() * 800),
          cacheCreation5mTokens: Math.floor(random() * 50),
          costUsd: random() < 0.1 ? null : (random() / 10).toFixed(9),
          ttfbMs: random() < 0.1 ? null : Math.floor(random() * 20_000),
          durationMs: Math.floor(random() * 400_000),
          sessionId: pick(["s1", "s2", null]),
        }),
      });
    }
    await t.flushLogs();
  }
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const sql = <T>(text: string) => t.hub.db.sql<T>(text);

it("sums requests, failures, tokens and cost per bucket and member as the log does", async () => {
  const refOf: Record<string, string> = { all: "''", user: "user_id::text", key: "key_id::text", provider: "provider_id::text", model: "left(model, 200)" };
  for (const [dim, ref] of Object.entries(refOf)) {
    const expected = await sql<Record<string, string>>(`
      SELECT date_bin('15 minutes', created_at, TIMESTAMP '2000-01-01') AS bucket, ${ref} AS ref, count(*)::text AS requests,
        count(*) FILTER (WHERE provider_id IS NOT NULL)::text AS served,
        count(*) FILTER (WHERE provider_id IS NOT NULL AND status_code >= 400)::text AS failures,
        count(*) FILTER (WHERE provider_id IS NULL AND status_code >= 400)::text AS refused,
        sum(input_tokens + output_tokens + cache_read_tokens + cache_creation_5m_tokens)::text AS tokens,
        coalesce(sum(cost_usd), 0)::numeric(20,9)::text AS cost
      FROM request_log WHERE ${ref} IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`);
    const actual = await sql<Record<string, string>>(`
      SELECT bucket, ref, requests::text, served::text, failures::text, refused::text,
        (input_tokens + output_tokens + cache_read_tokens + cache_creation_tokens)::text AS tokens, cost_usd::text AS cost
      FROM usage_rollup WHERE dim = '${dim}' ORDER BY 1, 2`);
    expect(actual, dim).toEqual(expected);
    expect(actual.length, dim).toBeGreaterThan(0);
  }
});

it("counts failures per error class, and latency histograms, as the log does", async () => {
  const errors = await sql<Record<string, string>>(`
    SELECT provider_id::text AS ref, coalesce(error_type, 'http_' || status_code) AS err, count(*)::text AS n
    FROM request_log WHERE provider_id IS NOT NULL AND status_code >= 400 GROUP BY 1, 2 ORDER BY 1, 2`);
  const rolled = await sql<Record<string, string>>(`
    SELECT ref, err, sum(failures)::text AS n FROM usage_rollup WHERE dim = 'provider_err' GROUP BY 1, 2 ORDER BY 1, 2`);
  expect(rolled).toEqual(errors);
  expect(errors.length).toBeGreaterThan(2);

  const bounds = `ARRAY[${HIST_BOUNDS_MS.join(",")}]`;
  const hist = await sql<{ ref: string; i: number; n: string }>(`
    SELECT left(model, 200) AS ref, width_bucket(duration_ms, ${bounds}) AS i, count(*)::text AS n
    FROM request_log WHERE model IS NOT NULL AND provider_id IS NOT NULL AND duration_ms IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`);
  const rolledHist = await sql<{ ref: string; i: number; n: string }>(`
    SELECT ref, (h.i - 1)::int AS i, sum(h.n)::text AS n FROM usage_rollup, unnest(duration_hist) WITH ORDINALITY AS h (n, i)
    WHERE dim = 'model' GROUP BY 1, 2 HAVING sum(h.n) > 0 ORDER BY 1, 2`);
  expect(rolledHist).toEqual(hist);
  expect(hist.length).toBeGreaterThan(10);
});

it("keeps one session line per key and session, with its first and last activity", async () => {
  const expected = await sql<Record<string, string>>(`
    SELECT key_id::text, session_id, count(*)::text AS requests, min(created_at)::text AS first_at, max(created_at)::text AS last_at,
      coalesce(sum(cost_usd), 0)::numeric(20,9)::text AS cost
    FROM request_log WHERE session_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`);
  const actual = await sql<Record<string, string>>(`
    SELECT key_id::text, session_id, requests::text, first_at::text, last_at::text, cost_usd::text AS cost FROM session_rollup ORDER BY 1, 2`);
  expect(actual).toEqual(expected);
  expect(expected).toHaveLength(6); // 3 keys × 2 sessions
});

it("forgets sessions last active before the log's retention, with the log cleanup", async () => {
  const before = await sql<{ n: string }>("SELECT count(*)::text AS n FROM session_rollup");
  expect(before[0]!.n).toBe("6");
  // Every session was active within the last three hours: a one-day retention keeps them all…
  expect(await pruneSessionRollup(t.hub.db.sql, 1, Date.now())).toBe(0);
  // …and seen from two days later, none is within it.
  expect(await pruneSessionRollup(t.hub.db.sql, 1, Date.now() + 2 * 86_400_000)).toBe(6);
  expect((await sql<{ n: string }>("SELECT count(*)::text AS n FROM session_rollup"))[0]!.n).toBe("0");
});
