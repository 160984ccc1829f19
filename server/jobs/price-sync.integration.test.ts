/**
 * The price sync writing to a real PostgreSQL, fed by a price file served on the loopback
 * interface: synced rows are added and updated, manual rows survive, nothing is deleted, and a
 * failing or empty file changes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test-support/databases.ts";
import { openDatabase, type Database } from "../db/database.ts";
import { createLogger } from "../logger.ts";
import { syncPrices } from "./price-sync.ts";

let database: TestDatabase;
let db: Database;
let dataDir: string;
let server: http.Server;
let base = "";
/** What the loopback server answers on /prices.json. */
let served: { status: number; body: string } = { status: 200, body: "{}" };

const logger = createLogger("silent");
// Prices are written as literals: PostgreSQL keeps JSON numbers as written (5 * 1e-6 is 0.0000049999…).

beforeAll(async () => {
  database = await createTestDatabase("pricesync");
  dataDir = mkdtempSync(path.join(os.tmpdir(), "cch-pricesync-"));
  db = await openDatabase({ databaseUrl: database.url, dataDir, logger });
  server = http.createServer((_req, res) => res.writeHead(served.status, { "content-type": "application/json" }).end(served.body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await db?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.prisma.modelPrice.deleteMany();
  await db.prisma.modelPrice.createMany({
    data: [
      { modelName: "model-builtin", priceData: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }, source: "builtin" },
      { modelName: "model-manual", priceData: { input_cost_per_token: 0.000009, output_cost_per_token: 0.000009 }, source: "manual" },
      { modelName: "model-only-here", priceData: { input_cost_per_token: 0.000005 }, source: "litellm" },
    ],
  });
});

const prices = async () =>
  Object.fromEntries((await db.prisma.modelPrice.findMany({ orderBy: { modelName: "asc" } })).map((r) => [r.modelName, { source: r.source, priceData: r.priceData }]));

describe("price sync", () => {
  it("adds and updates synced rows, keeps manual rows and models missing from the file", async () => {
    served = {
      status: 200,
      body: JSON.stringify({
        "model-builtin": { input_cost_per_token: 0.0000015, output_cost_per_token: 0.000002 },
        "model-manual": { input_cost_per_token: 0.0000001, output_cost_per_token: 0.0000001 },
        "model-new": { input_cost_per_token: 0.000003, output_cost_per_token: 0.000015, litellm_provider: "anthropic" },
        "model-bad": { input_cost_per_token: "free" },
      }),
    };
    const counts = await syncPrices({ db: db.prisma, logger }, `${base}/prices.json`);
    expect(counts).toEqual({ added: 1, updated: 1, unchanged: 0, skippedManual: 1, invalid: 1, skippedNoTokenPrice: 0 });
    const after = await prices();
    expect(after["model-builtin"]).toEqual({ source: "litellm", priceData: { input_cost_per_token: 0.0000015, output_cost_per_token: 0.000002 } });
    expect(after["model-manual"]).toEqual({ source: "manual", priceData: { input_cost_per_token: 0.000009, output_cost_per_token: 0.000009 } });
    expect(after["model-new"]?.source).toBe("litellm");
    expect(after["model-only-here"]).toEqual({ source: "litellm", priceData: { input_cost_per_token: 0.000005 } });

    // The same file again changes nothing.
    expect(await syncPrices({ db: db.prisma, logger }, `${base}/prices.json`)).toMatchObject({ added: 0, updated: 0, unchanged: 2, skippedManual: 1 });
  });

  it("changes nothing when the download fails", async () => {
    const before = await prices();
    served = { status: 500, body: "oops" };
    await expect(syncPrices({ db: db.prisma, logger }, `${base}/prices.json`)).rejects.toThrow(/HTTP 500/);
    expect(await prices()).toEqual(before);
  });

  it("changes nothing when the file has no usable entry", async () => {
    const before = await prices();
    served = { status: 200, body: JSON.stringify({ "image-model": { input_cost_per_image: 0.04 }, junk: { output_cost_per_token: "x" } }) };
    await expect(syncPrices({ db: db.prisma, logger }, `${base}/prices.json`)).rejects.toThrow(/no model with a per-token price/);
    served = { status: 200, body: "{}" };
    await expect(syncPrices({ db: db.prisma, logger }, `${base}/prices.json`)).rejects.toThrow(/nothing was changed/);
    expect(await prices()).toEqual(before);
  });
});
