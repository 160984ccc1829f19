/**
 * The admin door: login/logout, the tRPC endpoint the dashboard's browser code may call,
 * the same procedures as REST under /api/actions (with the OpenAPI document and docs), and the
 * server-side caller the Remix loaders and actions use.
 */
import express, { Router, type Request } from "express";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { createOpenApiExpressMiddleware } from "trpc-to-openapi";
import { login, sessionCookie } from "../auth/login.ts";
import type { SecretBox } from "../auth/secrets.ts";
import { resolveViewer } from "../auth/viewer.ts";
import { SESSION_COOKIE, SessionSigner } from "../auth/web-session.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Db } from "../db/database.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { appRouter, createCaller, type Caller } from "../trpc/root.ts";
import type { Services, TrpcContext } from "../trpc/trpc.ts";
import { apiDocsRouter } from "./api-docs.ts";
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
}

export type CallerForRequest = (req: Request) => Promise<{ caller: Caller; context: TrpcContext }>;

export function createAdminApi(deps: AdminApiDeps) {
  const signer = new SessionSigner(deps.secrets.derive("web-session"), deps.env.ADMIN_TOKEN);
  const services: Services = deps;

  const contextFor = async (req: Request): Promise<TrpcContext> => ({
    ...services,
    viewer: await resolveViewer(req.headers, req.method, { ...deps, signer }),
    ip: req.socket.remoteAddress,
  });

  const router = Router();
  const json = express.json({ limit: "2mb" });

  router.post("/api/auth/login", express.json({ limit: "16kb" }), async (req, res) => {
    const token = typeof req.body?.token === "string" ? req.body.token : "";
    const result = await login({ ...deps, signer }, token, req.socket.remoteAddress ?? "unknown");
    if (!result.ok) {
      if (result.retryAfterSeconds) res.setHeader("retry-after", String(result.retryAfterSeconds));
      res.status(result.status).json({ ok: false, error: result.message });
      return;
    }
    res.setHeader("set-cookie", sessionCookie(result.cookie, deps.env.AUTH_SESSION_TTL_SECONDS, deps.env.ENABLE_SECURE_COOKIES, SESSION_COOKIE));
    res.json({ ok: true, role: result.role, redirectTo: result.redirectTo });
  });

  router.post("/api/auth/logout", (_req, res) => {
    res.setHeader("set-cookie", sessionCookie("", 0, deps.env.ENABLE_SECURE_COOKIES, SESSION_COOKIE));
    res.json({ ok: true });
  });

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

  return { router, createCaller: callerFor, login: loginForDashboard, signer };
}

export type AdminApi = ReturnType<typeof createAdminApi>;
