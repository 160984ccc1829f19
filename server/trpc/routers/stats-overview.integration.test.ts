/**
 * The overview's "requests today" and top users (issue 11): failures count as requests, and a
 * user whose requests all failed is still among the top users.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { ledgerRowFor, requestLogRow } from "../../../test-support/log-records.ts";

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub();
  const alice = await t.admin<{ id: number }>("users/create", { name: "alice" });
  const carol = await t.admin<{ id: number }>("users/create", { name: "carol-failing" });
  const aliceKey = (await t.admin<{ id: number }>("keys/create", { userId: alice.id, name: "a" })).id;
  const carolKey = (await t.admin<{ id: number }>("keys/create", { userId: carol.id, name: "c" })).id;
  const ok = requestLogRow({ requestId: "ok-1", userId: alice.id, keyId: aliceKey, costUsd: "0.500000000" });
  t.hub.logWriter.enqueue({ requestLog: ok, ledger: ledgerRowFor(ok) });
  for (const requestId of ["fail-1", "fail-2"]) {
    t.hub.logWriter.enqueue({ requestLog: requestLogRow({ requestId, userId: carol.id, keyId: carolKey, statusCode: 502, costUsd: null, errorType: "bad_gateway" }) });
  }
  await t.flushLogs();
});

afterAll(async () => {
  await t?.stop();
});

describe("the overview", () => {
  it("counts failed requests among today's requests, next to the errors", async () => {
    const out = await t.admin<{ today: { requests: number; errors: number; costUsd: number } }>("stats/overview", {});
    expect(out.today).toMatchObject({ requests: 3, errors: 2, costUsd: 0.5 });
  });

  it("lists a user whose requests all failed among the top users, after those who spent", async () => {
    const out = await t.admin<{ topUsers: Array<{ userName: string; requests: number; costUsd: number }> }>("stats/overview", {});
    expect(out.topUsers).toEqual([
      { userId: expect.any(Number), userName: "alice", requests: 1, costUsd: 0.5 },
      { userId: expect.any(Number), userName: "carol-failing", requests: 2, costUsd: 0 },
    ]);
  });
});
