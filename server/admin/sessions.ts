/**
 * The sessions page's work (manual §7.3): conversations the hub has seen.
 *
 * The list comes from session_rollup (one row per key and session, kept by the request-log
 * trigger, indexed by last activity), the bound provider from the store (the binding the next
 * request will follow), the concurrency from the store's in-flight counters, and a session's
 * requests from the request log through its (session_id, created_at) index — never a scan.
 * Members see their own user's sessions, without providers.
 */
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import { loadNames, type Names } from "../db/names.ts";
import type { Logger } from "../logger.ts";
import { clientIdentity } from "../policy/client-identity.ts";
import type { Store } from "../store/store.ts";
import { hubError } from "../trpc/hub-errors.ts";
import { MEMBER_PROVIDER_NAME } from "./log-member-view.ts";
import { isAdmin, type Viewer } from "../trpc/trpc.ts";

/** "recent": sessions active in the last day. */
const RECENT_MS = 86_400_000;

/** A session_rollup row as SQL returns it. */
export interface SessionRow {
  key_id: number;
  session_id: string;
  user_id: number | null;
  first_at: Date;
  last_at: Date;
  requests: number;
  failures: number;
  tokens: bigint;
  cost_usd: Prisma.Decimal;
  last_model: string | null;
  last_provider_id: number | null;
  user_agent: string | null;
}

function userScope(viewer: Viewer): Prisma.Sql {
  if (isAdmin(viewer) || viewer.kind !== "user") return Prisma.empty;
  return Prisma.sql`AND user_id = ${viewer.userId}`;
}

/** "claude-cli/2.0.14" from a User-Agent: its leading product token, bounded. */
export function clientLabel(userAgent: string | null): string | null {
  if (!userAgent) return null;
  return userAgent.trim().split(/\s+/)[0]!.slice(0, 60) || null;
}

/**
 * A list row. `bound` is the provider the store binds the session to (admins only); a member
 * sees no provider at all. Active: its last request within the last `activeSince`.
 */
export function toSessionItem(row: SessionRow, bound: number | null, names: Names, admin: boolean, activeSince: number) {
  return {
    keyId: row.key_id,
    keyName: names.keys.get(row.key_id) ?? null,
    sessionId: row.session_id,
    userId: row.user_id,
    userName: row.user_id === null ? null : (names.users.get(row.user_id) ?? null),
    client: clientLabel(row.user_agent),
    clientFamily: row.user_agent ? clientIdentity(row.user_agent).family : null,
    model: row.last_model,
    boundProviderId: bound,
    boundProviderName: bound === null ? null : (names.providers.get(bound) ?? `#${bound}`),
    lastProviderName: admin && row.last_provider_id !== null ? (names.providers.get(row.last_provider_id) ?? `#${row.last_provider_id}`) : null,
    requests: row.requests,
    failures: row.failures,
    tokens: Number(row.tokens),
    costUsd: Number(row.cost_usd.toString()),
    startedAt: row.first_at.toISOString(),
    lastActiveAt: row.last_at.toISOString(),
    active: row.last_at.getTime() >= activeSince,
  };
}

export interface SessionListQuery {
  /** active: within the session TTL; recent: the last 24 hours. */
  scope: "active" | "recent";
  page: number;
  pageSize: number;
}

/** Sessions the viewer may see, last active first, with their bound providers (admins). */
export async function listSessions(
  deps: { db: Db; store: Store; logger: Logger },
  viewer: Viewer,
  query: SessionListQuery,
  clock: { now: number; sessionTtlSeconds: number },
) {
  const { now } = clock;
  const ttlMs = clock.sessionTtlSeconds * 1000;
  const since = new Date(now - (query.scope === "active" ? ttlMs : RECENT_MS));
  // One more than a page tells whether there is a next page without counting.
  const rows = await deps.db.$queryRaw<SessionRow[]>`
    SELECT * FROM session_rollup WHERE last_at >= ${since} ${userScope(viewer)}
    ORDER BY last_at DESC, key_id, session_id
    LIMIT ${query.pageSize + 1} OFFSET ${(query.page - 1) * query.pageSize}`;
  const page = rows.slice(0, query.pageSize);
  const admin = isAdmin(viewer);
  // The store being away must not take the page with it: the bindings are then unknown.
  let bindingsKnown = admin;
  const bindings = admin
    ? await deps.store.sessionBindings(page.map((r) => `${r.key_id}:${r.session_id}`), now).catch((error: Error) => {
        deps.logger.warn({ err: error.message }, "sessions page: the store did not answer; bindings unknown");
        bindingsKnown = false;
        return new Map<string, number>();
      })
    : new Map<string, number>();
  const names = await loadNames(deps.db, {
    users: page.flatMap((r) => (r.user_id === null ? [] : [r.user_id])),
    keys: page.map((r) => r.key_id),
    providers: admin ? [...bindings.values(), ...page.flatMap((r) => (r.last_provider_id === null ? [] : [r.last_provider_id]))] : [],
  });
  return {
    bindingsKnown,
    activeWithinSeconds: clock.sessionTtlSeconds,
    hasMore: rows.length > query.pageSize,
    items: page.map((r) => toSessionItem(r, bindings.get(`${r.key_id}:${r.session_id}`) ?? null, names, admin, now - ttlMs)),
  };
}

/** Active sessions in all, and per provider with the requests and sessions in flight on it. */
export async function sessionDistribution(deps: { db: Db; store: Store }, clock: { now: number; sessionTtlSeconds: number }) {
  const { now } = clock;
  const since = new Date(now - clock.sessionTtlSeconds * 1000);
  const [total, byProvider, providers] = await Promise.all([
    deps.db.sessionRollup.count({ where: { lastAt: { gte: since } } }),
    deps.db.$queryRaw<Array<{ provider_id: number; n: bigint }>>`
      SELECT last_provider_id AS provider_id, count(*) AS n FROM session_rollup
      WHERE last_at >= ${since} AND last_provider_id IS NOT NULL GROUP BY 1`,
    deps.db.provider.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { id: "asc" }, take: 500 }),
  ]);
  const sessions = new Map(byProvider.map((r) => [r.provider_id, Number(r.n)]));
  const flights = await Promise.all(providers.map((p) => deps.store.inFlight(`p:${p.id}`, now)));
  return {
    activeSessions: total,
    providers: providers.map((p, i) => ({
      providerId: p.id,
      name: p.name,
      activeSessions: sessions.get(p.id) ?? 0,
      inFlightRequests: flights[i]!.requests,
      inFlightSessions: flights[i]!.sessions,
    })),
  };
}

/** A session's requests the viewer may see, newest first (a member sees "upstream" as the provider). */
export async function sessionRequests(db: Db, viewer: Viewer, query: { keyId: number; sessionId: string; limit: number }) {
  const admin = isAdmin(viewer);
  const rows = await db.requestLog.findMany({
    where: { sessionId: query.sessionId, keyId: query.keyId, ...(admin || viewer.kind !== "user" ? {} : { userId: viewer.userId }) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit,
    select: {
      requestId: true, createdAt: true, model: true, providerId: true, statusCode: true, costUsd: true, durationMs: true,
      inputTokens: true, outputTokens: true, cacheReadTokens: true, cacheCreation5mTokens: true, cacheCreation1hTokens: true,
    },
  });
  const names = admin ? await loadNames(db, { providers: rows.flatMap((r) => (r.providerId === null ? [] : [r.providerId])) }) : null;
  return rows.map((r) => ({
    requestId: r.requestId,
    createdAt: r.createdAt.toISOString(),
    model: r.model === null ? null : r.model.slice(0, 200),
    providerName: r.providerId === null ? null : names ? (names.providers.get(r.providerId) ?? `#${r.providerId}`) : MEMBER_PROVIDER_NAME,
    statusCode: r.statusCode,
    tokens: r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheCreation5mTokens + r.cacheCreation1hTokens,
    costUsd: r.costUsd === null ? null : Number(r.costUsd.toString()),
    durationMs: r.durationMs,
  }));
}

/** Forgets a session's provider binding; whether there was one. The store being away is a 503. */
export async function unbindSession(store: Store, keyId: number, sessionId: string, now: number): Promise<boolean> {
  return store.unbindSession(`${keyId}:${sessionId}`, now).catch((error: Error) => {
    throw hubError("SERVICE_UNAVAILABLE", "sessionStoreDown", {}, error);
  });
}
