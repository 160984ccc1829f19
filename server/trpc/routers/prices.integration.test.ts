/**
 * prices.* against a real hub: search and pages, manual prices (validated, never overwritten by
 * a sync), deletion, the LiteLLM sync from a loopback price file, and who may do what.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";

interface Price {
  id: number;
  modelName: string;
  source: string;
  inputPerMTok: number | null;
  outputPerMTok: number | null;
  cacheReadPerMTok: number | null;
  priceData: Record<string, unknown>;
}

let t: TestHub;
let webKey: string; // a dashboard user
let cliKey: string; // a key without dashboard access
let server: http.Server;
let fileUrl = "";
let served: { status: number; body: string };

beforeAll(async () => {
  t = await startTestHub();
  const u = await t.admin<{ id: number }>("users/create", { name: "carol" });
  webKey = (await t.admin<{ key: string }>("keys/create", { userId: u.id, name: "web", canLoginWebUi: true })).key;
  cliKey = (await t.admin<{ key: string }>("keys/create", { userId: u.id, name: "cli" })).key;
  server = http.createServer((_req, res) => res.writeHead(served.status, { "content-type": "application/json" }).end(served.body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fileUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model_prices_and_context_window.json`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await t?.stop();
});

const list = (body: unknown = {}) => t.admin<{ items: Price[]; total: number; page: number; pageSize: number }>("prices/list", body);

describe("prices as an admin", () => {
  it("lists the built-in prices by name, with per-million-token prices, searchable and paged", async () => {
    const all = await list({ pageSize: 200 });
    expect(all.total).toBeGreaterThan(10);
    expect(all.items.every((p) => p.source === "builtin")).toBe(true);
    const sonnet = await list({ search: "SONNET-4-5" });
    expect(sonnet.items.map((p) => p.modelName)).toContain("claude-sonnet-4-5");
    expect(sonnet.items.every((p) => p.modelName.includes("sonnet-4-5"))).toBe(true);
    expect(sonnet.items.find((p) => p.modelName === "claude-sonnet-4-5")).toMatchObject({ inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3 });
    const page2 = await list({ page: 2, pageSize: 5 });
    expect(page2.items).toHaveLength(5);
    expect(page2.items[0].modelName).toBe(all.items[5].modelName);
  });

  it("adds and replaces prices by hand (source manual) and the gateway's price cache follows", async () => {
    const bad = await t.adminRaw("prices/upsert", { modelName: "my-model", priceData: { mode: "chat" } });
    expect(bad.status).toBe(400);
    expect((await t.adminRaw("prices/upsert", { modelName: "my-model", priceData: { input_cost_per_token: -1 } })).status).toBe(400);

    const created = await t.admin<Price & { created: boolean }>("prices/upsert", { modelName: "my-model", priceData: { input_cost_per_token: 0.000002, output_cost_per_token: 0.000008 } });
    expect(created).toMatchObject({ created: true, source: "manual", inputPerMTok: 2, outputPerMTok: 8 });
    expect(t.hub.catalog.price("my-model")?.priceData.input_cost_per_token).toBe(0.000002);

    // Editing a built-in price makes it manual, so a sync keeps the admin's figure.
    const edited = await t.admin<Price & { created: boolean }>("prices/upsert", { modelName: "claude-haiku-4-5", priceData: { input_cost_per_token: 0.0000011, output_cost_per_token: 0.0000055 } });
    expect(edited).toMatchObject({ created: false, source: "manual", inputPerMTok: 1.1 });
  });

  it("syncs from the configured price file: adds, updates synced rows, keeps manual ones", async () => {
    await t.admin("settings/update", { priceSyncUrl: fileUrl });
    served = {
      status: 200,
      body: JSON.stringify({
        sample_spec: { max_input_tokens: "documentation", input_cost_per_token: 0 },
        "claude-sonnet-4-5": { input_cost_per_token: 0.000004, output_cost_per_token: 0.00002, litellm_provider: "anthropic" },
        "claude-haiku-4-5": { input_cost_per_token: 0.000001, output_cost_per_token: 0.000005 },
        "my-model": { input_cost_per_token: 0.1 },
        "brand-new-model": { input_cost_per_token: 0.0000005, output_cost_per_token: 0.0000015 },
        "not-a-price": { output_cost_per_token: "free" },
      }),
    };
    const counts = await t.admin("prices/sync", {});
    expect(counts).toEqual({ added: 1, updated: 1, unchanged: 0, skippedManual: 2, invalid: 1, skippedNoTokenPrice: 0 });
    const byName = async (name: string) => (await list({ search: name })).items.find((p) => p.modelName === name);
    expect(await byName("claude-sonnet-4-5")).toMatchObject({ source: "litellm", inputPerMTok: 4 });
    expect(await byName("claude-haiku-4-5")).toMatchObject({ source: "manual", inputPerMTok: 1.1 });
    expect(await byName("my-model")).toMatchObject({ source: "manual", inputPerMTok: 2 });
    expect(await byName("brand-new-model")).toMatchObject({ source: "litellm", inputPerMTok: 0.5 });
    expect(t.hub.catalog.price("brand-new-model")).toBeDefined();
    expect((await list({ source: "litellm" })).total).toBe(2);
  });

  it("reports a failed sync and changes nothing", async () => {
    const before = await list({ pageSize: 200 });
    served = { status: 503, body: "down" };
    const res = await t.adminRaw("prices/sync", {});
    expect(res.status).toBe(502);
    expect(((await res.json()) as { message: string }).message).toMatch(/Price sync failed: .*HTTP 503/);
    served = { status: 200, body: "{}" };
    expect((await t.adminRaw("prices/sync", {})).status).toBe(502);
    expect(await list({ pageSize: 200 })).toEqual(before);
  });

  it("deletes a price", async () => {
    const price = (await list({ search: "my-model" })).items[0];
    await t.admin("prices/delete", { id: price.id });
    expect((await list({ search: "my-model" })).total).toBe(0);
    expect(t.hub.catalog.price("my-model")).toBeUndefined();
    expect((await t.adminRaw("prices/delete", { id: price.id })).status).toBe(404);
  });
});

describe("prices as a user", () => {
  it("lets dashboard users read the price table, and only admins change it", async () => {
    expect((await t.adminRaw("prices/list", {}, webKey)).status).toBe(200);
    expect((await t.adminRaw("prices/list", {}, cliKey)).status).toBe(403);
    expect((await t.adminRaw("prices/upsert", { modelName: "x", priceData: { input_cost_per_token: 1 } }, webKey)).status).toBe(403);
    expect((await t.adminRaw("prices/delete", { id: 1 }, webKey)).status).toBe(403);
    expect((await t.adminRaw("prices/sync", {}, webKey)).status).toBe(403);
  });
});
