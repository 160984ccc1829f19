/**
 * quotas.*: every limit of users, keys and providers with what is used of it right now, read
 * from the same store counters the gateway admits against, and "reset total". The measuring
 * lives in server/admin/quotas.ts, the arithmetic in server/domain/quota/usage-view.ts.
 */
import { z } from "zod";
import { keyAndUserQuotas, listKeyQuotas, listProviderQuotas, listUserQuotas, resetTotal } from "../../admin/quotas.ts";
import { QUOTA_KINDS } from "../../domain/quota/usage-view.ts";
import { audit } from "../audit.ts";
import { iso } from "../schemas.ts";
import { adminProcedure, router, userProcedure } from "../trpc.ts";

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

export { QUOTA_KINDS };

const quotaLimit = z.object({
  kind: z.enum(QUOTA_KINDS),
  unit: z.enum(["requests", "usd", "sessions"]).describe("requests per minute, USD, or sessions in flight"),
  used: z.number().describe("Settled use: requests in the last 60 s, USD spent in the window, or sessions in flight"),
  reserved: z.number().describe("USD held by requests in flight (money windows only)"),
  limit: z.number().nullable().describe("null: no limit"),
  /** Where a key's limit comes from: its own, its user's, or the system default. */
  source: z.enum(["own", "user", "default"]).nullable(),
  mode: z.enum(["rolling", "fixed"]).nullable().describe("rolling: a sliding window; fixed: a calendar window; null: total and concurrency"),
  resetTime: z.string().nullable().describe("Daily fixed windows: the local time of day (HH:mm) they reset at"),
  windowStart: z.string().nullable().describe("Fixed windows: when the current one began; total: the last reset"),
  resetAt: z.string().nullable().describe("When a fixed window resets; null for rolling windows, total and concurrency"),
  freesUpAt: z
    .string()
    .nullable()
    .describe("When room comes back: a fixed window's reset, or when a rolling window's oldest spend leaves it (to its 5- or 15-minute bucket); null if nothing is spent or never"),
});

const quotaEntity = z.object({
  id: z.number(),
  name: z.string(),
  isEnabled: z.boolean(),
  /** The store scope: "u:<id>", "k:<id>" or "p:<id>". */
  scope: z.string(),
  userId: z.number().nullable(),
  userName: z.string().nullable(),
  providerType: z.string().nullable(),
  totalCostResetAt: z.string().nullable(),
  /** "ledger" while the store is unreachable: settled spend only; in-flight use and RPM unknown (0). */
  measuredFrom: z.enum(["store", "ledger"]),
  limits: z.array(quotaLimit),
});

export type QuotaEntity = z.infer<typeof quotaEntity>;

// ---------------------------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------------------------

const listOutput = z.object({ timezone: z.string(), items: z.array(quotaEntity) });
const search = z.string().trim().max(100).optional().describe("Name contains (case-insensitive)");
const RESET_TARGET = z.enum(["user", "key", "provider"]);

export const quotasRouter = router({
  users: adminProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/users", tags: ["quotas"], summary: "Every user's limits with current use and reset times", protect: true } })
    .input(z.object({ search }).default({}))
    .output(listOutput)
    .query(({ ctx, input }) => listUserQuotas(ctx, input)),

  keys: adminProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/keys", tags: ["quotas"], summary: "Every API key's effective limits (own, user's or default) with current use", protect: true } })
    .input(z.object({ userId: z.number().int().optional(), search }).default({}))
    .output(listOutput)
    .query(({ ctx, input }) => listKeyQuotas(ctx, input)),

  providers: adminProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/providers", tags: ["quotas"], summary: "Every provider's own limits with current use", protect: true } })
    .input(z.object({ search }).default({}))
    .output(listOutput)
    .query(({ ctx, input }) => listProviderQuotas(ctx, input)),

  mine: userProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/mine", tags: ["quotas"], summary: "The caller's key and user limits with current use", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ timezone: z.string(), key: quotaEntity.nullable(), user: quotaEntity.nullable() }))
    .query(async ({ ctx }) => {
      const timezone = ctx.catalog.settings().timezone;
      // The admin token belongs to no user and has no key: nothing limits it.
      if (ctx.viewer.kind !== "user") return { timezone, key: null, user: null };
      return { timezone, ...(await keyAndUserQuotas(ctx, ctx.viewer.keyId)) };
    }),

  resetTotal: adminProcedure
    .meta({ openapi: { method: "POST", path: "/quotas/resetTotal", tags: ["quotas"], summary: "Reset a total limit: spend before now no longer counts (the ledger is kept)", protect: true } })
    .input(z.object({ target: RESET_TARGET, id: z.number().int() }))
    .output(z.object({ ok: z.literal(true), totalCostResetAt: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { before, at } = await resetTotal(ctx, input.target, input.id);
      audit(ctx, "quotas.resetTotal", { type: input.target, id: input.id }, { before: { totalCostResetAt: iso(before) }, after: { totalCostResetAt: at.toISOString() } });
      return { ok: true as const, totalCostResetAt: at.toISOString() };
    }),
});
