/**
 * The admin door: login/logout, the tRPC endpoint the dashboard's browser code may call,
 * the same procedures as REST under /api/actions (with the OpenAPI document and docs), and the
 * server-side caller the Remix loaders and actions use.
 */
import express, { Router, type Request, type RequestHandler } from "express";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { createOpenApiExpressMiddleware } from "trpc-to-openapi";
import { login, sessionCookie } from "../auth/login.ts";
import type { SecretBox } from "../auth/secrets.ts";
import { AuthLockedError } from "../auth/lockout.ts";
import { revokeSession } from "../auth/session-revocation.ts";
import { resolveViewer } from "../auth/viewer.ts";
import { readCookie, SESSION_COOKIE, SessionSigner } from "../auth/web-session.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Db } from "../db/database.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { Env } from "../env.ts";
import { clientIp } from "../gateway/client-ip.ts";
import type { Logger } from "../logger.ts";
import type { Notifications } from "../notifications/notifications.ts";
import type { Store } from "../store/store.ts";
import { appRouter, createCaller, type Caller } from "../trpc/root.ts";
import type { Services, TrpcContext } from "../trpc/trpc.ts";
import { apiDocsRouter } from "./api-docs.ts";
import { logsExportHandler } from "./logs-export.ts";
import { PUBLIC_DIR } from "../paths.ts";

/** The most calls one tRPC request may batch (GET or POST). */
export const TRPC_MAX_BATCH_SIZE = 10;

export interface AdminApiDeps {
  env: Env;
  db: Db;
  store: Store;
  catalog: Catalog;
  secrets: SecretBox;
  logger: Logger;
  logWriter: LogWriter;
  now: () => number;
  notifications?: Notifications;
}

export type CallerForRequest = (req: Request) => Promise<{ caller: Caller; context: TrpcContext }>;

export function createAdminApi(deps: AdminApiDeps) {
  const signer = new SessionSigner(deps.secrets.derive("web-session"), deps.env.ADMIN_TOKEN);
  const services: Services = deps;

  /** The address failures are counted against and audit rows name (TRUST_PROXY-aware). */
  const addressOf = (req: Request) => clientIp(req, deps.env.TRUST_PROXY) ?? "unknown";

  // One viewer per request: the guard below resolves it (answering 429 to a locked-out Bearer)
  // and the tRPC context reuses it instead of counting a failed token twice.
  const viewers = new WeakMap<Request, ReturnType<typeof resolveViewer>>();
  const viewerOf = (req: Request) => {
    let viewer = viewers.get(req);
    if (!viewer) {
      viewer = resolveViewer(req.headers, req.method, { ...deps, signer }, addressOf(req));
      viewers.set(req, viewer);
    }
    return viewer;
  };

  const contextFor = async (req: Request): Promise<TrpcContext> => ({
    ...services,
    // Reached without the guard (the dashboard's loaders): a locked-out Bearer is just not logged in.
    viewer: await viewerOf(req).catch((error: unknown) => {
      if (error instanceof AuthLockedError) return null;
      throw error;
    }),
    ip: clientIp(req, deps.env.TRUST_PROXY),
  });

  const refuseLockedOut: RequestHandler = (req, res, next) => {
    viewerOf(req).then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof AuthLockedError)) return next(error);
        res.setHeader("retry-after", String(error.retryAfterSeconds));
        res.status(error.status).json({ ok: false, error: error.message });
      },
    );
  };

  const router = Router();
  const json = express.json({ limit: "2mb" });

  router.post("/api/auth/login", express.json({ limit: "16kb" }), async (req, res) => {
    const token = typeof req.body?.token === "string" ? req.body.token : "";
    const result = await login({ ...deps, signer }, token, addressOf(req));
    if (!result.ok) {
      if (result.retryAfterSeconds) res.setHeader("retry-after", String(result.retryAfterSeconds));
      res.status(result.status).json({ ok: false, error: result.message });
      return;
    }
    res.setHeader("set-cookie", sessionCookie(result.cookie, deps.env.AUTH_SESSION_TTL_SECONDS, deps.env.ENABLE_SECURE_COOKIES, SESSION_COOKIE));
    res.json({ ok: true, role: result.role, redirectTo: result.redirectTo });
  });

  /**
   * Revokes the session in a Cookie header, if it holds a valid one (a copy of it stops working
   * too). Logging out still clears the browser's cookie when the store is down; the revocation
   * that could not be recorded is logged, since that copy stays valid until it expires.
   */
  const logout = async (cookieHeader: string | undefined): Promise<void> => {
    const now = deps.now();
    const session = signer.verify(readCookie(cookieHeader, SESSION_COOKIE), now);
    if (!session) return;
    await revokeSession(deps.store, session, now).catch((error: unknown) => {
      deps.logger.warn({ err: (error as Error).message }, "logout: the session could not be revoked in the store; it stays valid until it expires");
    });
  };

  router.post("/api/auth/logout", async (req, res) => {
    await logout(req.headers.cookie);
    res.setHeader("set-cookie", sessionCookie("", 0, deps.env.ENABLE_SECURE_COOKIES, SESSION_COOKIE));
    res.json({ ok: true });
  });

  router.use(["/api/trpc", "/api/actions"], refuseLockedOut);
  router.get(
    "/api/logs/export.csv",
    refuseLockedOut,
    logsExportHandler({ db: deps.db, logger: deps.logger, now: deps.now, viewerOf: (req) => viewerOf(req) }),
  );
  router.use(
    "/api/trpc",
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => contextFor(req as Request),
      // Any key may call; a batch of 40 list calls once exhausted the heap. Larger batches are
      // refused with 400 before any call runs (the dashboard's browser code does not batch).
      maxBatchSize: TRPC_MAX_BATCH_SIZE,
      maxBodySize: 2 * 1024 * 1024,
    }),
  );

  router.use(apiDocsRouter(PUBLIC_DIR));
  router.use(
    "/api/actions",
    json,
    createOpenApiExpressMiddleware({
      router: appRouter,
      createContext: ({ req }: { req: Request }) => contextFor(req),
    }),
  );

  const callerFor: CallerForRequest = async (req) => {
    const context = await contextFor(req);
    return { caller: createCaller(context), context };
  };

  /** Login as used by the dashboard's own login form (same rules as POST /api/auth/login). */
  const loginForDashboard = (token: string, address: string) => login({ ...deps, signer }, token, address);

  return { router, createCaller: callerFor, login: loginForDashboard, logout, signer, addressOf };
}

export type AdminApi = ReturnType<typeof createAdminApi>;
