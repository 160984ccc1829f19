import { describe, expect, it } from "vitest";
import { Catalog } from "./catalog.ts";

/** A catalog over a database whose group reads answer when the test says, in any order. */
function catalogWithHeldReads() {
  const answers: Array<(rows: Array<{ name: string; costMultiplier: number }>) => void> = [];
  const db = { providerGroup: { findMany: () => new Promise((resolve) => answers.push(resolve)) } };
  const store = { publish: async () => 0 };
  const logger = { warn: () => undefined, error: () => undefined };
  const catalog = new Catalog(db as never, store as never, {} as never, logger as never, 60_000);
  return { catalog, answers };
}

describe("Catalog reloads", () => {
  it("a read that started before a newer one and ends after it does not put the older snapshot back", async () => {
    const { catalog, answers } = catalogWithHeldReads();
    const older = catalog.invalidate({ kind: "groups" });
    const newer = catalog.invalidate({ kind: "groups" });
    answers[1]([{ name: "team", costMultiplier: 2 }]);
    await newer;
    answers[0]([{ name: "team", costMultiplier: 1.5 }]);
    await older;
    expect(catalog.groupMultiplier("team")).toBe(2);
  });

  it("reads that end in the order they started are all applied, the last one winning", async () => {
    const { catalog, answers } = catalogWithHeldReads();
    const first = catalog.invalidate({ kind: "groups" });
    const second = catalog.invalidate({ kind: "groups" });
    answers[0]([{ name: "team", costMultiplier: 1.5 }]);
    await first;
    expect(catalog.groupMultiplier("team")).toBe(1.5);
    answers[1]([{ name: "team", costMultiplier: 3 }]);
    await second;
    expect(catalog.groupMultiplier("team")).toBe(3);
  });
});
