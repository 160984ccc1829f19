import { describe, expect, it } from "vitest";
import { createLogger } from "../../logger.ts";
import { MemoryStore } from "../../store/memory-store.ts";
import { FIGURE_BUCKET_MS, FIGURE_BUCKETS } from "../../store/output-figures.ts";
import { ExpectedOutput } from "./expected-output.ts";

const logger = createLogger("silent");

describe("the running output-token figures", () => {
  it("knows nothing of a model before it answers, then its average, then the key's own once it has five", async () => {
    const now = 1_000_000_000_000;
    const store = new MemoryStore();
    const figures = new ExpectedOutput(store, logger, () => now);
    expect(figures.tokens(1, "m")).toBeUndefined();
    figures.observe(2, "m", 1000);
    figures.observe(2, "m", 3000);
    // Visible at once (pending samples count), and after the sync too.
    expect(figures.tokens(1, "m")).toBe(2000);
    await figures.sync();
    expect(figures.tokens(1, "m")).toBe(2000);
    for (let i = 0; i < 4; i++) figures.observe(1, "m", 100);
    expect(figures.tokens(1, "m")).toBeCloseTo((4000 + 400) / 6, 6); // key has 4: the model's figure
    figures.observe(1, "m", 100);
    expect(figures.tokens(1, "m")).toBe(100); // key has 5: its own
    expect(figures.tokens(2, "m")).toBeCloseTo(4500 / 7, 6); // key 2 has 2: the model's figure
    await figures.close();
    void now;
  });

  it("shares figures between instances through the store and forgets samples older than the span", async () => {
    let now = 1_000_000_000_000;
    const store = new MemoryStore();
    const a = new ExpectedOutput(store, logger, () => now);
    const b = new ExpectedOutput(store, logger, () => now);
    a.observe(1, "m", 600);
    await a.sync();
    await b.sync();
    expect(b.tokens(9, "m")).toBe(600);
    now += FIGURE_BUCKET_MS * FIGURE_BUCKETS;
    b.observe(1, "m", 200);
    await b.sync();
    await a.sync();
    expect(a.tokens(9, "m")).toBe(200);
  });
});
