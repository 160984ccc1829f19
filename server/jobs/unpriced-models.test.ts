import { describe, expect, it } from "vitest";
import type { LogRecord } from "../db/log-writer.ts";
import type { Logger } from "../logger.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { SYNC_INTERVAL_MS, UnpricedModelWatch, WARN_INTERVAL_MS } from "./unpriced-models.ts";

const record = (model: string, priceMissing = true) => ({ requestLog: { requestId: "r", model, priceMissing } }) as unknown as LogRecord;

function setup(options: { syncAllowed?: boolean; store?: MemoryStore } = {}) {
  let t = Date.parse("2026-12-07T00:00:00Z");
  const warnings: string[] = [];
  let syncs = 0;
  const logger = { warn: (o: { model?: string }) => warnings.push(o.model ?? "?") } as unknown as Logger;
  const watch = new UnpricedModelWatch({
    logger,
    store: options.store ?? new MemoryStore(),
    now: () => t,
    syncAllowed: () => options.syncAllowed ?? true,
    sync: async () => void syncs++,
  });
  const settle = () => new Promise((r) => setImmediate(r));
  return { watch, warnings, syncs: () => syncs, advance: (ms: number) => void (t += ms), settle };
}

describe("unpriced models", () => {
  it("warns once per model per hour and asks for a price sync instead of billing $0 unnoticed", async () => {
    const s = setup();
    s.watch.observe(record("my-new-model"));
    s.watch.observe(record("my-new-model"));
    s.watch.observe(record("claude-sonnet-4-5", false));
    await s.settle();
    expect(s.warnings).toEqual(["my-new-model"]);
    expect(s.syncs()).toBe(1);
    s.advance(WARN_INTERVAL_MS);
    s.watch.observe(record("my-new-model"));
    await s.settle();
    expect(s.warnings).toEqual(["my-new-model", "my-new-model"]);
    expect(s.syncs()).toBe(2);
  });

  it("asks for at most one sync per interval however many made-up names arrive, across instances", async () => {
    const store = new MemoryStore(); // shared, as Redis is between instances
    const a = setup({ store });
    const b = setup({ store });
    for (let i = 0; i < 50; i++) a.watch.observe(record(`made-up-${i}-${"x".repeat(2000)}`));
    b.watch.observe(record("another"));
    await a.settle();
    expect(a.syncs() + b.syncs()).toBe(1);
    expect(a.warnings.every((m) => m.length <= 200)).toBe(true);
    a.advance(SYNC_INTERVAL_MS);
    a.watch.observe(record("later"));
    await a.settle();
    expect(a.syncs()).toBe(2);
  });

  it("only warns while the admin has the scheduled price sync off", async () => {
    const s = setup({ syncAllowed: false });
    s.watch.observe(record("my-new-model"));
    await s.settle();
    expect(s.warnings).toEqual(["my-new-model"]);
    expect(s.syncs()).toBe(0);
  });
});
