/**
 * Admission against money limits, end to end (docs/decisions/0009-quota-admission.md): a real
 * hub on PostgreSQL and Redis, raw HTTP as the client, the fake Anthropic upstream. What a team
 * notices: parallel Claude Code requests far below a limit are admitted; a budget is not
 * overspent beyond the documented bound; a refusal tells what is spent, what requests in flight
 * hold, the limit and whose limit it is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

/** A Claude-Code-shaped body: cached system prompt and tools, a long history, ~`kib` KiB. */
function claudeCodeBody(model: string, kib: number, extra: Record<string, unknown> = {}) {
  const filler = "function handler(req, res) { return res.json({ ok: true }); }\n";
  const history = filler.repeat(Math.ceil((kib * 1024) / filler.length));
  return JSON.stringify({
    model,
    max_tokens: 32_000,
    stream: true,
    system: [{ type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: "ephemeral" } }],
    tools: [{ name: "Read", description: "Read a file", input_schema: { type: "object", properties: { path: { type: "string" } } } }],
    messages: [
      { role: "user", content: [{ type: "text", text: history.slice(0, kib * 1024 - 600), cache_control: { type: "ephemeral" } }] },
    ],
    metadata: { user_id: "user_abc_account__session_0b7f" },
    ...extra,
  });
}

async function send(key: string, body: string) {
  const res = await fetch(`${t.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body });
  const text = await res.text();
  return { status: res.status, text };
}

async function ledger(keyId: number) {
  await t.flushLogs();
  const agg = await t.hub.db.prisma.usageLedger.aggregate({ where: { keyId }, _sum: { costUsd: true }, _count: { _all: true } });
  return { nano: Math.round(Number(agg._sum.costUsd ?? 0) * 1e9), count: agg._count._all };
}

async function expectNothingHeld(scopes: string[]) {
  for (const scope of scopes) expect(await t.hub.store.inFlight(scope, Date.now()), scope).toEqual({ requests: 0, sessions: 0, reservedNano: 0 });
}

describe("parallel work far below the limit", () => {
  // A realistic turn: most of the prompt read from the cache, a little written, ~800 tokens out.
  const usage = { inputTokens: 200, cacheReadTokens: 28_000, cacheCreation5mTokens: 2_000, outputTokens: 800 };

  for (const model of ["claude-opus-4-1", "claude-opus-4-5", "claude-sonnet-4-5"]) {
    it(`admits 8 of 8 parallel Claude-Code-sized ${model} requests against a $10 daily limit`, async () => {
      fake.setDefault({ usage, chunks: 4, chunkDelayMs: 100 });
      try {
        const group = model.replace(/[^a-z0-9]/g, "");
        const s = await seedTenant(t, fake.url, { user: { limitDailyUsd: 10, providerGroup: group }, provider: { groupTag: group } });
        const body = claudeCodeBody(model, 120);
        expect(body.length).toBeGreaterThan(120_000);
        const results = await Promise.all(Array.from({ length: 8 }, () => send(s.key.key, body)));
        expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
        const spent = await ledger(s.key.id);
        expect(spent.count).toBe(8);
        expect(spent.nano).toBeLessThan(10e9 / 3); // far below the limit, as the scenario says
        await expectNothingHeld([`k:${s.key.id}`, `u:${s.user.id}`]);
      } finally {
        fake.setDefault(undefined);
      }
    }, 60_000);
  }

  it("in the strict mode holds the worst case, so the same 8 Opus 4.1 requests do not all fit", async () => {
    await t.admin("settings/update", { reservationMode: "strict" });
    fake.setDefault({ usage, chunks: 4, chunkDelayMs: 150 });
    try {
      const s = await seedTenant(t, fake.url, { user: { limitDailyUsd: 10, providerGroup: "strict8" }, provider: { groupTag: "strict8" } });
      const results = await Promise.all(Array.from({ length: 8 }, () => send(s.key.key, claudeCodeBody("claude-opus-4-1", 120))));
      const admitted = results.filter((r) => r.status === 200).length;
      expect(admitted).toBeGreaterThan(0);
      expect(admitted).toBeLessThan(8);
      expect(results.filter((r) => r.status !== 200).every((r) => r.status === 402)).toBe(true);
      // The limit is the user's (the key has none of its own and carries the user's): the
      // refusal names the user, as the dashboard shows the limit, not the key.
      const refusal = JSON.parse(results.find((r) => r.status === 402)!.text) as { error: { message: string } };
      expect(refusal.error.message).toMatch(/^The user's daily spending limit is reached: \$\d+\.\d{2,4} spent \+ \$\d+\.\d{2,4} held by requests in flight, limit \$10\.00\./);
    } finally {
      fake.setDefault(undefined);
      await t.admin("settings/update", { reservationMode: "expected" });
    }
  }, 60_000);
});

describe("a budget that fits about five and a half requests", () => {
  it("admits about five of 100 concurrent requests, refuses the rest saying what is spent and held, and holds nothing afterwards", async () => {
    // Each request: ~300-byte body (~100 tokens at $3/MTok) and 2 000 output tokens at $15/MTok,
    // which is also what a model nobody has used yet is expected to produce: ≈ $0.0303 each.
    fake.setDefault({ usage: { inputTokens: 100, outputTokens: 2_000 }, chunks: 4, chunkDelayMs: 150 });
    try {
      const s = await seedTenant(t, fake.url, { key: { limitDailyUsd: 0.166 }, user: { providerGroup: "fivehalf" }, provider: { groupTag: "fivehalf" } });
      // A model no other test here uses, so nothing has been learnt about its output yet.
      const model = "claude-sonnet-4-6";
      expect(t.hub.expectedOutput.tokens(s.key.id, model)).toBeUndefined();
      const body = JSON.stringify({ model, max_tokens: 4096, stream: true, messages: [{ role: "user", content: "Summarise the design doc in three bullet points." }] });
      const results = await Promise.all(Array.from({ length: 100 }, () => send(s.key.key, body)));
      const admitted = results.filter((r) => r.status === 200).length;
      expect(results.filter((r) => r.status !== 200 && r.status !== 402)).toEqual([]);
      // Five fit whole; a sixth may take the last partial room (one at a time).
      expect(admitted).toBeGreaterThanOrEqual(5);
      expect(admitted).toBeLessThanOrEqual(6);
      const refusal = JSON.parse(results.find((r) => r.status === 402)!.text) as { error: Record<string, unknown> };
      // While the admitted requests were running, the refusal says they hold the budget.
      expect(String(refusal.error.message)).toMatch(/^The API key's daily spending limit is reached: \$0\.\d{4} spent \+ \$0\.\d{4} held by requests in flight, limit \$0\.1660\. It resets at /);
      expect(refusal.error).toMatchObject({ limit_type: "daily_quota", limit: 0.166 });
      expect((refusal.error.spent as number) + (refusal.error.held as number)).toBeCloseTo(refusal.error.current as number, 9);
      expect(refusal.error.held as number).toBeGreaterThan(0);
      const spent = await ledger(s.key.id);
      expect(spent.count).toBe(admitted);
      await expectNothingHeld([`k:${s.key.id}`, `u:${s.user.id}`, `p:${s.provider.id}`]);
      // Settled: the next refusal has nothing in flight and says only what is spent.
      const after = await send(s.key.key, body);
      expect(after.status).toBe(402);
      expect(JSON.parse(after.text).error.message).toMatch(/reached: \$0\.\d{4} spent, limit \$0\.1660\./);
    } finally {
      fake.setDefault(undefined);
    }
  }, 60_000);
});

describe("the overspend bound of the expected mode", () => {
  it("a window exceeds its limit by no more than what its requests in flight cost beyond their estimates", async () => {
    // Requests expected to produce 2 000 tokens produce 6 000: each costs 3× its estimate.
    // The bound (decision 0009): spent ≤ limit + Σ over admitted requests of (cost − reservation).
    fake.setDefault({ usage: { inputTokens: 100, outputTokens: 6_000 }, chunks: 4, chunkDelayMs: 150 });
    try {
      const s = await seedTenant(t, fake.url, { key: { limitDailyUsd: 0.2 }, user: { providerGroup: "overrun" }, provider: { groupTag: "overrun" } });
      expect(t.hub.expectedOutput.tokens(s.key.id, "claude-haiku-4-5")).toBeUndefined();
      const body = JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 8192, stream: true, messages: [{ role: "user", content: "Write the migration." }] });
      const results = await Promise.all(Array.from({ length: 60 }, () => send(s.key.key, body)));
      const admitted = results.filter((r) => r.status === 200).length;
      const spent = await ledger(s.key.id);
      expect(spent.count).toBe(admitted);
      const cost = spent.nano / admitted; // every request cost the same
      const estimate = Math.ceil(((Buffer.byteLength(body) / 3) * 1e-6 + 2_000 * 5e-6) * 1e9);
      expect(cost).toBeGreaterThan(2.5 * estimate);
      // Admission reserved at most the limit in all (every request was in flight at once) …
      expect(admitted).toBeLessThanOrEqual(Math.floor(0.2e9 / estimate) + 1);
      // … so the overspend is at most the admitted requests' excess over their estimates.
      expect(spent.nano).toBeGreaterThan(0.2e9);
      expect(spent.nano - 0.2e9).toBeLessThanOrEqual(admitted * (cost - estimate) + estimate);
      await expectNothingHeld([`k:${s.key.id}`, `u:${s.user.id}`]);
      // Once over, everything is refused until the window frees up.
      expect((await send(s.key.key, body)).status).toBe(402);
    } finally {
      fake.setDefault(undefined);
    }
  }, 60_000);

  it("learns from what requests produce: the next estimate expects the model's recent output", async () => {
    fake.setDefault({ usage: { inputTokens: 100, outputTokens: 300 } });
    try {
      const s = await seedTenant(t, fake.url, { user: { providerGroup: "learn" }, provider: { groupTag: "learn" } });
      const body = JSON.stringify({ model: "claude-3-5-haiku-20241022", max_tokens: 8192, messages: [{ role: "user", content: "hi" }] });
      expect(t.hub.expectedOutput.tokens(s.key.id, "claude-3-5-haiku-20241022")).toBeUndefined();
      for (let i = 0; i < 6; i++) expect((await send(s.key.key, body)).status).toBe(200);
      expect(t.hub.expectedOutput.tokens(s.key.id, "claude-3-5-haiku-20241022")).toBe(300);
      await t.hub.expectedOutput.sync();
      expect(t.hub.expectedOutput.tokens(999_999, "claude-3-5-haiku-20241022")).toBe(300);
    } finally {
      fake.setDefault(undefined);
    }
  });
});
