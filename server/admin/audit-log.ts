/**
 * The audit log page's work: every admin change (who, when, what, before and after), newest
 * first, filtered by actor, entity, action and time range, paged by keyset (an id cursor) so a
 * deep page costs what the first does. Before/after are the views the routers recorded (their
 * secrets already masked); a last pass here masks any credential-looking field that slipped in
 * and bounds every string, so an old or odd row can never leak or flood the page.
 */
import { Prisma, type AuditLog } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import { displayName, loadNames, type Names } from "../db/names.ts";
import { boundJson } from "./log-rows.ts";

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

export const ACTOR_TYPES = ["admin", "user", "system"] as const;

export interface AuditFilter {
  actorType?: (typeof ACTOR_TYPES)[number];
  actorUserId?: number;
  targetType?: string;
  action?: string;
  /** Inclusive start (ISO 8601). */
  from?: string;
  /** Exclusive end (ISO 8601). */
  to?: string;
  /** The id below which the page starts (the previous page's nextCursor). */
  cursor?: string;
  limit: number;
}

export function auditWhere(filter: AuditFilter): Prisma.AuditLogWhereInput {
  return {
    ...(filter.actorType ? { actorType: filter.actorType } : {}),
    ...(filter.actorUserId !== undefined ? { actorUserId: filter.actorUserId } : {}),
    ...(filter.targetType ? { targetType: filter.targetType } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.from || filter.to
      ? { createdAt: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lt: new Date(filter.to) } : {}) } }
      : {}),
    ...(filter.cursor ? { id: { lt: BigInt(filter.cursor) } } : {}),
  };
}

const boundedChange = (value: unknown) => (value === null || value === undefined ? null : boundJson(maskAuditValue(value), TEXT_LIMIT));

/** A page row: bounded, masked, with the acting user's name (the admin token has none). */
export function toAuditItem(row: AuditLog, names: Names) {
  return {
    id: row.id.toString(),
    createdAt: row.createdAt.toISOString(),
    actorType: row.actorType,
    actorUserId: row.actorUserId,
    actorName: row.actorType === "admin" ? null : row.actorUserId === null ? null : (names.users.get(row.actorUserId) ?? null),
    actorKeyId: row.actorKeyId,
    actorIp: row.actorIp?.slice(0, 100) ?? null,
    action: row.action.slice(0, 200),
    targetType: row.targetType?.slice(0, 100) ?? null,
    targetId: row.targetId?.slice(0, 200) ?? null,
    before: boundedChange(row.before),
    after: boundedChange(row.after),
    success: row.success,
    error: row.error?.slice(0, TEXT_LIMIT) ?? null,
  };
}

/** One page of the changes a filter matches, newest first, and the cursor of the next page (null: none). */
export async function listAuditLog(db: Db, filter: AuditFilter) {
  // One more than a page tells whether there is a next page without counting.
  const rows = await db.auditLog.findMany({ where: auditWhere(filter), orderBy: { id: "desc" }, take: filter.limit + 1 });
  const page = rows.slice(0, filter.limit);
  const names = await loadNames(db, { users: page.flatMap((r) => (r.actorUserId === null ? [] : [r.actorUserId])) });
  return {
    items: page.map((r) => toAuditItem(r, names)),
    nextCursor: rows.length > filter.limit ? page[page.length - 1].id.toString() : null,
  };
}

/** The actions, entity kinds and acting users that occur in the log. */
export async function auditFilterOptions(db: Db) {
  // Distinct values through the (action|target_type, created_at) indexes: a loose index scan
  // would be faster still, but the sets are small (one per procedure and entity kind).
  const [actions, targetTypes, actorIds] = await Promise.all([
    db.$queryRaw<Array<{ v: string }>>(Prisma.sql`SELECT DISTINCT left(action, 200) AS v FROM audit_log ORDER BY 1 LIMIT 300`),
    db.$queryRaw<Array<{ v: string }>>(Prisma.sql`SELECT DISTINCT left(target_type, 100) AS v FROM audit_log WHERE target_type IS NOT NULL ORDER BY 1 LIMIT 100`),
    db.$queryRaw<Array<{ id: number }>>(Prisma.sql`SELECT DISTINCT actor_user_id AS id FROM audit_log WHERE actor_user_id IS NOT NULL LIMIT 500`),
  ]);
  const ids = actorIds.map((a) => a.id);
  const actors = ids.length ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true }, orderBy: { name: "asc" } }) : [];
  return { actions: actions.map((a) => a.v), targetTypes: targetTypes.map((t) => t.v), actors: actors.map((a) => ({ id: a.id, name: displayName(a.name) })) };
}
