import { describe, expect, it } from "vitest";
import { EMPTY_TOTALS } from "../db/rollups.ts";
import { HubError } from "../trpc/hub-errors.ts";
import { boardEntry, boardRows, leaderboardRange, rankRows, type BoardView } from "./leaderboard.ts";

const row = (ref: string, over: Partial<typeof EMPTY_TOTALS> = {}) => ({ ...EMPTY_TOTALS, ref, requests: 1, ...over });

describe("leaderboardRange", () => {
  const now = Date.UTC(2026, 2, 10, 12);

  it("turns a custom range of local days into instants", () => {
    expect(leaderboardRange({ period: "custom", fromDay: "2026-03-01", toDay: "2026-03-02" }, now, "UTC")).toEqual({ from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 3) });
  });

  it("refuses a backwards or too long range with a 400 that names the reason", () => {
    const refusal = (fromDay: string, toDay: string) => {
      try {
        leaderboardRange({ period: "custom", fromDay, toDay }, now, "UTC");
      } catch (error) {
        return error;
      }
      throw new Error("no refusal");
    };
    expect(refusal("2026-03-05", "2026-03-01")).toMatchObject({ code: "BAD_REQUEST", hubCode: "periodBackwards" });
    const tooLong = refusal("2024-01-01", "2026-01-01");
    expect(tooLong).toBeInstanceOf(HubError);
    expect(tooLong).toMatchObject({ code: "BAD_REQUEST", hubCode: "periodTooLong", hubVars: { max: 366 } });
  });
});

describe("rankRows", () => {
  it("ranks by the chosen figure, then requests, then ref", () => {
    const rows = [row("b", { costUsd: 1, requests: 2 }), row("a", { costUsd: 1, requests: 2 }), row("c", { costUsd: 1, requests: 3 }), row("d", { costUsd: 4 })];
    expect(rankRows(rows, "cost").map((r) => r.ref)).toEqual(["d", "c", "a", "b"]);
    expect(rankRows(rows, "requests").map((r) => r.ref)).toEqual(["c", "a", "b", "d"]);
  });

  it("puts rows without prompt tokens last when ranking by cache-hit ratio", () => {
    const rows = [row("none"), row("half", { inputTokens: 50, cacheReadTokens: 50 }), row("cold", { inputTokens: 100 })];
    expect(rankRows(rows, "cacheHit").map((r) => r.ref)).toEqual(["half", "cold", "none"]);
  });
});

describe("boardRows and boardEntry", () => {
  const ranked = ["1", "2", "3", "4"].map((ref, i) => row(ref, { costUsd: 10 - i }));
  const member: BoardView = { dimension: "user", limit: 2, admin: false, selfUser: 4 };

  it("shows a member outside the top their own row with its real rank", () => {
    expect(boardRows(ranked, member).map(({ rank, row }) => [rank, row.ref])).toEqual([[1, "1"], [2, "2"], [4, "4"]]);
    expect(boardRows(ranked, { ...member, admin: true }).map(({ rank }) => rank)).toEqual([1, 2]);
  });

  it("withholds other users' ids and names from a member, never their own", () => {
    const nameOf = (ref: string) => `user ${ref}`;
    expect(boardEntry(1, ranked[0]!, member, nameOf)).toMatchObject({ rank: 1, id: null, name: null, isSelf: false, costUsd: 10 });
    expect(boardEntry(4, ranked[3]!, member, nameOf)).toMatchObject({ rank: 4, id: "4", name: "user 4", isSelf: true });
    expect(boardEntry(1, ranked[0]!, { ...member, admin: true }, nameOf)).toMatchObject({ id: "1", name: "user 1", isSelf: false });
    // A member ranks only their own keys: every key row is theirs.
    expect(boardEntry(1, ranked[0]!, { ...member, dimension: "key" }, nameOf)).toMatchObject({ id: "1", name: "user 1", isSelf: true });
  });
});
