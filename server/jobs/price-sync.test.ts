/**
 * Downloading and validating a price file, against a local HTTP server on the loopback
 * interface (no network): what counts as a usable entry, and how failures are reported.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchPriceFile, parsePriceFile, PriceSyncError } from "./price-sync.ts";

const FILE = {
  sample_spec: { max_input_tokens: "max input tokens, if the provider specifies it", input_cost_per_token: 0 },
  "claude-sonnet-4-5": {
    input_cost_per_token: 3e-6,
    output_cost_per_token: 1.5e-5,
    cache_read_input_token_cost: 3e-7,
    litellm_provider: "anthropic",
    mode: "chat",
    supports_vision: true,
  },
  "dall-e-3": { input_cost_per_image: 0.04, litellm_provider: "openai", mode: "image_generation" },
  "broken-model": { input_cost_per_token: "cheap" },
  "negative-model": { output_cost_per_token: -1 },
};

let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    switch (req.url) {
      case "/prices.json":
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(FILE));
        return;
      case "/html":
        res.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>");
        return;
      case "/array":
        res.writeHead(200, { "content-type": "application/json" }).end("[1,2,3]");
        return;
      case "/slow":
        setTimeout(() => res.writeHead(200).end("{}"), 2000).unref();
        return;
      default:
        res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("price file validation", () => {
  it("keeps entries with a per-token price, counts invalid ones, skips documentation and per-image prices", async () => {
    const file = await fetchPriceFile(`${base}/prices.json`);
    expect([...file.entries.keys()]).toEqual(["claude-sonnet-4-5"]);
    expect(file.invalid).toBe(2);
    expect(file.skippedNoTokenPrice).toBe(1);
    // Only the fields billing knows are kept.
    expect(file.entries.get("claude-sonnet-4-5")).toEqual({
      input_cost_per_token: 3e-6,
      output_cost_per_token: 1.5e-5,
      cache_read_input_token_cost: 3e-7,
      litellm_provider: "anthropic",
      mode: "chat",
    });
  });

  it("refuses what is not an object of models", () => {
    expect(() => parsePriceFile([1, 2])).toThrow(PriceSyncError);
    expect(() => parsePriceFile(null)).toThrow(/not a JSON object/);
  });
});

describe("price file download failures", () => {
  it("reports an HTTP error status", async () => {
    await expect(fetchPriceFile(`${base}/missing.json`)).rejects.toThrow(/HTTP 404/);
  });

  it("reports a body that is not JSON, or not a price file", async () => {
    await expect(fetchPriceFile(`${base}/html`)).rejects.toThrow(/not valid JSON/);
    await expect(fetchPriceFile(`${base}/array`)).rejects.toThrow(/not a JSON object/);
  });

  it("reports an unreachable host and a timeout", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetchPriceFile(`http://127.0.0.1:${port}/prices.json`)).rejects.toThrow(/could not be downloaded: .*ECONNREFUSED/);
    await expect(fetchPriceFile(`${base}/slow`, 200)).rejects.toThrow("the price file did not arrive within 200 ms");
  });
});
