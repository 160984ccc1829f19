/**
 * /api/health/live (the process answers) and /api/health/ready (database and store reachable,
 * plus counters an operator should see, e.g. request-log rows the database refused).
 */
import { Router } from "express";

export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([
    promise,
    new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

export function healthRouter(
  probes: ReadinessProbe[],
  isShuttingDown: () => boolean,
  /** Extra fields of the ready answer; informational, they never make the hub "not ready". */
  details: () => Record<string, unknown> = () => ({}),
) {
  const router = Router();
  router.get("/api/health/live", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/api/health/ready", async (_req, res) => {
    if (isShuttingDown()) {
      res.status(503).json({ status: "shutting_down" });
      return;
    }
    const results = await Promise.all(
      probes.map(async (probe) => {
        try {
          await withTimeout(probe.check(), 2000);
          return [probe.name, "ok"] as const;
        } catch (error) {
          return [probe.name, (error as Error).message] as const;
        }
      }),
    );
    const ready = results.every(([, status]) => status === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not_ready", checks: Object.fromEntries(results), ...details() });
  });
  return router;
}
