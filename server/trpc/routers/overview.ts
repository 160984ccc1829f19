/**
 * overview.get: the dashboard's front page — requests, tokens, cost and error rate over today /
 * 7 days / 30 days in steps, split by model or provider; the top users, models and providers;
 * what is in flight now. Figures come from usage_rollup (decision 0021); the work lives in
 * server/admin/overview.ts.
 *
 * A member sees their own user's series and totals only, and themselves as the only top user:
 * no split (the rollup's model and provider rows are the team's), no other lists, no concurrency.
 */
import { z } from "zod";
import { overview } from "../../admin/overview.ts";
import { dashboardProcedure, router } from "../trpc.ts";

const point = z.object({ requests: z.number(), tokens: z.number(), costUsd: z.number(), errors: z.number() });
const topEntry = z.object({ id: z.string(), name: z.string(), requests: z.number(), tokens: z.number(), costUsd: z.number() });

export const overviewRouter = router({
  get: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/overview/get", tags: ["overview"], summary: "Usage over time, split, top lists and live concurrency", protect: true } })
    .input(
      z
        .object({ span: z.enum(["today", "7d", "30d"]).default("today"), split: z.enum(["model", "provider"]).default("model") })
        .default({ span: "today", split: "model" }),
    )
    .output(
      z.object({
        timezone: z.string(),
        span: z.enum(["today", "7d", "30d"]),
        from: z.string(),
        to: z.string(),
        /** "day" steps are local calendar days; else the step length in ms. */
        step: z.union([z.literal("day"), z.number()]),
        restricted: z.boolean(),
        totals: point.extend({ inputTokens: z.number(), outputTokens: z.number(), cacheTokens: z.number(), errorRate: z.number().nullable() }),
        series: z.array(point.extend({ at: z.string() })),
        split: z.object({
          by: z.enum(["model", "provider"]),
          keys: z.array(z.object({ id: z.string(), name: z.string() })),
          series: z.array(z.object({ at: z.string(), values: z.record(z.string(), point) })),
        }),
        top: z.object({ users: z.array(topEntry), models: z.array(topEntry), providers: z.array(topEntry) }),
        live: z.object({ inFlightRequests: z.number(), activeSessions: z.number() }).nullable(),
      }),
    )
    .query(({ ctx, input }) => overview(ctx, ctx.viewer, input, { now: ctx.now(), sessionTtlSeconds: ctx.env.SESSION_TTL })),
});
