/**
 * The dashboard door: the Remix request handler over the production build in build/. Loaders
 * and actions get the tRPC caller for the request's viewer through the load context.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import express, { Router, type Request, type RequestHandler } from "express";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import type { AdminApi } from "./admin-api.ts";
import { PUBLIC_DIR, REMIX_BUILD } from "../paths.ts";

export async function loadDashboard(env: Env, admin: AdminApi, logger: Logger): Promise<RequestHandler> {
  const buildFile = REMIX_BUILD;
  const router = Router();
  router.use("/build", express.static(path.join(PUBLIC_DIR, "build"), { immutable: true, maxAge: "1y" }));
  router.use(express.static(PUBLIC_DIR, { maxAge: "1h", index: false }));
  if (!existsSync(buildFile)) {
    logger.warn("dashboard build not found (build/index.js): run `npm run build`; the gateway and the admin API work without it");
    router.use((_req, res) => {
      res.status(503).type("text/plain").send("The dashboard is not built. Run `npm run build`, then restart the hub.");
    });
    return router;
  }
  const [{ createRequestHandler }, build] = await Promise.all([
    import("@remix-run/express"),
    import(pathToFileURL(buildFile).href),
  ]);
  router.all(
    "/{*splat}",
    createRequestHandler({
      build,
      mode: "production",
      getLoadContext: async (req) => {
        const { caller, context } = await admin.createCaller(req as unknown as Request);
        return {
          trpc: caller,
          viewer: context.viewer,
          login: admin.login,
          logout: admin.logout,
          clientAddress: admin.addressOf(req as unknown as Request),
          secureCookies: env.ENABLE_SECURE_COOKIES,
          sessionTtlSeconds: env.AUTH_SESSION_TTL_SECONDS,
        };
      },
    }),
  );
  return router;
}
