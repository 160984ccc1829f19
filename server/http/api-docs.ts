/**
 * The OpenAPI document of the REST mirror of the tRPC procedures, and two offline viewers:
 * Swagger UI (assets from swagger-ui-express) and Scalar (its standalone bundle, fetched from
 * the npm registry at build time into public/vendor; see scripts/fetch-vendor.sh).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Router } from "express";
import swaggerUi from "swagger-ui-express";
import { generateOpenApiDocument } from "trpc-to-openapi";
import { appRouter } from "../trpc/root.ts";

export function buildOpenApiDocument() {
  return generateOpenApiDocument(appRouter, {
    title: "Claude Code Hub admin API",
    version: "1.0.0",
    description:
      "Every tRPC procedure of the hub as `POST /api/actions/{router}/{procedure}` (JSON in, JSON out). " +
      "Authenticate with the dashboard login cookie or `Authorization: Bearer <ADMIN_TOKEN>`.",
    baseUrl: "/api/actions",
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN, or an API key for its own data" } },
  });
}

export function apiDocsRouter(publicDir: string) {
  const router = Router();
  const document = buildOpenApiDocument();
  router.get("/api/actions/openapi.json", (_req, res) => {
    res.json(document);
  });
  router.use("/api/actions/docs", swaggerUi.serve);
  router.get("/api/actions/docs", swaggerUi.setup(document, { customSiteTitle: "Claude Code Hub API" }));

  const scalarBundle = path.join(publicDir, "vendor", "scalar-standalone.js");
  router.get("/api/actions/scalar", (_req, res) => {
    if (!existsSync(scalarBundle)) {
      res
        .status(503)
        .type("text/plain")
        .send("The Scalar bundle is not installed (run `npm run build`, which fetches it). Swagger UI is at /api/actions/docs.");
      return;
    }
    res.type("html").send(`<!doctype html>
<html>
  <head>
    <title>Claude Code Hub API</title>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
  </head>
  <body>
    <script id="api-reference" data-url="/api/actions/openapi.json" data-configuration='{"withDefaultFonts":false,"hideClientButton":true}'></script>
    <script src="/api/actions/scalar/standalone.js"></script>
  </body>
</html>`);
  });
  router.get("/api/actions/scalar/standalone.js", (_req, res) => {
    res.sendFile(scalarBundle, { maxAge: "1d" });
  });
  return router;
}
