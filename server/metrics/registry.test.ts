import { describe, expect, it } from "vitest";
import { MemoryStore } from "../store/memory-store.ts";
import { countStoreErrors, HubMetrics, routeLabel } from "./registry.ts";

describe("routeLabel", () => {
  it("keeps the fixed routes and reduces model and operation names in paths to a fixed set", () => {
    expect(routeLabel("/v1/messages")).toBe("/v1/messages");
    expect(routeLabel("/v1beta/models/gemini-2.5-pro:streamGenerateContent")).toBe("/v1beta/models/{model}:streamGenerateContent");
    expect(routeLabel(`/v1beta/models/${"x".repeat(2000)}:generateContent`)).toBe("/v1beta/models/{model}:generateContent");
    expect(routeLabel("/v1internal:loadCodeAssist")).toBe("/v1internal:loadCodeAssist");
    expect(routeLabel("/v1internal:madeUpByTheClient")).toBe("/v1internal:other");
    expect(routeLabel("/v1/whatever")).toBe("other");
  });
});

describe("countStoreErrors", () => {
  it("counts a failed store operation by its name and still hands the caller the error", async () => {
    const metrics = new HubMetrics();
    const inner = new MemoryStore();
    const store = countStoreErrors(inner, metrics);
    await store.ping();
    await inner.close(); // ping now rejects
    await expect(store.ping()).rejects.toThrow("store closed");
    await new Promise((r) => setImmediate(r));
    expect((await metrics.scrape()).body).toContain('cch_store_errors_total{operation="ping"} 1');
    expect(store.kind).toBe("memory");
  });
});
