/**
 * sessions.*: conversations the hub has seen, for the sessions page (manual §7.3).
 *
 * The list comes from session_rollup (one row per key and session, kept by the request-log
 * trigger, indexed by last activity), the bound provider from the store (the binding the next
 * request will follow), the concurrency from the store's in-flight counters, and a session's
 * requests from the request log through its (session_id, created_at) index — never a scan.
 * Members see their own user's sessions, without providers; unbinding is for admins.
 */
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import { loadNames } from "../../db/names.ts";
import { clientIdentity } from "../../policy/client-identity.ts";
import { audit } from "../audit.ts";
import { MEMBER_PROVIDER_NAME } from "./log-member-view.ts";
import { adminProcedure, dashboardProcedure, isAdmin, router, type Viewer } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";

/** Session ids are at most this long (the gateway keeps or hashes longer ones, input-bounds.ts). */
const SESSION_ID = z.string().min(1).max(200);
/** "recent": sessions active in the last day. */
const RECENT_MS = 86_400_000;

const sessionItem = z.object({
  keyId: z.number(),
  keyName: z.string().nullable(),
  sessionId: z.string(),
  userId: z.number().nullable(),
  userName: z.string().nullable(),
  client: z.string().nullable(),
  clientFamily: z.string().nullable(),
  model: z.string().nullable(),
  /** The provider the store binds the session to now (admins only; null when unbound). */
  boundProviderId: z.number().nullable(),
  boundProviderName: z.string().nullable(),
  /** The provider that served its last request (admins only). */
  lastProviderName: z.string().nullable(),
  requests: z.number(),
  failures: z.number(),
  tokens: z.number(),
  costUsd: z.number(),
  startedAt: z.string(),
  lastActiveAt: z.string(),
  active: z.boolean(),
});

function userScope(viewer: Viewer): Prisma.Sql {
  if (isAdmin(viewer) || viewer.kind !== "user") return Prisma.empty;
  return Prisma.sql`AND user_id = ${viewer.userId}`;
}

interface SessionRow {
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

/** "claude-cli/2.0.14" from a User-Agent: its leading product token, bounded. */
function clientLabel(userAgent: string | null): string | null {
  if (!userAgent) return null;
  return userAgent.trim().split(/\s+/)[0]!.slice(0, 60) || null;
}

export const sessionsRouter = router({
  list: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/sessions/list", tags: ["sessions"], summary: "Active and recent sessions, last active first", protect: true } })
    .input(
      z
        .object({
          scope: z.enum(["active", "recent"]).default("active").describe("active: within SESSION_TTL; recent: the last 24 hours"),
          page: z.number().int().min(1).max(1000).default(1),
          pageSize: z.number().int().min(1).max(200).default(50),
        })
        .default({ scope: "active", page: 1, pageSize: 50 }),
    )
    .output(
      z.object({
        items: z.array(sessionItem),
        /** False when the store did not answer (bound providers unknown), or for members (not shown). */
        bindingsKnown: z.boolean(),
        activeWithinSeconds: z.number(),
        hasMore: z.boolean(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const now = ctx.now();
      const ttlMs = ctx.env.SESSION_TTL * 1000;
      const since = new Date(now - (input.scope === "active" ? ttlMs : RECENT_MS));
      // One more than a page tells whether there is a next page without counting.
      const rows = await ctx.db.$queryRaw<SessionRow[]>`
        SELECT * FROM session_rollup WHERE last_at >= ${since} ${userScope(ctx.viewer)}
        ORDER BY last_at DESC, key_id, session_id
        LIMIT ${input.pageSize + 1} OFFSET ${(input.page - 1) * input.pageSize}`;
      const page = rows.slice(0, input.pageSize);
      const admin = isAdmin(ctx.viewer);
      // The store being away must not take the page with it: the bindings are then unknown.
      let bindingsKnown = admin;
      const bindings = admin
        ? await ctx.store.sessionBindings(page.map((r) => `${r.key_id}:${r.session_id}`), now).catch((error: Error) => {
            ctx.logger.warn({ err: error.message }, "sessions page: the store did not answer; bindings unknown");
            bindingsKnown = false;
            return new Map<string, number>();
          })
        : new Map<string, number>();
      const names = await loadNames(ctx.db, {
        users: page.flatMap((r) => (r.user_id === null ? [] : [r.user_id])),
        keys: page.map((r) => r.key_id),
        providers: admin ? [...bindings.values(), ...page.flatMap((r) => (r.last_provider_id === null ? [] : [r.last_provider_id]))] : [],
      });
      return {
        bindingsKnown,
        activeWithinSeconds: ctx.env.SESSION_TTL,
        hasMore: rows.length > input.pageSize,
        items: page.map((r) => {
          const bound = bindings.get(`${r.key_id}:${r.session_id}`) ?? null;
          return {
            keyId: r.key_id,
            keyName: names.keys.get(r.key_id) ?? null,
            sessionId: r.session_id,
            userId: r.user_id,
            userName: r.user_id === null ? null : (names.users.get(r.user_id) ?? null),
            client: clientLabel(r.user_agent),
            clientFamily: r.user_agent ? clientIdentity(r.user_agent).family : null,
            model: r.last_model,
            boundProviderId: bound,
            boundProviderName: bound === null ? null : (names.providers.get(bound) ?? `#${bound}`),
            lastProviderName: admin && r.last_provider_id !== null ? (names.providers.get(r.last_provider_id) ?? `#${r.last_provider_id}`) : null,
            requests: r.requests,
            failures: r.failures,
            tokens: Number(r.tokens),
            costUsd: Number(r.cost_usd.toString()),
            startedAt: r.first_at.toISOString(),
            lastActiveAt: r.last_at.toISOString(),
            active: r.last_at.getTime() >= now - ttlMs,
          };
        }),
      };
    }),

  distribution: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sessions/distribution", tags: ["sessions"], summary: "Active sessions and requests in flight per provider", protect: true } })
    .input(z.object({}).default({}))
    .output(
      z.object({
        activeSessions: z.number(),
        providers: z.array(z.object({ providerId: z.number(), name: z.string(), activeSessions: z.number(), inFlightRequests: z.number(), inFlightSessions: z.number() })),
      }),
    )
    .query(async ({ ctx }) => {
      const now = ctx.now();
      const since = new Date(now - ctx.env.SESSION_TTL * 1000);
      const [total, byProvider, providers] = await Promise.all([
        ctx.db.sessionRollup.count({ where: { lastAt: { gte: since } } }),
        ctx.db.$queryRaw<Array<{ provider_id: number; n: bigint }>>`
          SELECT last_provider_id AS provider_id, count(*) AS n FROM session_rollup
          WHERE last_at >= ${since} AND last_provider_id IS NOT NULL GROUP BY 1`,
        ctx.db.provider.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { id: "asc" }, take: 500 }),
      ]);
      const sessions = new Map(byProvider.map((r) => [r.provider_id, Number(r.n)]));
      const flights = await Promise.all(providers.map((p) => ctx.store.inFlight(`p:${p.id}`, now)));
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
    }),

  requests: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/sessions/requests", tags: ["sessions"], summary: "A session's requests, newest first", protect: true } })
    .input(z.object({ keyId: z.number().int().min(1), sessionId: SESSION_ID, limit: z.number().int().min(1).max(200).default(50) }))
    .output(
      z.object({
        items: z.array(
          z.object({
            requestId: z.string(),
            createdAt: z.string(),
            model: z.string().nullable(),
            providerName: z.string().nullable(),
            statusCode: z.number(),
            tokens: z.number(),
            costUsd: z.number().nullable(),
            durationMs: z.number().nullable(),
          }),
        ),
      }),
    )
    .query(async ({ ctx, input }) => {
      const admin = isAdmin(ctx.viewer);
      const rows = await ctx.db.requestLog.findMany({
        where: { sessionId: input.sessionId, keyId: input.keyId, ...(admin || ctx.viewer.kind !== "user" ? {} : { userId: ctx.viewer.userId }) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: input.limit,
        select: {
          requestId: true, createdAt: true, model: true, providerId: true, statusCode: true, costUsd: true, durationMs: true,
          inputTokens: true, outputTokens: true, cacheReadTokens: true, cacheCreation5mTokens: true, cacheCreation1hTokens: true,
        },
      });
      const names = admin ? await loadNames(ctx.db, { providers: rows.flatMap((r) => (r.providerId === null ? [] : [r.providerId])) }) : null;
      return {
        items: rows.map((r) => ({
          requestId: r.requestId,
          createdAt: r.createdAt.toISOString(),
          model: r.model === null ? null : r.model.slice(0, 200),
          providerName: r.providerId === null ? null : names ? (names.providers.get(r.providerId) ?? `#${r.providerId}`) : MEMBER_PROVIDER_NAME,
          statusCode: r.statusCode,
          tokens: r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheCreation5mTokens + r.cacheCreation1hTokens,
          costUsd: r.costUsd === null ? null : Number(r.costUsd.toString()),
          durationMs: r.durationMs,
        })),
      };
    }),

  unbind: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sessions/unbind", tags: ["sessions"], summary: "Forget a session's provider binding", protect: true } })
    .input(z.object({ keyId: z.number().int().min(1), sessionId: SESSION_ID }))
    .output(z.object({ unbound: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const unbound = await ctx.store.unbindSession(`${input.keyId}:${input.sessionId}`, ctx.now()).catch((error: Error) => {
        throw hubError("SERVICE_UNAVAILABLE", "sessionStoreDown", {}, error);
      });
      audit(ctx, "sessions.unbind", { type: "session", id: `${input.keyId}:${input.sessionId}` }, { before: { bound: unbound } });
      return { unbound };
    }),
});
