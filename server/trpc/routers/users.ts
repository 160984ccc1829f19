/** users.*: team members. Admins manage everyone; a dashboard user sees only themself. */
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import { audit } from "../audit.ts";
import { clientListInput, userModelRulesInput } from "../policy-inputs.ts";
import { limitData, limitInputFields, toUserView, usageDay, userView } from "../schemas.ts";
import { dailyWindowStart, monthStart } from "../../domain/quota/windows.ts";
import { usageSeries } from "../../admin/usage-series.ts";
import { adminProcedure, dashboardProcedure, isAdmin, router, type TrpcContext } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";

const userFields = {
  description: z.string().max(500).optional(),
  role: z.enum(["admin", "user"]).optional(),
  providerGroup: z.string().max(500).nullable().optional(),
  tags: z.array(z.string().max(50)).max(50).optional(),
  isEnabled: z.boolean().optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  allowedModels: userModelRulesInput.optional(),
  allowedClients: clientListInput.optional(),
  blockedClients: clientListInput.optional(),
  ...limitInputFields,
};

const createInput = z.object({ name: z.string().trim().min(1).max(100), ...userFields });
const updateInput = z.object({ id: z.number().int(), name: z.string().trim().min(1).max(100).optional(), ...userFields });

function userData(input: Partial<z.infer<typeof updateInput>>) {
  const { id: _id, expiresAt, ...rest } = input;
  const data: Record<string, unknown> = { ...rest, ...limitData(rest) };
  if (expiresAt !== undefined) data.expiresAt = expiresAt === null ? null : new Date(expiresAt);
  return data;
}

/** What the roster shows beside each user: spend today and this month (hub time zone), requests today, last request. */
const userActivity = z.object({
  todayCostUsd: z.number(),
  monthCostUsd: z.number(),
  todayRequests: z.number().describe("Every request today, failures included"),
  lastActiveAt: z.string().nullable(),
});
type UserActivity = z.infer<typeof userActivity>;
const NO_ACTIVITY: UserActivity = { todayCostUsd: 0, monthCostUsd: 0, todayRequests: 0, lastActiveAt: null };

/** Spend from the usage ledger, requests and last activity from the request log (which also has the failures), in three grouped queries. */
async function activityOf(ctx: Pick<TrpcContext, "db" | "catalog" | "now">, ids: number[]): Promise<Map<number, UserActivity>> {
  const out = new Map<number, UserActivity>();
  if (!ids.length) return out;
  const timeZone = ctx.catalog.settings().timezone;
  const now = ctx.now();
  const today = new Date(dailyWindowStart(now, timeZone));
  const month = new Date(monthStart(now, timeZone));
  const since = today < month ? today : month;
  const [spend, requests, last] = await Promise.all([
    ctx.db.$queryRaw<Array<{ user_id: number; today: Prisma.Decimal | null; month: Prisma.Decimal | null }>>`
      SELECT user_id,
             sum(cost_usd) FILTER (WHERE created_at >= ${today}) AS today,
             sum(cost_usd) FILTER (WHERE created_at >= ${month}) AS month
        FROM usage_ledger
       WHERE created_at >= ${since} AND user_id = ANY(${ids}::int[])
       GROUP BY user_id`,
    ctx.db.requestLog.groupBy({ by: ["userId"], where: { userId: { in: ids }, createdAt: { gte: today } }, _count: { _all: true } }),
    ctx.db.requestLog.groupBy({ by: ["userId"], where: { userId: { in: ids } }, _max: { createdAt: true } }),
  ]);
  const entry = (id: number) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { ...NO_ACTIVITY }));
    return e;
  };
  for (const row of spend) {
    const e = entry(row.user_id);
    e.todayCostUsd = Number(row.today?.toString() ?? 0);
    e.monthCostUsd = Number(row.month?.toString() ?? 0);
  }
  for (const row of requests) if (row.userId !== null) entry(row.userId).todayRequests = row._count._all;
  for (const row of last) if (row.userId !== null && row._max.createdAt) entry(row.userId).lastActiveAt = row._max.createdAt.toISOString();
  return out;
}

function uniqueName(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw hubError("CONFLICT", "userExists");
  }
  throw error;
}

export const usersRouter = router({
  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/create", tags: ["users"], summary: "Create a user", protect: true } })
    .input(createInput)
    .output(userView)
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.db.user.create({ data: userData(input) as Prisma.UserCreateInput }).catch(uniqueName);
      audit(ctx, "users.create", { type: "user", id: row.id }, { after: toUserView(row) });
      return toUserView(row);
    }),

  list: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/users/list", tags: ["users"], summary: "List users with their key counts", protect: true } })
    .input(z.object({ search: z.string().optional(), includeDisabled: z.boolean().default(true) }).default({ includeDisabled: true }))
    .output(z.object({ items: z.array(userView.extend({ keyCount: z.number(), activity: userActivity })) }))
    .query(async ({ ctx, input }) => {
      const where: Prisma.UserWhereInput = { deletedAt: null };
      if (!isAdmin(ctx.viewer) && ctx.viewer.kind === "user") where.id = ctx.viewer.userId;
      if (input.search) where.name = { contains: input.search, mode: "insensitive" };
      if (!input.includeDisabled) where.isEnabled = true;
      const rows = await ctx.db.user.findMany({
        where,
        orderBy: { id: "asc" },
        include: { _count: { select: { keys: { where: { deletedAt: null } } } } },
      });
      const activity = await activityOf(ctx, rows.map((r) => r.id));
      // Provider groups are routing internals: a member does not see theirs.
      const admin = isAdmin(ctx.viewer);
      return {
        items: rows.map((row) => ({
          ...toUserView(row),
          ...(admin ? {} : { providerGroup: null }),
          keyCount: row._count.keys,
          activity: activity.get(row.id) ?? NO_ACTIVITY,
        })),
      };
    }),

  usage: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/users/usage", tags: ["users"], summary: "A user's requests, errors and cost per day (a member: only themself)", protect: true } })
    .input(z.object({ userId: z.number().int(), days: z.number().int().min(1).max(31).default(7) }))
    .output(z.object({ timezone: z.string(), days: z.array(usageDay) }))
    .query(async ({ ctx, input }) => {
      // Members may only look at themselves; another user's id is "not found", not "forbidden".
      const self = ctx.viewer.kind === "user" && ctx.viewer.userId === input.userId;
      if (!isAdmin(ctx.viewer) && !self) throw hubError("NOT_FOUND", "userNotFound", { id: input.userId });
      const exists = await ctx.db.user.findFirst({ where: { id: input.userId, deletedAt: null }, select: { id: true } });
      if (!exists) throw hubError("NOT_FOUND", "userNotFound", { id: input.userId });
      return { timezone: ctx.catalog.settings().timezone, days: await usageSeries(ctx, { userId: input.userId }, input.days) };
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/update", tags: ["users"], summary: "Update a user", protect: true } })
    .input(updateInput)
    .output(userView)
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.user.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!before) throw hubError("NOT_FOUND", "userNotFound", { id: input.id });
      const row = await ctx.db.user.update({ where: { id: input.id }, data: userData(input) }).catch(uniqueName);
      await ctx.catalog.invalidate({ kind: "user", id: row.id });
      audit(ctx, "users.update", { type: "user", id: row.id }, { before: toUserView(before), after: toUserView(row) });
      return toUserView(row);
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/delete", tags: ["users"], summary: "Delete a user and disable their keys", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.user.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!existing) throw hubError("NOT_FOUND", "userNotFound", { id: input.id });
      const deletedAt = new Date(ctx.now());
      // Soft delete: the request log and the ledger keep pointing at a real user.
      await ctx.db.$transaction([
        ctx.db.user.update({ where: { id: input.id }, data: { deletedAt, isEnabled: false, name: `${existing.name}#deleted-${existing.id}` } }),
        ctx.db.apiKey.updateMany({ where: { userId: input.id, deletedAt: null }, data: { deletedAt, isEnabled: false } }),
      ]);
      await ctx.catalog.invalidate({ kind: "user", id: input.id });
      audit(ctx, "users.delete", { type: "user", id: input.id }, { before: toUserView(existing) });
      return { ok: true as const };
    }),
});
