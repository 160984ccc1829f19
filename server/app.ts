/**
 * The Express app and the order of its four doors. The gateway comes first and sees the raw
 * request: no body parser, compression or session middleware runs before it.
 *
 *   1. gateway    /v1/*, /v1beta/*, /v1internal*       (AI clients)
 *   2. ops        /api/health/*, /metrics               (load balancers, Prometheus)
 *   3. admin API  /api/auth/*, /api/trpc/*, /api/actions/*
 *   4. dashboard  everything else (Remix)
 *
 * Doors 3 and 4 sit behind the web guards (server/http/web-guards.ts): Host check, body limit,
 * cross-site refusal.
 */
import express, { type RequestHandler, type Router } from "express";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isGatewayPath } from "./gateway/router.ts";

export interface AppParts {
  gateway: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  health: Router;
  /** GET /metrics (ops door, after health). */
  metrics?: Router;
  adminApi?: Router;
  dashboard?: RequestHandler;
  /** Checks run before the admin API and the dashboard (not before the gateway or health). */
  webGuards?: RequestHandler[];
}

export function createApp(parts: AppParts) {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("trust proxy", false);

  app.use((req, res, next) => {
    if (isGatewayPath(req.url)) void parts.gateway(req, res);
    else next();
  });
  app.use(parts.health);
  if (parts.metrics) app.use(parts.metrics);
  for (const guard of parts.webGuards ?? []) app.use(guard);
  if (parts.adminApi) app.use(parts.adminApi);
  if (parts.dashboard) app.use(parts.dashboard);
  return app;
}
