import { describe, expect, it } from "vitest";
import { OpBatcher, type BatchOutcome } from "./op-batcher.ts";

/** A batcher whose calls are recorded and answered by `answer`. */
function recording(answer: (ops: string[]) => Promise<BatchOutcome[]>, maxOps?: number) {
  const calls: string[][] = [];
  const batcher = new OpBatcher<string>((ops) => {
    calls.push(ops);
    return answer(ops);
  }, maxOps);
  return { batcher, calls };
}

const echo = async (ops: string[]): Promise<BatchOutcome[]> => ops.map((op) => ({ ok: true, value: `did ${op}` }));

describe("OpBatcher", () => {
  it("sends the operations issued in one turn as one call, in order, and answers each its own result", async () => {
    const { batcher, calls } = recording(echo);
    const results = await Promise.all(["a", "b", "c"].map((op) => batcher.push(op)));
    expect(calls).toEqual([["a", "b", "c"]]);
    expect(results).toEqual(["did a", "did b", "did c"]);
  });

  it("sends an operation of a later turn in a call of its own", async () => {
    const { batcher, calls } = recording(echo);
    await batcher.push("a");
    await batcher.push("b");
    expect(calls).toEqual([["a"], ["b"]]);
  });

  it("splits a turn with more operations than a call may carry", async () => {
    const { batcher, calls } = recording(echo, 2);
    const results = await Promise.all(["a", "b", "c", "d", "e"].map((op) => batcher.push(op)));
    expect(calls).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(results).toEqual(["did a", "did b", "did c", "did d", "did e"]);
  });

  it("fails only the operation that failed", async () => {
    const { batcher } = recording(async (ops) => ops.map((op) => (op === "bad" ? { ok: false, error: new Error("bad op") } : { ok: true, value: op })));
    const results = await Promise.allSettled(["a", "bad", "c"].map((op) => batcher.push(op)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("bad op");
  });

  it("fails every operation of a call the store did not answer, and goes on with the next turn", async () => {
    let down = true;
    const { batcher } = recording(async (ops) => {
      if (down) throw new Error("connection lost");
      return echo(ops);
    });
    const results = await Promise.allSettled(["a", "b"].map((op) => batcher.push(op)));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    down = false;
    await expect(batcher.push("c")).resolves.toBe("did c");
  });

  it("fails an operation the store's answer left out", async () => {
    const { batcher } = recording(async (ops) => (await echo(ops)).slice(0, 1));
    const results = await Promise.allSettled(["a", "b"].map((op) => batcher.push(op)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
  });

  it("keeps at most two calls out; what is issued meanwhile waits and goes as one call when one returns", async () => {
    const answers: Array<() => void> = [];
    const calls: string[][] = [];
    const batcher = new OpBatcher<string>((ops) => {
      calls.push(ops);
      return new Promise((resolve) => answers.push(() => resolve(ops.map((op) => ({ ok: true, value: op })))));
    });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const first = batcher.push("a");
    await turn();
    const second = batcher.push("b");
    await turn();
    const later = ["c", "d", "e"].map((op) => batcher.push(op));
    await turn();
    await turn();
    // Two calls are out, so c, d and e wait.
    expect(calls).toEqual([["a"], ["b"]]);
    answers[0]();
    await expect(first).resolves.toBe("a");
    expect(calls).toEqual([["a"], ["b"], ["c", "d", "e"]]);
    answers[1]();
    answers[2]();
    expect(await Promise.all([second, ...later])).toEqual(["b", "c", "d", "e"]);
  });

  it("sends the waiting operations when a call fails, and a send that throws frees its place", async () => {
    let calls = 0;
    const batcher = new OpBatcher<string>(
      (ops) => {
        calls++;
        if (calls === 1) throw new Error("could not even send");
        return echo(ops);
      },
      128,
      1,
    );
    await expect(batcher.push("a")).rejects.toThrow("could not even send");
    await expect(batcher.push("b")).resolves.toBe("did b");
  });

  describe("an operation that may wait for company (a settlement)", () => {
    const turn = () => new Promise((resolve) => setImmediate(resolve));

    it("goes with the next operation that cannot wait, before it, in one call", async () => {
      const { batcher, calls } = recording(echo);
      const settled = batcher.push("settle-1", true);
      await turn();
      await turn();
      expect(calls).toEqual([]); // not sent on its own turn
      const admitted = batcher.push("admit-2");
      expect(await Promise.all([settled, admitted])).toEqual(["did settle-1", "did admit-2"]);
      expect(calls).toEqual([["settle-1", "admit-2"]]);
    });

    it("is sent by itself once its wait is over", async () => {
      const calls: string[][] = [];
      const batcher = new OpBatcher<string>((ops) => (calls.push(ops), echo(ops)), 128, 2, 20);
      const started = performance.now();
      await expect(batcher.push("settle-1", true)).resolves.toBe("did settle-1");
      expect(performance.now() - started).toBeGreaterThanOrEqual(15);
      expect(calls).toEqual([["settle-1"]]);
    });

    it("joins a call already planned for this turn without delaying it", async () => {
      const { batcher, calls } = recording(echo);
      const both = Promise.all([batcher.push("admit-1"), batcher.push("settle-2", true)]);
      await turn();
      expect(calls).toEqual([["admit-1", "settle-2"]]);
      await both;
    });

    it("keeps one wait for several waiting operations, and sends them together in order", async () => {
      const { batcher, calls } = recording(echo);
      const waiting = [batcher.push("settle-1", true), batcher.push("settle-2", true)];
      await turn();
      const settled = batcher.push("settle-3", true);
      expect(await Promise.all([...waiting, settled])).toEqual(["did settle-1", "did settle-2", "did settle-3"]);
      expect(calls).toEqual([["settle-1", "settle-2", "settle-3"]]);
    });

    it("is sent at once by flushNow", async () => {
      const calls: string[][] = [];
      const batcher = new OpBatcher<string>((ops) => (calls.push(ops), echo(ops)), 128, 2, 60_000);
      const settled = batcher.push("settle-1", true);
      batcher.flushNow();
      await expect(settled).resolves.toBe("did settle-1");
      expect(calls).toEqual([["settle-1"]]);
    });
  });
});
