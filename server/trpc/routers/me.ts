/**
 * me.*: what the caller may know about themself (the /my-usage page and the dashboard shell).
 * The reads live in server/admin/me.ts.
 */
import { z } from "zod";
import { myUsage, whoIsLoggedIn } from "../../admin/me.ts";
import { usageDay } from "../schemas.ts";
import { publicProcedure, router, userProcedure } from "../trpc.ts";

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
    .query(({ ctx }) => whoIsLoggedIn(ctx, ctx.viewer)),

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
    .query(({ ctx }) => myUsage(ctx, ctx.viewer)),
});
