/**
 * leaderboard.*: users, keys, providers and models ranked by cost, requests, tokens or cache-hit
 * ratio over today / this week / this month / a range of days, in the system time zone (manual
 * §7.4). What a member may see of it, and the ranking, are decided in server/admin/leaderboard.ts.
 */
import { z } from "zod";
import { leaderboard, MEMBER_VIEWS, writeMemberView, type MemberView } from "../../admin/leaderboard.ts";
import { audit } from "../audit.ts";
import { adminProcedure, dashboardProcedure, router } from "../trpc.ts";

export { MEMBER_VIEWS, type MemberView };

const DAY = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "YYYY-MM-DD");

export const leaderboardInput = z
  .object({
    dimension: z.enum(["user", "key", "provider", "model"]).default("user"),
    period: z.enum(["today", "week", "month", "custom"]).default("today"),
    fromDay: DAY.optional().describe("custom: first day (system time zone)"),
    toDay: DAY.optional().describe("custom: last day, inclusive"),
    sortBy: z.enum(["cost", "requests", "tokens", "cacheHit"]).default("cost"),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .default({ dimension: "user", period: "today", sortBy: "cost", limit: 50 });

const entry = z.object({
  rank: z.number(),
  /** Withheld (null) for other users in a member's anonymized view. */
  id: z.string().nullable(),
  name: z.string().nullable(),
  isSelf: z.boolean(),
  requests: z.number(),
  tokens: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  costUsd: z.number(),
  cacheHitRatio: z.number().nullable(),
});

export const leaderboardRouter = router({
  get: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/leaderboard/get", tags: ["leaderboard"], summary: "Ranked usage for a period", protect: true } })
    .input(leaderboardInput)
    .output(
      z.object({
        timezone: z.string(),
        from: z.string(),
        to: z.string(),
        memberView: z.enum(MEMBER_VIEWS),
        /** The viewer sees the whole board (admins) or a member's view of it. */
        restricted: z.boolean(),
        items: z.array(entry),
      }),
    )
    .query(({ ctx, input }) => leaderboard(ctx, ctx.viewer, input, ctx.now())),

  setMemberView: adminProcedure
    .meta({ openapi: { method: "POST", path: "/leaderboard/setMemberView", tags: ["leaderboard"], summary: "What members see of the leaderboard", protect: true } })
    .input(z.object({ memberView: z.enum(MEMBER_VIEWS) }))
    .output(z.object({ memberView: z.enum(MEMBER_VIEWS) }))
    .mutation(async ({ ctx, input }) => {
      const before = await writeMemberView(ctx.db, input.memberView);
      audit(ctx, "leaderboard.setMemberView", { type: "settings", id: 1 }, { before: { memberView: before }, after: { memberView: input.memberView } });
      return { memberView: input.memberView };
    }),
});
