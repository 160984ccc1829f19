/**
 * audit.*: the audit log page — every admin change (who, when, what, before and after), newest
 * first, filtered by actor, entity, action and time range, paged by keyset (an id cursor) so a
 * deep page costs what the first does. Before/after are the views the routers recorded (their
 * secrets already masked); a last pass here masks any credential-looking field that slipped in
 * and bounds every string, so an old or odd row can never leak or flood the page.
 */
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import { boundJson } from "../../admin/log-rows.ts";
import { adminProcedure, router } from "../trpc.ts";

const TEXT_LIMIT = 2000;
const SECRET_FIELD = /(secret|token|password|passwd|apikey|api_key|authorization|cookie|^key$|upstreamkey|credential)/i;
const MASKED = /^(\*{4}|•{4}|.{0,6}….{0,4}|\{oauth credential\})$/;

/** Masks credential-looking fields that are not masked already (defence in depth). */
export function maskAuditValue(value: unknown, field = ""): unknown {
  if (typeof value === "string") return SECRET_FIELD.test(field) && !MASKED.test(value) && value.length > 0 ? "****" : value;
  if (Array.isArray(value)) return value.map((v) => maskAuditValue(v, field));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAuditValue(v, k)]));
  return value;
}

const ACTOR_TYPES = ["admin", "user", "system"] as const;

const auditItem = z.object({
  id: z.string(),
  createdAt: z.string(),
  actorType: z.string(),
  actorUserId: z.number().nullable(),
  actorName: z.string().nullable(),
  actorKeyId: z.number().nullable(),
  actorIp: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  success: z.boolean(),
  error: z.string().nullable(),
});

export const auditFilterInput = z.object({
  actorType: z.enum(ACTOR_TYPES).optional().describe("admin (the admin token), user (an admin user's key), system"),
  actorUserId: z.number().int().optional(),
  targetType: z.string().trim().max(50).optional().describe("Entity: user, key, provider, settings, notification_target…"),
  action: z.string().trim().max(100).optional().describe("e.g. providers.update"),
  from: z.iso.datetime({ offset: true }).optional().describe("Inclusive start (ISO 8601)"),
  to: z.iso.datetime({ offset: true }).optional().describe("Exclusive end (ISO 8601)"),
  cursor: z.string().regex(/^\d{1,19}$/).optional().describe("The nextCursor of the previous page"),
  limit: z.number().int().min(1).max(100).default(50),
});

export const auditRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/audit/list", tags: ["audit"], summary: "Admin changes, newest first, with filters", protect: true } })
    .input(auditFilterInput.default({ limit: 50 }))
    .output(z.object({ items: z.array(auditItem), nextCursor: z.string().nullable() }))
    .query(async ({ ctx, input }) => {
      const where: Prisma.AuditLogWhereInput = {
        ...(input.actorType ? { actorType: input.actorType } : {}),
        ...(input.actorUserId !== undefined ? { actorUserId: input.actorUserId } : {}),
        ...(input.targetType ? { targetType: input.targetType } : {}),
        ...(input.action ? { action: input.action } : {}),
        ...(input.from || input.to ? { createdAt: { ...(input.from ? { gte: new Date(input.from) } : {}), ...(input.to ? { lt: new Date(input.to) } : {}) } } : {}),
        ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}),
      };
      const rows = await ctx.db.auditLog.findMany({ where, orderBy: { id: "desc" }, take: input.limit + 1 });
      const page = rows.slice(0, input.limit);
      const userIds = [...new Set(page.map((r) => r.actorUserId).filter((id): id is number => id !== null))];
      const users = userIds.length ? await ctx.db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [];
      const names = new Map(users.map((u) => [u.id, u.name.replace(/#deleted-\d+$/, "")]));
      const bounded = (v: unknown) => (v === null || v === undefined ? null : boundJson(maskAuditValue(v), TEXT_LIMIT));
      return {
        items: page.map((r) => ({
          id: r.id.toString(),
          createdAt: r.createdAt.toISOString(),
          actorType: r.actorType,
          actorUserId: r.actorUserId,
          actorName: r.actorType === "admin" ? null : r.actorUserId === null ? null : (names.get(r.actorUserId) ?? null),
          actorKeyId: r.actorKeyId,
          actorIp: r.actorIp?.slice(0, 100) ?? null,
          action: r.action.slice(0, 200),
          targetType: r.targetType?.slice(0, 100) ?? null,
          targetId: r.targetId?.slice(0, 200) ?? null,
          before: bounded(r.before),
          after: bounded(r.after),
          success: r.success,
          error: r.error?.slice(0, TEXT_LIMIT) ?? null,
        })),
        nextCursor: rows.length > input.limit ? page[page.length - 1].id.toString() : null,
      };
    }),

  filterOptions: adminProcedure
    .meta({ openapi: { method: "POST", path: "/audit/filterOptions", tags: ["audit"], summary: "Actions, entities and actors to filter the audit log by", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ actions: z.array(z.string()), targetTypes: z.array(z.string()), actors: z.array(z.object({ id: z.number(), name: z.string() })) }))
    .query(async ({ ctx }) => {
      // Distinct values through the (action|target_type, created_at) indexes: a loose index scan
      // would be faster still, but the sets are small (one per procedure and entity kind).
      const [actions, targetTypes, actorIds] = await Promise.all([
        ctx.db.$queryRaw<Array<{ v: string }>>(Prisma.sql`SELECT DISTINCT left(action, 200) AS v FROM audit_log ORDER BY 1 LIMIT 300`),
        ctx.db.$queryRaw<Array<{ v: string }>>(Prisma.sql`SELECT DISTINCT left(target_type, 100) AS v FROM audit_log WHERE target_type IS NOT NULL ORDER BY 1 LIMIT 100`),
        ctx.db.$queryRaw<Array<{ id: number }>>(Prisma.sql`SELECT DISTINCT actor_user_id AS id FROM audit_log WHERE actor_user_id IS NOT NULL LIMIT 500`),
      ]);
      const ids = actorIds.map((a) => a.id);
      const actors = ids.length ? await ctx.db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true }, orderBy: { name: "asc" } }) : [];
      return { actions: actions.map((a) => a.v), targetTypes: targetTypes.map((t) => t.v), actors: actors.map((a) => ({ id: a.id, name: a.name.replace(/#deleted-\d+$/, "") })) };
    }),
});
