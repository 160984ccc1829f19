/**
 * The leaderboard's work (manual §7.4): users, keys, providers and models ranked by cost,
 * requests, tokens or cache-hit ratio over today / this week / this month / a range of days, in
 * the system time zone. Figures come from usage_rollup (decision 0021).
 *
 * What a member sees is decided here, not in the page: with the setting "self" only their own
 * user (and their own keys); with "anonymized" every user's rank and figures, every name but
 * their own withheld. Providers and models are admin views (members never see providers, and the
 * model ranking is the whole team's usage).
 */
import type { Db } from "../db/database.ts";
import { calendarRange, PeriodError, type Range } from "../db/periods.ts";
import { loadNames, type Names } from "../db/names.ts";
import { cacheHitRatio, rollupByRef, totalTokens, type Totals } from "../db/rollups.ts";
import { hubError } from "../trpc/hub-errors.ts";
import { isAdmin, type Services, type Viewer } from "../trpc/trpc.ts";

export const MEMBER_VIEWS = ["self", "anonymized"] as const;
export type MemberView = (typeof MEMBER_VIEWS)[number];

export type LeaderboardDimension = "user" | "key" | "provider" | "model";
export type LeaderboardSort = "cost" | "requests" | "tokens" | "cacheHit";
type Ranked = Totals & { ref: string };

export interface LeaderboardQuery {
  dimension: LeaderboardDimension;
  period: "today" | "week" | "month" | "custom";
  /** custom: first day (system time zone), YYYY-MM-DD. */
  fromDay?: string;
  /** custom: last day, inclusive. */
  toDay?: string;
  sortBy: LeaderboardSort;
  limit: number;
}

/** What members see of the leaderboard (system setting; "self" unless set to "anonymized"). */
export async function readMemberView(db: Db): Promise<MemberView> {
  const row = await db.systemSettings.findUnique({ where: { id: 1 }, select: { leaderboardMemberView: true } });
  return row?.leaderboardMemberView === "anonymized" ? "anonymized" : "self";
}

/** Sets what members see; returns what they saw before, for the audit log. */
export async function writeMemberView(db: Db, view: MemberView): Promise<MemberView> {
  const before = await readMemberView(db);
  await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, leaderboardMemberView: view }, update: { leaderboardMemberView: view } });
  return before;
}

/** The period's instants; a refused custom range is a 400 that names its reason with a code. */
export function leaderboardRange(query: Pick<LeaderboardQuery, "period" | "fromDay" | "toDay">, now: number, timeZone: string): Range {
  try {
    return calendarRange(query.period, now, timeZone, query.period === "custom" ? { fromDay: query.fromDay ?? "", toDay: query.toDay ?? "" } : undefined);
  } catch (error) {
    if (!(error instanceof PeriodError)) throw hubError("BAD_REQUEST", "periodInvalid", { detail: (error as Error).message });
    const code = { missingDays: "periodMissingDays", backwards: "periodBackwards", tooLong: "periodTooLong" } as const;
    throw hubError("BAD_REQUEST", code[error.reason], { max: error.maxDays });
  }
}

function sortValue(t: Totals, by: LeaderboardSort): number {
  if (by === "cost") return t.costUsd;
  if (by === "requests") return t.requests;
  if (by === "tokens") return totalTokens(t);
  return cacheHitRatio(t) ?? -1;
}

/** The whole ranking: by the chosen figure, then requests, then ref (so ties rank the same every time). */
export function rankRows<T extends Ranked>(rows: T[], by: LeaderboardSort): T[] {
  return [...rows].sort((a, b) => sortValue(b, by) - sortValue(a, by) || b.requests - a.requests || a.ref.localeCompare(b.ref));
}

export interface BoardView {
  dimension: LeaderboardDimension;
  limit: number;
  admin: boolean;
  /** The viewer's own user id, null for the admin token. */
  selfUser: number | null;
}

/**
 * The rows shown from a ranking: its top `limit`, and a member outside the top still sees their
 * own row (with its real rank). Returned with each row's rank (1-based, over the whole ranking).
 */
export function boardRows<T extends Ranked>(ranked: T[], view: BoardView): Array<{ rank: number; row: T }> {
  const top = ranked.slice(0, view.limit);
  if (!view.admin && view.dimension === "user" && view.selfUser !== null && !top.some((r) => r.ref === String(view.selfUser))) {
    const own = ranked.find((r) => r.ref === String(view.selfUser));
    if (own) top.push(own);
  }
  return top.map((row) => ({ rank: ranked.indexOf(row) + 1, row }));
}

/** One entry of the board; a member sees other users' figures without their id or name. */
export function boardEntry(rank: number, row: Ranked, view: BoardView, nameOf: (ref: string) => string) {
  const isSelf = view.dimension === "user" ? row.ref === String(view.selfUser) : view.dimension === "key" && !view.admin;
  const hidden = !view.admin && view.dimension === "user" && !isSelf;
  return {
    rank,
    id: hidden ? null : row.ref,
    name: hidden ? null : nameOf(row.ref),
    isSelf,
    requests: row.requests,
    tokens: totalTokens(row),
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    costUsd: row.costUsd,
    cacheHitRatio: cacheHitRatio(row),
  };
}

function nameIn(names: Names | null, dimension: LeaderboardDimension) {
  return (ref: string) => {
    if (!names) return ref;
    const map = dimension === "user" ? names.users : dimension === "key" ? names.keys : names.providers;
    return map.get(Number(ref)) ?? `#${ref}`;
  };
}

/** The board as the viewer may see it. */
export async function leaderboard(deps: Pick<Services, "db" | "catalog">, viewer: Viewer, query: LeaderboardQuery, now: number) {
  const { db } = deps;
  const admin = isAdmin(viewer);
  if (!admin && (query.dimension === "provider" || query.dimension === "model")) {
    throw hubError("FORBIDDEN", "leaderboardAdminOnly");
  }
  const timezone = deps.catalog.settings().timezone;
  const range = leaderboardRange(query, now, timezone);
  const memberView = await readMemberView(db);
  const selfUser = viewer.kind === "user" ? viewer.userId : null;

  // A member's keys: the only keys they may rank (their own, in either view).
  let refs: string[] | undefined;
  if (!admin && query.dimension === "key") {
    const keys = await db.apiKey.findMany({ where: { userId: selfUser ?? -1 }, select: { id: true }, take: 500 });
    refs = keys.map((k) => String(k.id));
  } else if (!admin && memberView === "self") {
    refs = [String(selfUser ?? -1)];
  }

  const ranked = rankRows(await rollupByRef(db, query.dimension, range.from, range.to, refs), query.sortBy);
  const view: BoardView = { dimension: query.dimension, limit: query.limit, admin, selfUser };
  const shown = boardRows(ranked, view);
  const ids = shown.map(({ row }) => Number(row.ref));
  const names =
    query.dimension === "model"
      ? null
      : await loadNames(db, query.dimension === "user" ? { users: ids } : query.dimension === "key" ? { keys: ids } : { providers: ids });
  const nameOf = nameIn(names, query.dimension);
  return {
    timezone,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    memberView,
    restricted: !admin,
    items: shown.map(({ rank, row }) => boardEntry(rank, row, view, nameOf)),
  };
}
