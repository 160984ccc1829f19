/**
 * Cost end to end, Claude format (the per-format usage parsing is covered by each format's
 * gateway test): multipliers, original vs redirected billing, the long-context tier, unpriced
 * models, and the cache TTL preference that makes 1-hour cache writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;

beforeAll(async () => {
  [fake, t] = await Promise.all([startFakeUpstream(), startTestHub()]);
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

interface Row {
  costUsd: number | null;
  priceMissing: boolean;
  redirectedModel: string | null;
  costBreakdown: { pricedAs: string; tier: string | null; providerMultiplier: number; groupMultiplier: number } | null;
}

let n = 0;
async function request(key: string, model: string, usage: Record<string, number>, body: Record<string, unknown> = {}): Promise<Row> {
  fake.enqueue({ usage });
  const res = await fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key },
    body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: "user", content: `cost test ${++n}` }], ...body }),
  });
  await res.text();
  expect(res.status).toBe(200);
  await t.flushLogs();
  return t.admin<Row>("logs/get", { requestId: res.headers.get("x-request-id") });
}

const group = (name: string) => ({ user: { providerGroup: name }, provider: { groupTag: name } });

describe("cost", () => {
  it("multiplies by the provider's and the group's cost multipliers", async () => {
    await t.hub.db.prisma.providerGroup.create({ data: { name: "vip", costMultiplier: "2" } });
    await t.hub.catalog.invalidate({ kind: "groups" });
    const s = await seedTenant(t, fake.url, { user: { providerGroup: "vip" }, provider: { groupTag: "vip", costMultiplier: 1.5 } });
    const row = await request(s.key.key, "claude-sonnet-4-5", { inputTokens: 1000, outputTokens: 100 });
    // (1000×$3 + 100×$15)/MTok = $0.0045, × 1.5 × 2
    expect(row.costUsd).toBeCloseTo(0.0135, 9);
    expect(row.costBreakdown).toMatchObject({ providerMultiplier: 1.5, groupMultiplier: 2 });
  });

  it("prices by the original or the redirected model, as the system setting says", async () => {
    const s = await seedTenant(t, fake.url, {
      ...group("redirect"),
      provider: { groupTag: "redirect", modelRedirects: [{ match: "exact", pattern: "claude-sonnet-4-5", target: "claude-haiku-4-5" }] },
    });
    const usage = { inputTokens: 1000, outputTokens: 100 };
    const original = await request(s.key.key, "claude-sonnet-4-5", usage);
    expect(original).toMatchObject({ redirectedModel: "claude-haiku-4-5", costBreakdown: { pricedAs: "claude-sonnet-4-5" } });
    expect(original.costUsd).toBeCloseTo(0.0045, 9);
    expect(fake.requests.at(-1)?.json).toMatchObject({ model: "claude-haiku-4-5" });

    await t.hub.db.prisma.systemSettings.update({ where: { id: 1 }, data: { billingModelSource: "redirected" } });
    await t.hub.catalog.invalidate({ kind: "settings" });
    try {
      const redirected = await request(s.key.key, "claude-sonnet-4-5", usage);
      // Haiku 4.5: (1000×$1 + 100×$5)/MTok
      expect(redirected.costBreakdown?.pricedAs).toBe("claude-haiku-4-5");
      expect(redirected.costUsd).toBeCloseTo(0.0015, 9);
    } finally {
      await t.hub.db.prisma.systemSettings.update({ where: { id: 1 }, data: { billingModelSource: "original" } });
      await t.hub.catalog.invalidate({ kind: "settings" });
    }
  });

  it("prices the whole request at the long-context tier above 200k prompt tokens", async () => {
    const s = await seedTenant(t, fake.url, group("long"));
    const row = await request(s.key.key, "claude-sonnet-4-5", { inputTokens: 150_000, cacheReadTokens: 60_000, outputTokens: 1000 });
    // $6 in, $0.60 cache read, $22.50 out per MTok
    expect(row.costBreakdown?.tier).toBe("200k");
    expect(row.costUsd).toBeCloseTo(0.9 + 0.036 + 0.0225, 9);
  });

  it("serves a model with no price, logs it without a cost, and flags it", async () => {
    const s = await seedTenant(t, fake.url, group("unpriced"));
    const row = await request(s.key.key, "claude-experimental-9", { inputTokens: 10, outputTokens: 10 });
    expect(row).toMatchObject({ costUsd: null, priceMissing: true });
  });

  it("applies a 1-hour cache TTL preference to the request's breakpoints, with the beta it needs", async () => {
    const s = await seedTenant(t, fake.url, { ...group("ttl"), key: { cacheTtlPreference: "1h" } });
    const row = await request(
      s.key.key,
      "claude-sonnet-4-5",
      { inputTokens: 10, cacheCreation1hTokens: 1000, outputTokens: 10 },
      { system: [{ type: "text", text: "long system prompt", cache_control: { type: "ephemeral" } }] },
    );
    const sent = fake.requests.at(-1)!;
    expect((sent.json as { system: Array<{ cache_control: unknown }> }).system[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
    expect(sent.headers["anthropic-beta"]).toContain("extended-cache-ttl-2025-04-11");
    // 10×$3 + 1000×$6 (1-hour write) + 10×$15 per MTok
    expect(row.costUsd).toBeCloseTo(0.00003 + 0.006 + 0.00015, 9);
  });
});
