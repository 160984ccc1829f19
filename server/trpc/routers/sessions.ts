/**
 * sessions.*: conversations the hub has seen, for the sessions page (manual §7.3). Members see
 * their own user's sessions, without providers; unbinding is for admins. The reads (rollup,
 * store bindings, in-flight counters, the log) live in server/admin/sessions.ts.
 */
import { z } from "zod";
import { listSessions, sessionDistribution, sessionRequests, unbindSession } from "../../admin/sessions.ts";
import { audit } from "../audit.ts";
import { adminProcedure, dashboardProcedure, router } from "../trpc.ts";

/** Session ids are at most this long (the gateway keeps or hashes longer ones, input-bounds.ts). */
const SESSION_ID = z.string().min(1).max(200);

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
    .query(({ ctx, input }) => listSessions(ctx, ctx.viewer, input, { now: ctx.now(), sessionTtlSeconds: ctx.env.SESSION_TTL })),

  distribution: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sessions/distribution", tags: ["sessions"], summary: "Active sessions and requests in flight per provider", protect: true } })
    .input(z.object({}).default({}))
    .output(
      z.object({
        activeSessions: z.number(),
        providers: z.array(z.object({ providerId: z.number(), name: z.string(), activeSessions: z.number(), inFlightRequests: z.number(), inFlightSessions: z.number() })),
      }),
    )
    .query(({ ctx }) => sessionDistribution(ctx, { now: ctx.now(), sessionTtlSeconds: ctx.env.SESSION_TTL })),

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
    .query(async ({ ctx, input }) => ({ items: await sessionRequests(ctx.db, ctx.viewer, input) })),

  unbind: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sessions/unbind", tags: ["sessions"], summary: "Forget a session's provider binding", protect: true } })
    .input(z.object({ keyId: z.number().int().min(1), sessionId: SESSION_ID }))
    .output(z.object({ unbound: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const unbound = await unbindSession(ctx.store, input.keyId, input.sessionId, ctx.now());
      audit(ctx, "sessions.unbind", { type: "session", id: `${input.keyId}:${input.sessionId}` }, { before: { bound: unbound } });
      return { unbound };
    }),
});
