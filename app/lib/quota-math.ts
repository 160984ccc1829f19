/**
 * The arithmetic behind every quota bar, table row and "left" figure, in one place so cards,
 * the compact table and /my-usage agree (and so it can be tested without a browser).
 *
 * A money window's admission counts both what is spent and what requests in flight hold: a
 * member refused at "$0.30 of $0.30" may have $0.09 spent and $0.21 in flight. So "used" on a
 * bar is spent + in flight, both are shown, and "left" is what the next request can still take.
 */
import type { QuotaEntity, QuotaLimit } from "./api-types.ts";

export type Tone = "ok" | "warn" | "over";

/** Amber from 80 % of a limit, red at 100 %. */
export const WARN_RATIO = 0.8;

/** What a limit row says: spent, in flight, their sum against the limit, what is left. */
export interface LimitUse {
  spent: number;
  inFlight: number;
  /** spent + inFlight: what admission compares with the limit. */
  used: number;
  limit: number | null;
  /** Limit minus used, never below 0; null without a limit. */
  left: number | null;
  /** used / limit (may exceed 1); null without a limit, or a limit of 0 that is reached (1). */
  ratio: number | null;
  tone: Tone;
}

export function toneOf(ratio: number | null): Tone {
  if (ratio === null) return "ok";
  return ratio >= 1 ? "over" : ratio >= WARN_RATIO ? "warn" : "ok";
}

export function limitUse(limit: Pick<QuotaLimit, "used" | "reserved" | "limit">): LimitUse {
  const spent = Math.max(0, limit.used);
  const inFlight = Math.max(0, limit.reserved);
  const used = spent + inFlight;
  if (limit.limit === null) return { spent, inFlight, used, limit: null, left: null, ratio: null, tone: "ok" };
  // A limit of 0 blocks everything: it is "full" from the start.
  const ratio = limit.limit > 0 ? used / limit.limit : 1;
  return { spent, inFlight, used, limit: limit.limit, left: Math.max(0, limit.limit - used), ratio, tone: toneOf(ratio) };
}

/** Share of successful requests (errors are answers with HTTP ≥ 400); null with no requests. */
export function successRate(requests: number, errors: number): number | null {
  if (requests <= 0) return null;
  return Math.max(0, requests - errors) / requests;
}

export type EntityKind = "user" | "key" | "provider";

/** One line of the compact quota table: one window of one entity that has a limit. */
export interface QuotaRow {
  kind: EntityKind;
  entity: QuotaEntity;
  limit: QuotaLimit;
  use: LimitUse;
  /**
   * For a key whose limit is its user's: the row is the user's window (the key shares it with
   * the user's other keys), so it shows the user's spend, not the key's alone.
   */
  sharedWith: string | null;
}

/**
 * The rows of the compact table: only windows with a limit, sorted by highest use first (ties:
 * more in flight first, then by name). A key's window whose limit comes from its user is counted
 * against the user's spend; when the user is also listed, the key row is left out as a duplicate.
 */
export function quotaRows(groups: { users: QuotaEntity[]; keys: QuotaEntity[]; providers: QuotaEntity[] }): QuotaRow[] {
  const usersById = new Map(groups.users.map((u) => [u.id, u]));
  const rows: QuotaRow[] = [];
  const add = (kind: EntityKind, entity: QuotaEntity) => {
    for (const limit of entity.limits) {
      if (limit.limit === null) continue;
      if (kind === "key" && limit.source === "user") {
        // The user's own row already shows this window with the right spend.
        if (entity.userId !== null && usersById.has(entity.userId)) continue;
        rows.push({ kind, entity, limit, use: limitUse(limit), sharedWith: entity.userName });
        continue;
      }
      rows.push({ kind, entity, limit, use: limitUse(limit), sharedWith: null });
    }
  };
  for (const u of groups.users) add("user", u);
  for (const k of groups.keys) add("key", k);
  for (const p of groups.providers) add("provider", p);
  return rows.sort(
    (a, b) => (b.use.ratio ?? 0) - (a.use.ratio ?? 0) || b.use.inFlight - a.use.inFlight || a.entity.name.localeCompare(b.entity.name),
  );
}

/**
 * A key's limits as they bind: a window whose limit is the user's shows the user's spend and
 * in-flight (from the user's entity), since that is what the next request is checked against.
 */
export function keyAgainstUser(key: QuotaEntity, user: QuotaEntity | null): QuotaEntity {
  if (!user) return key;
  return {
    ...key,
    limits: key.limits.map((limit) => {
      if (limit.source !== "user") return limit;
      const shared = user.limits.find((l) => l.kind === limit.kind);
      return shared ? { ...limit, used: shared.used, reserved: shared.reserved, limit: shared.limit } : limit;
    }),
  };
}
