/**
 * A model first served without a price is not left at $0 unnoticed: the hub runs a price sync
 * (same rules as the button, recorded as a run of the price-sync job), so the next request of
 * that model is priced. (That the sync is asked for at most once per interval, however many
 * names arrive, is covered with a driven clock in server/jobs/unpriced-models.test.ts.)
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;
let prices: http.Server;
let fileUrl: string;
let downloads = 0;
let apiKey: string;

beforeAll(async () => {
  prices = http.createServer((_req, res) => {
    downloads++;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ "acme-coder-9": { input_cost_per_token: 0.000002, output_cost_per_token: 0.00001 } }));
  });
  await new Promise<void>((r) => prices.listen(0, "127.0.0.1", r));
  fileUrl = `http://127.0.0.1:${(prices.address() as AddressInfo).port}/prices.json`;
  [fake, t] = await Promise.all([startFakeUpstream(), startTestHub()]);
  await t.admin("settings/update", { priceSyncUrl: fileUrl, priceSyncScheduled: true });
  apiKey = (await seedTenant(t, fake.url)).key.key;
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
  await new Promise((r) => prices?.close(r));
});

async function send(model: string) {
  fake.enqueue({ usage: { inputTokens: 1000, outputTokens: 100 } });
  const res = await fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": apiKey },
    body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: "user", content: `hi ${Math.random()}` }] }),
  });
  await res.text();
  expect(res.status).toBe(200);
  await t.flushLogs();
  return t.admin<{ costUsd: number | null; priceMissing: boolean }>("logs/get", { requestId: res.headers.get("x-request-id") });
}

describe("a model without a price", () => {
  it("starts a price sync, so the next request of that model is billed", async () => {
    expect(await send("acme-coder-9")).toMatchObject({ priceMissing: true, costUsd: null });
    await expect.poll(async () => (await t.admin<Array<{ name: string; lastStatus: string | null }>>("settings/jobs", {})).find((j) => j.name === "price-sync")?.lastStatus).toBe("ok");
    await expect.poll(() => t.hub.catalog.price("acme-coder-9")?.pricedAs).toBe("acme-coder-9");
    const next = await send("acme-coder-9");
    expect(next.priceMissing).toBe(false);
    // (1000 × $2 + 100 × $10) / MTok
    expect(next.costUsd).toBeCloseTo(0.003, 9);
    expect(downloads).toBe(1);
  });
});
