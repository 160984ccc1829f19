/**
 * GET /metrics, the Prometheus scrape endpoint (ops door, beside /api/health/*; decision 0019).
 *
 * METRICS_TOKEN unset: the endpoint does not exist (404), so a hub never exposes its traffic,
 * costs and provider names without an admin asking for it. Set: a scraper must send
 * `Authorization: Bearer <token>` (401 otherwise). The admin token is deliberately not
 * accepted: a scraper's config should never hold a credential that can change the hub.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Router } from "express";
import type { Logger } from "../logger.ts";
import type { HubMetrics } from "../metrics/registry.ts";

export const METRICS_PATH = "/metrics";

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
const digest = (s: string) => createHash("sha256").update(s).digest();

export function metricsRouter(metrics: HubMetrics, token: string | undefined, logger: Logger) {
  const router = Router();
  if (!token) {
    // Answered here, so the path never reaches the dashboard (which would offer a login page).
    router.get(METRICS_PATH, (_req, res) => void res.status(404).type("text/plain").send("Not found.\n"));
    return router;
  }
  const expected = digest(token);
  router.get(METRICS_PATH, async (req, res) => {
    const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
    if (!presented || !timingSafeEqual(digest(presented), expected)) {
      res.status(401).set("www-authenticate", 'Bearer realm="metrics"').type("text/plain").send("A valid bearer token (METRICS_TOKEN) is required.\n");
      return;
    }
    try {
      const { contentType, body } = await metrics.scrape();
      res.status(200).set("content-type", contentType).set("cache-control", "no-store").send(body);
    } catch (error) {
      logger.error({ err: (error as Error).message }, "metrics could not be collected");
      res.status(500).type("text/plain").send("metrics could not be collected\n");
    }
  });
  return router;
}
