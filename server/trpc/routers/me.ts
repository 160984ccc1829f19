/** me.*: what the caller may know about themself (the /my-usage page and the dashboard shell). */
import { z } from "zod";
import { dailyWindowStart } from "../../domain/quota/windows.ts";
import { usageDay } from "../schemas.ts";
import { isAdmin, publicProcedure, router, userProcedure } from "../trpc.ts";
import { usageSeries } from "../../admin/usage-series.ts";

const usageTotals = z.object({ requests: z.number(), costUsd: z.number(), inputTokens: z.number(), outputTokens: z.number() });

export const meRouter = router({
  session: publicProcedure
    .meta({ openapi: { method: "POST", path: "/me/session", tags: ["me"], summary: "Who is logged in" } })
    .input(z.object({}).default({}))
    .output(
      z.object({
        loggedIn: z.boolean(),
        role: z.enum(["admin", "user"]).nullable(),
        dashboard: z.boolean().describe("May use the dashboard (else only /my-usage)"),
        userId: z.number().nullable(),
        userName: z.string().nullable(),
        keyId: z.number().nullable(),
        siteTitle: z.string(),
      }),
    )
    .query(async ({ ctx }) => {
      const v = ctx.viewer;
      const siteTitle = ctx.catalog.settings().siteTitle;
      if (!v) return { loggedIn: false, role: null, dashboard: false, userId: null, userName: null, keyId: null, siteTitle };
      if (v.kind === "admin") return { loggedIn: true, role: "admin" as const, dashboard: true, userId: null, userName: "admin", keyId: null, siteTitle };
      const user = await ctx.db.user.findUnique({ where: { id: v.userId }, select: { name: true } });
      return {
        loggedIn: true,
        role: isAdmin(v) ? ("admin" as const) : ("user" as const),
        dashboard: v.canLoginWebUi,
        userId: v.userId,
        userName: user?.name ?? null,
        keyId: v.keyId,
        siteTitle,
      };
    }),

  usage: userProcedure
    .meta({ openapi: { method: "POST", path: "/me/usage", tags: ["me"], summary: "The caller's own usage today and in total", protect: true } })
    .input(z.object({}).default({}))
    .output(
      z.object({
        userName: z.string().nullable(),
        keyName: z.string().nullable(),
        timezone: z.string(),
        today: usageTotals,
        total: usageTotals,
        days: z.array(usageDay).describe("The last 7 days of this key, today last"),
      }),
    )
    .query(async ({ ctx }) => {
      const v = ctx.viewer;
      const timezone = ctx.catalog.settings().timezone;
      const since = new Date(dailyWindowStart(ctx.now(), timezone));
      const scope = v.kind === "user" ? { keyId: v.keyId } : {};
      const sum = async (where: { createdAt?: { gte: Date } }) => {
        // Requests are counted in the request log (failures included); money and tokens in the ledger.
        const [agg, requests] = await Promise.all([
          ctx.db.usageLedger.aggregate({ where: { ...scope, ...where }, _sum: { costUsd: true, inputTokens: true, outputTokens: true } }),
          ctx.db.requestLog.count({ where: { ...scope, ...where } }),
        ]);
        return {
          requests,
          costUsd: Number(agg._sum.costUsd?.toString() ?? 0),
          inputTokens: agg._sum.inputTokens ?? 0,
          outputTokens: agg._sum.outputTokens ?? 0,
        };
      };
      const [today, total, key, days] = await Promise.all([
        sum({ createdAt: { gte: since } }),
        sum({}),
        v.kind === "user" ? ctx.db.apiKey.findUnique({ where: { id: v.keyId }, include: { user: { select: { name: true } } } }) : null,
        v.kind === "user" ? usageSeries(ctx, { keyId: v.keyId }, 7) : [],
      ]);
      return { userName: key?.user.name ?? (v.kind === "admin" ? "admin" : null), keyName: key?.name ?? null, timezone, today, total, days };
    }),
});
