import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
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

describe("scrape-time gauges", () => {
  it("read breaker states, the log writer and the store when scraped", async () => {
    let deadLetter: () => void = () => {};
    const spoolDir = mkdtempSync(path.join(os.tmpdir(), "cch-metrics-"));
    writeFileSync(path.join(spoolDir, "requests-1.ndjson"), "x".repeat(1234));
    writeFileSync(path.join(spoolDir, "note.txt"), "not a spool file");
    const metrics = new HubMetrics();
    metrics.watch({
      catalog: { providers: () => [{ id: 7, name: "anthropic-main" }] as never, provider: (id: number) => (id === 7 ? ({ id, name: "anthropic-main" } as never) : undefined) },
      store: {
        ping: () => Promise.reject(new Error("unreachable")),
        breakerStatus: async (ids: number[]) => ids.map((providerId) => ({ providerId, state: "open" as const, failures: 5, openUntil: 1, halfOpenSuccesses: 0 })),
      },
      logWriter: {
        stats: () => ({ pending: 3, written: 0, spooled: 2, failedFlushes: 1, deadLettered: 1 }),
        onDeadLetter: (listener) => ((deadLetter = listener as () => void), () => {}),
        spoolDir,
      },
      inFlight: { size: 4 },
      now: () => 0,
    });
    deadLetter();
    const body = (await metrics.scrape()).body;
    expect(body).toContain('cch_provider_breaker_state{provider="anthropic-main",state="open"} 1');
    expect(body).toContain('cch_provider_breaker_state{provider="anthropic-main",state="closed"} 0');
    expect(body).toContain("cch_log_writer_pending 3");
    expect(body).toContain("cch_log_writer_spooled_total 2");
    expect(body).toContain("cch_log_writer_spool_bytes 1234");
    rmSync(spoolDir, { recursive: true, force: true });
    expect(body).toContain("cch_log_writer_dead_lettered_total 1");
    expect(body).toContain("cch_requests_in_flight 4");
    expect(body).toContain("cch_store_up 0");
  });
});
