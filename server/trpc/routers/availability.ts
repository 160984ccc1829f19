/**
 * availability.*: how providers and models are doing (manual §7.5): success rate, TTFB and
 * duration p50/p95/p99, failures by error class, over the last hour, 24 hours or 7 days, and
 * each provider's breaker now and its history. Admins only: members never see providers. The
 * reads and the figures live in server/admin/availability.ts.
 */
import { z } from "zod";
import { availability, breakers } from "../../admin/availability.ts";
import { adminProcedure, router } from "../trpc.ts";

const latencyStats = z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() });

const figures = z.object({
  requests: z.number(),
  served: z.number(),
  failures: z.number(),
  /** Served requests that succeeded, 0..1 (null when none was served). */
  successRate: z.number().nullable(),
  ttfbMs: latencyStats,
  durationMs: latencyStats,
});

const BREAKER_STATES = ["closed", "open", "half_open"] as const;

export const availabilityRouter = router({
  get: adminProcedure
    .meta({ openapi: { method: "POST", path: "/availability/get", tags: ["availability"], summary: "Success, latency and errors per provider or model", protect: true } })
    .input(
      z
        .object({ dimension: z.enum(["provider", "model"]).default("provider"), span: z.enum(["1h", "24h", "7d"]).default("24h") })
        .default({ dimension: "provider", span: "24h" }),
    )
    .output(
      z.object({
        from: z.string(),
        to: z.string(),
        stepMs: z.number(),
        /** Every step's start, empty ones included, so charts keep a continuous axis. */
        steps: z.array(z.string()),
        items: z.array(
          figures.extend({
            ref: z.string(),
            name: z.string(),
            errors: z.array(z.object({ errorClass: z.string(), count: z.number() })),
            series: z.array(z.object({ at: z.string(), requests: z.number(), failures: z.number(), successRate: z.number().nullable(), p95DurationMs: z.number().nullable(), p95TtfbMs: z.number().nullable() })),
          }),
        ),
      }),
    )
    .query(({ ctx, input }) => availability(ctx.db, input, ctx.now())),

  breakers: adminProcedure
    .meta({ openapi: { method: "POST", path: "/availability/breakers", tags: ["availability"], summary: "Each provider's breaker now and its recent changes", protect: true } })
    .input(z.object({}).default({}))
    .output(
      z.object({
        items: z.array(
          z.object({
            providerId: z.number(),
            name: z.string(),
            state: z.enum(BREAKER_STATES),
            failures: z.number(),
            openUntil: z.string().nullable(),
            history: z.array(z.object({ at: z.string(), from: z.string(), to: z.string(), failures: z.number() })),
          }),
        ),
      }),
    )
    .query(async ({ ctx }) => ({ items: await breakers(ctx, ctx.now()) })),
});
