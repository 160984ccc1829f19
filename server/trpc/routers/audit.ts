/**
 * audit.*: the audit log page — every admin change (who, when, what, before and after), newest
 * first, filtered by actor, entity, action and time range, paged by keyset. The queries, the
 * masking and the bounding of recorded values live in server/admin/audit-log.ts.
 */
import { z } from "zod";
import { ACTOR_TYPES, auditFilterOptions, listAuditLog, maskAuditValue } from "../../admin/audit-log.ts";
import { adminProcedure, router } from "../trpc.ts";

export { maskAuditValue };

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
    .query(({ ctx, input }) => listAuditLog(ctx.db, input)),

  filterOptions: adminProcedure
    .meta({ openapi: { method: "POST", path: "/audit/filterOptions", tags: ["audit"], summary: "Actions, entities and actors to filter the audit log by", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ actions: z.array(z.string()), targetTypes: z.array(z.string()), actors: z.array(z.object({ id: z.number(), name: z.string() })) }))
    .query(({ ctx }) => auditFilterOptions(ctx.db)),
});
