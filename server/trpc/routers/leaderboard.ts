/**
 * leaderboard.*: users, keys, providers and models ranked by cost, requests, tokens or cache-hit
 * ratio over today / this week / this month / a range of days, in the system time zone (manual
 * §7.4). Figures come from usage_rollup (decision 0021).
 *
 * What a member sees is decided here, not in the page: with the setting "self" only their own
 * user (and their own keys); with "anonymized" every user's rank and figures, every name but
 * their own withheld. Providers and models are admin views (members never see providers, and the
 * model ranking is the whole team's usage).
 */
import { z } from "zod";
import { calendarRange, PeriodError } from "../../db/periods.ts";
import { loadNames } from "../../db/names.ts";
import { cacheHitRatio, rollupByRef, totalTokens, type Totals } from "../../db/rollups.ts";
import { audit } from "../audit.ts";
import { adminProcedure, dashboardProcedure, isAdmin, router } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";

export const MEMBER_VIEWS = ["self", "anonymized"] as const;
export type MemberView = (typeof MEMBER_VIEWS)[number];

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

async function memberView(ctx: { db: import("../../db/database.ts").Db }): Promise<MemberView> {
  const row = await ctx.db.systemSettings.findUnique({ where: { id: 1 }, select: { leaderboardMemberView: true } });
  return row?.leaderboardMemberView === "anonymized" ? "anonymized" : "self";
}

function sortValue(t: Totals, by: "cost" | "requests" | "tokens" | "cacheHit"): number {
  if (by === "cost") return t.costUsd;
  if (by === "requests") return t.requests;
  if (by === "tokens") return totalTokens(t);
  return cacheHitRatio(t) ?? -1;
}

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
    .query(async ({ ctx, input }) => {
      const admin = isAdmin(ctx.viewer);
      const viewer = ctx.viewer;
      if (!admin && (input.dimension === "provider" || input.dimension === "model")) {
        throw hubError("FORBIDDEN", "leaderboardAdminOnly");
      }
      const timezone = ctx.catalog.settings().timezone;
      let range;
      try {
        range = calendarRange(input.period, ctx.now(), timezone, input.period === "custom" ? { fromDay: input.fromDay ?? "", toDay: input.toDay ?? "" } : undefined);
      } catch (error) {
        if (!(error instanceof PeriodError)) throw hubError("BAD_REQUEST", "periodInvalid", { detail: (error as Error).message });
        const code = { missingDays: "periodMissingDays", backwards: "periodBackwards", tooLong: "periodTooLong" } as const;
        throw hubError("BAD_REQUEST", code[error.reason], { max: error.maxDays });
      }
      const view = await memberView(ctx);
      const selfUser = viewer.kind === "user" ? viewer.userId : null;

      // A member's keys: the only keys they may rank (their own, in either view).
      let refs: string[] | undefined;
      if (!admin && input.dimension === "key") {
        const keys = await ctx.db.apiKey.findMany({ where: { userId: selfUser ?? -1 }, select: { id: true }, take: 500 });
        refs = keys.map((k) => String(k.id));
      } else if (!admin && view === "self") {
        refs = [String(selfUser ?? -1)];
      }

      const rows = await rollupByRef(ctx.db, input.dimension, range.from, range.to, refs);
      rows.sort((a, b) => sortValue(b, input.sortBy) - sortValue(a, input.sortBy) || b.requests - a.requests || a.ref.localeCompare(b.ref));
      const top = rows.slice(0, input.limit);
      // A member outside the top still sees their own row (with its real rank).
      if (!admin && input.dimension === "user" && selfUser !== null && !top.some((r) => r.ref === String(selfUser))) {
        const own = rows.find((r) => r.ref === String(selfUser));
        if (own) top.push(own);
      }
      const ids = top.map((r) => Number(r.ref));
      const names =
        input.dimension === "model"
          ? null
          : await loadNames(ctx.db, input.dimension === "user" ? { users: ids } : input.dimension === "key" ? { keys: ids } : { providers: ids });
      const nameOf = (ref: string) => {
        if (!names) return ref;
        const map = input.dimension === "user" ? names.users : input.dimension === "key" ? names.keys : names.providers;
        return map.get(Number(ref)) ?? `#${ref}`;
      };
      return {
        timezone,
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        memberView: view,
        restricted: !admin,
        items: top.map((r) => {
          const isSelf = input.dimension === "user" ? r.ref === String(selfUser) : input.dimension === "key" && !admin;
          const hidden = !admin && input.dimension === "user" && !isSelf;
          return {
            rank: rows.indexOf(r) + 1,
            id: hidden ? null : r.ref,
            name: hidden ? null : nameOf(r.ref),
            isSelf,
            requests: r.requests,
            tokens: totalTokens(r),
            inputTokens: r.inputTokens,
            outputTokens: r.outputTokens,
            cacheReadTokens: r.cacheReadTokens,
            costUsd: r.costUsd,
            cacheHitRatio: cacheHitRatio(r),
          };
        }),
      };
    }),

  setMemberView: adminProcedure
    .meta({ openapi: { method: "POST", path: "/leaderboard/setMemberView", tags: ["leaderboard"], summary: "What members see of the leaderboard", protect: true } })
    .input(z.object({ memberView: z.enum(MEMBER_VIEWS) }))
    .output(z.object({ memberView: z.enum(MEMBER_VIEWS) }))
    .mutation(async ({ ctx, input }) => {
      const before = await memberView(ctx);
      await ctx.db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, leaderboardMemberView: input.memberView }, update: { leaderboardMemberView: input.memberView } });
      audit(ctx, "leaderboard.setMemberView", { type: "settings", id: 1 }, { before: { memberView: before }, after: { memberView: input.memberView } });
      return { memberView: input.memberView };
    }),
});
