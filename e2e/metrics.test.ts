/**
 * GET /metrics after known traffic through a real hub: the request counts match the
 * request-log rows, tokens and cost match the ledger, a client-chosen model name never becomes
 * a label value, and the endpoint needs its bearer token (and is absent without one).
 */
import { randomBytes } from "node:crypto";
import { INPUT_BOUNDS } from "../server/gateway/limits/input-bounds.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

const TOKEN = "metrics-token-0123456789abcdef";

let fake: FakeUpstream;
let t: TestHub;
let providerName: string;
let apiKey: string;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The sample lines of a Prometheus text exposition. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line.slice(0, 200)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  return parseExposition(await res.text());
}

async function send(model: string, behaviour?: Parameters<FakeUpstream["enqueue"]>[0]) {
  if (behaviour) fake.enqueue(behaviour);
  const res = await fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": apiKey },
    body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: "user", content: `metrics ${Math.random()}` }] }),
  });
  await res.text();
  return res.status;
}

beforeAll(async () => {
  [fake, t] = await Promise.all([startFakeUpstream(), startTestHub({ env: { METRICS_TOKEN: TOKEN } })]);
  // One attempt per request, so an upstream error is the request's final status.
  const s = await seedTenant(t, fake.url, { provider: { maxRetryAttempts: 1 } });
  providerName = s.provider.name;
  apiKey = s.key.key;
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

/** A model name of the longest length the hub accepts, random so no price or series knows it. */
function randomModel() {
  return `m-${randomBytes(INPUT_BOUNDS.modelChars).toString("hex")}`.slice(0, INPUT_BOUNDS.modelChars);
}

describe("GET /metrics", () => {
  it("counts requests, tokens and cost as the request log and the ledger record them", async () => {
    // The longest model name the hub accepts, made up by a client (longer ones are refused with 400).
    const longModel = randomModel();
    const statuses = [
      await send("claude-sonnet-4-5", { usage: { inputTokens: 1000, outputTokens: 100 } }),
      await send("claude-sonnet-4-5", { usage: { inputTokens: 2000, outputTokens: 50 } }),
      await send("claude-haiku-4-5", { usage: { inputTokens: 300, outputTokens: 30 } }),
      await send("claude-sonnet-4-5", { kind: "status", status: 500 }),
      await send(longModel, { usage: { inputTokens: 7, outputTokens: 3 } }),
    ];
    expect(statuses).toEqual([200, 200, 200, expect.any(Number), 200]);
    expect(statuses[3]).toBeGreaterThanOrEqual(500);
    await t.flushLogs();

    const samples = await scrape();

    // Requests: one series per (route, format, provider, status), equal to the log rows.
    const rows = await t.hub.db.sql<{ endpoint: string; api_format: string; status_code: number; n: string }>(
      `SELECT endpoint, api_format, status_code, count(*) AS n FROM request_log GROUP BY 1, 2, 3`,
    );
    const fromLog = Object.fromEntries(rows.map((r) => [`${r.endpoint}|${r.api_format}|${providerName}|${r.status_code}`, Number(r.n)]));
    const fromMetrics = Object.fromEntries(
      samples
        .filter((s) => s.name === "cch_requests_total")
        .map((s) => [`${s.labels.route}|${s.labels.format}|${s.labels.provider}|${s.labels.status}`, s.value]),
    );
    expect(fromMetrics).toEqual(fromLog);
    expect(Object.values(fromLog).reduce((a, b) => a + b, 0)).toBe(5);

    // Latency histograms saw every request; TTFB every one that got an upstream answer.
    const durationCount = samples.filter((s) => s.name === "cch_request_duration_seconds_count").reduce((a, s) => a + s.value, 0);
    expect(durationCount).toBe(5);
    const [{ n: withTtfb }] = await t.hub.db.sql<{ n: string }>(`SELECT count(*) AS n FROM request_log WHERE ttfb_ms IS NOT NULL`);
    expect(samples.filter((s) => s.name === "cch_request_ttfb_seconds_count").reduce((a, s) => a + s.value, 0)).toBe(Number(withTtfb));

    // Tokens and cost by priced model: the ledger's sums; the made-up model is "other".
    const ledger = await t.hub.db.sql<{ model: string; input: string; output: string; cost: string }>(
      `SELECT CASE WHEN l.price_missing THEN 'other' ELSE l.cost_breakdown->>'pricedAs' END AS model,
              sum(l.input_tokens) AS input, sum(l.output_tokens) AS output, sum(coalesce(l.cost_usd, 0)) AS cost
         FROM request_log l WHERE l.input_tokens > 0 GROUP BY 1`,
    );
    const tokens = (model: string, type: string) =>
      samples.find((s) => s.name === "cch_tokens_total" && s.labels.model === model && s.labels.type === type && s.labels.provider === providerName)?.value;
    const cost = (model: string) => samples.find((s) => s.name === "cch_cost_usd_total" && s.labels.model === model)?.value ?? 0;
    expect(ledger.map((r) => r.model).sort()).toEqual(["claude-haiku-4-5", "claude-sonnet-4-5", "other"]);
    for (const row of ledger) {
      expect(tokens(row.model, "input")).toBe(Number(row.input));
      expect(tokens(row.model, "output")).toBe(Number(row.output));
      expect(cost(row.model)).toBeCloseTo(Number(row.cost), 9);
    }
    expect(tokens("other", "input")).toBe(7);

    // No label value anywhere is the client's model name, and models are a known set.
    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.some((v) => v.includes(longModel.slice(0, 40)))).toBe(false);
    expect(new Set(samples.filter((s) => s.labels.model).map((s) => s.labels.model))).toEqual(new Set(["claude-sonnet-4-5", "claude-haiku-4-5", "other"]));

    // State read at scrape time. A request leaves in-flight after its store settlement, which
    // runs after its log row is queued (settle.ts), so on a busy machine the scrape above may
    // still see the last one: wait for it to leave.
    await expect.poll(async () => (await scrape()).find((s) => s.name === "cch_requests_in_flight")?.value, { timeout: 10_000 }).toBe(0);
    expect(samples.find((s) => s.name === "cch_store_up")?.value).toBe(1);
    expect(samples.find((s) => s.name === "cch_log_writer_pending")?.value).toBe(0);
    expect(samples.find((s) => s.name === "cch_provider_breaker_state" && s.labels.provider === providerName && s.labels.state === "closed")?.value).toBe(1);
  });

  it("a long random model name adds no new series", async () => {
    const before = (await scrape()).filter((s) => s.name.startsWith("cch_")).map((s) => `${s.name}${JSON.stringify(s.labels)}`);
    expect(await send(randomModel(), { usage: { inputTokens: 5, outputTokens: 5 } })).toBe(200);
    await t.flushLogs();
    const after = (await scrape()).filter((s) => s.name.startsWith("cch_")).map((s) => `${s.name}${JSON.stringify(s.labels)}`);
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after)).toEqual(new Set(before));
  });

  it("refuses a scrape without the bearer token, or with another one (the admin token included)", async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain("cch_");
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: "Bearer test-admin-token-0123456789" } })).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: TOKEN } })).status).toBe(401);
  });

  it("is absent (404) when METRICS_TOKEN is not set", async () => {
    const plain = await startTestHub({ store: "memory" });
    try {
      const res = await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("cch_");
    } finally {
      await plain.stop();
    }
  });
});
