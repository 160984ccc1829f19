/**
 * stats.*: aggregates for the dashboard, read from the usage ledger (never from the bulky log).
 * The queries and the ranking live in server/admin/stats.ts.
 */
import { z } from "zod";
import { statsOverview } from "../../admin/stats.ts";
import { dashboardProcedure, router } from "../trpc.ts";

const totals = z.object({
  requests: z.number(),
  costUsd: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheCreationTokens: z.number(),
});

export const statsRouter = router({
  overview: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/stats/overview", tags: ["stats"], summary: "Today's totals, errors, and the last days' series", protect: true } })
    .input(z.object({ days: z.number().int().min(1).max(90).default(7) }).default({ days: 7 }))
    .output(
      z.object({
        timezone: z.string(),
        today: totals.extend({ errors: z.number() }),
        series: z.array(z.object({ day: z.string(), requests: z.number(), costUsd: z.number() })),
        topUsers: z.array(z.object({ userId: z.number(), userName: z.string(), requests: z.number(), costUsd: z.number() })),
      }),
    )
    .query(({ ctx, input }) => statsOverview(ctx, ctx.viewer, input.days)),
});
