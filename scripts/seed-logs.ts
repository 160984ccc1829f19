/**
 * Fills a hub database's request log with synthetic history, to measure the dashboard at scale
 * (issue 10: "≤ 200 ms server time for the first page with 1 000 000 rows"; decision 0021).
 *
 *   DSN=postgresql://postgres@127.0.0.1:5432/hub node --import tsx scripts/seed-logs.ts [rows] [days]
 *
 * Rows are generated inside PostgreSQL (INSERT … SELECT over generate_series, in chunks), so a
 * million rows take seconds, not a million round trips; each chunk goes through the rollup
 * trigger like a log-writer batch would. Users, keys and providers are the database's own when it
 * has some (so the pages show their names), else ids 1..N. Never run it against a production hub:
 * the rows are fake and are counted in every statistic.
 */
import pg from "pg";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const DAYS = Number(process.argv[3] ?? 30);
const CHUNK = 100_000;
const MODELS = ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5", "gpt-5", "gpt-5-codex", "gemini-2.5-pro", "gemini-2.5-flash", "glm-4.6"];
const ERRORS = ["provider_error", "timeout", "rate_limited", "stream_error"];

async function ids(client: pg.Client, table: string, fallback: number): Promise<number[]> {
  const { rows } = await client.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id LIMIT 200`);
  return rows.length ? rows.map((r) => r.id) : Array.from({ length: fallback }, (_, i) => i + 1);
}

async function main() {
  const url = process.env.DSN ?? process.env.DATABASE_URL;
  if (!url) throw new Error("Set DSN to the hub's PostgreSQL (the embedded database is not supported).");
  if (!Number.isInteger(ROWS) || ROWS < 1 || ROWS > 20_000_000) throw new Error("rows: 1..20 000 000");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const keys = await client.query<{ id: number; user_id: number }>("SELECT id, user_id FROM api_keys ORDER BY id LIMIT 200");
    const keyIds = keys.rows.length ? keys.rows.map((k) => k.id) : Array.from({ length: 30 }, (_, i) => i + 1);
    const keyUsers = keys.rows.length ? keys.rows.map((k) => k.user_id) : keyIds.map((id) => ((id - 1) % 20) + 1);
    const providerIds = await ids(client, "providers", 5);
    const end = Date.now();
    const start = end - DAYS * 86_400_000;
    // Request ids must be unique: a second run adds rows instead of failing on the first one's.
    const run = `seed${end.toString(36)}`;
    const started = performance.now();
    for (let done = 0; done < ROWS; done += CHUNK) {
      const n = Math.min(CHUNK, ROWS - done);
      // One row per g; a row's key (and so its user), provider, model and session follow from g, so
      // sessions hold ~25 requests of one key; ~4 % fail at a provider, ~1 % are refused before one.
      await client.query(
        `INSERT INTO request_log (request_id, created_at, user_id, key_id, provider_id, endpoint, api_format, model,
           is_stream, input_tokens, output_tokens, cache_creation_5m_tokens, cache_read_tokens, cost_usd,
           ttfb_ms, duration_ms, status_code, error_type, blocked_by, session_id, user_agent)
         SELECT $11::text || '-' || g,
           to_timestamp(($2::bigint + (g::float8 / $3::float8) * ($4::bigint - $2::bigint)) / 1000.0) AT TIME ZONE 'UTC',
           ($5::int[])[1 + (g / 25) % cardinality($5::int[])],
           ($6::int[])[1 + (g / 25) % cardinality($6::int[])],
           CASE WHEN r < 0.01 THEN NULL ELSE ($7::int[])[1 + (g / 25 + g / 5000) % cardinality($7::int[])] END,
           '/v1/messages', 'claude',
           ($8::text[])[1 + (g / 25) % cardinality($8::text[])],
           r < 0.8, (r * 20000)::int, (r * 2000)::int, (r * 500)::int, (r * 40000)::int,
           round((r * 0.05)::numeric, 9),
           (200 + r * 2500)::int, (800 + r * r * 60000)::int,
           CASE WHEN r < 0.01 THEN 429 WHEN r > 0.96 THEN 502 ELSE 200 END,
           CASE WHEN r > 0.96 THEN ($9::text[])[1 + g % cardinality($9::text[])] WHEN r < 0.01 THEN 'rate_limited' END,
           CASE WHEN r < 0.01 THEN 'rpm' END,
           $11::text || '-s' || (g / 25),
           'claude-cli/2.0.' || (g % 40) || ' (external, cli)'
         FROM (SELECT g, random() AS r FROM generate_series($1::bigint, $1::bigint + $10::bigint - 1) AS g) s`,
        [done, start, ROWS, end, keyUsers, keyIds, providerIds, MODELS, ERRORS, n, run],
      );
      process.stdout.write(`\r${done + n} rows`);
    }
    await client.query("ANALYZE request_log; ANALYZE usage_rollup; ANALYZE session_rollup");
    console.log(`\n${ROWS} rows over ${DAYS} days in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
