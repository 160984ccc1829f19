/**
 * The request log page's work: the filtered list with its totals, one request's detail, and the
 * choices of the filter bar. Admins see every request; a user sees only their own (see
 * `logScopeWhere`); members never see providers or upstream error text (log-member-view.ts).
 */
import { Prisma, type RequestLog } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import { loadNames, type Names } from "../db/names.ts";
import { hubError } from "../trpc/hub-errors.ts";
import { MEMBER_PROVIDER_NAME, memberDecisionChain, memberErrorMessage } from "./log-member-view.ts";
import { boundedJson, boundedTexts, DETAIL_TEXT_LIMIT, LIST_TEXT_LIMIT, UNBOUNDED_COLUMNS, type BoundedTexts } from "./log-rows.ts";
import { isAdmin, type Viewer } from "../trpc/trpc.ts";

/** The log list counts matching rows up to this many. */
export const LOG_COUNT_CAP = 10_000;

/** At most this many keys are offered in the key filter (the list is a dropdown). */
const KEY_OPTIONS_LIMIT = 500;

/** The filters of the log list (logs.list's input). */
export interface LogFilter {
  /** Inclusive start (ISO 8601). */
  from?: string;
  /** Exclusive end (ISO 8601). */
  to?: string;
  userId?: number;
  keyId?: number;
  providerId?: number;
  model?: string;
  statusCode?: number;
  sessionId?: string;
  requestId?: string;
  /** Only requests answered with an HTTP status of 400 or more. */
  errorsOnly?: boolean;
  page: number;
  pageSize: number;
}

/**
 * Admins see every request; a dashboard user sees their user's requests; a /my-usage-only key
 * sees its own requests only (it is often one of several keys handed out to different people).
 */
export function logScopeWhere(viewer: Viewer): Prisma.RequestLogWhereInput {
  if (isAdmin(viewer) || viewer.kind !== "user") return {};
  return viewer.canLoginWebUi ? { userId: viewer.userId } : { keyId: viewer.keyId };
}

/** The same scope as `logScopeWhere`, for SQL over the usage ledger. */
function ledgerScope(viewer: Viewer): Prisma.Sql {
  if (isAdmin(viewer) || viewer.kind !== "user") return Prisma.empty;
  return viewer.canLoginWebUi ? Prisma.sql`AND user_id = ${viewer.userId}` : Prisma.sql`AND key_id = ${viewer.keyId}`;
}

/** A log filter without its paging (the CSV export has none). */
export type LogFilterFields = Omit<LogFilter, "page" | "pageSize">;

/** The filter's own conditions, before the viewer's scope. */
export function logFilterWhere(filter: LogFilterFields, viewer: Viewer): Prisma.RequestLogWhereInput {
  return {
    ...(filter.from || filter.to
      ? { createdAt: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lt: new Date(filter.to) } : {}) } }
      : {}),
    ...(filter.userId !== undefined ? { userId: filter.userId } : {}),
    ...(filter.keyId !== undefined ? { keyId: filter.keyId } : {}),
    // Members do not see providers, so they cannot filter by one either.
    ...(filter.providerId !== undefined && isAdmin(viewer) ? { providerId: filter.providerId } : {}),
    ...(filter.model ? { model: filter.model } : {}),
    ...(filter.statusCode !== undefined ? { statusCode: filter.statusCode } : {}),
    ...(filter.sessionId ? { sessionId: filter.sessionId } : {}),
    ...(filter.requestId ? { requestId: filter.requestId } : {}),
    ...(filter.errorsOnly && filter.statusCode === undefined ? { statusCode: { gte: 400 } } : {}),
  };
}

/**
 * The rows a filter matches that the viewer may see. The scope's condition takes the place of
 * the filter's on the same column: a member asking for another user's rows gets their own (the
 * CSV export ANDs the two instead, and gets none).
 */
export function logWhere(filter: LogFilter, viewer: Viewer): Prisma.RequestLogWhereInput {
  return { ...logFilterWhere(filter, viewer), ...logScopeWhere(viewer) };
}

/** A request-log row without its unbounded text columns (those come from `boundedTexts`). */
export type LogRow = Omit<RequestLog, keyof typeof UNBOUNDED_COLUMNS>;

const NO_TEXTS: BoundedTexts = { model: null, redirectedModel: null, responseModel: null, errorMessage: null, sessionId: null, userAgent: null, clientIp: null };

const namesOfRows = (db: Db, rows: LogRow[]) =>
  loadNames(db, {
    users: rows.flatMap((r) => (r.userId === null ? [] : [r.userId])),
    keys: rows.flatMap((r) => (r.keyId === null ? [] : [r.keyId])),
    providers: rows.flatMap((r) => (r.providerId === null ? [] : [r.providerId])),
  });

/** A list row; for a member (`admin` false) without provider or upstream error text. */
export function toLogItem(row: LogRow, texts: BoundedTexts, names: Names, admin: boolean) {
  const item = {
    id: row.id.toString(),
    requestId: row.requestId,
    createdAt: row.createdAt.toISOString(),
    userId: row.userId,
    userName: row.userId === null ? null : (names.users.get(row.userId) ?? null),
    keyId: row.keyId,
    keyName: row.keyId === null ? null : (names.keys.get(row.keyId) ?? null),
    providerId: row.providerId,
    providerName: row.providerId === null ? null : (names.providers.get(row.providerId) ?? null),
    endpoint: row.endpoint,
    apiFormat: row.apiFormat,
    model: texts.model,
    redirectedModel: texts.redirectedModel,
    responseModel: texts.responseModel,
    isStream: row.isStream,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheCreation5mTokens: row.cacheCreation5mTokens,
    cacheCreation1hTokens: row.cacheCreation1hTokens,
    cacheReadTokens: row.cacheReadTokens,
    costUsd: row.costUsd === null ? null : Number(row.costUsd.toString()),
    priceMissing: row.priceMissing,
    ttfbMs: row.ttfbMs,
    durationMs: row.durationMs,
    statusCode: row.statusCode,
    errorType: row.errorType,
    errorMessage: texts.errorMessage,
    blockedBy: row.blockedBy,
    sessionId: texts.sessionId,
    retryCount: row.retryCount,
    conversion: row.conversion,
  };
  if (admin) return item;
  return {
    ...item,
    providerId: null,
    providerName: row.providerId === null ? null : MEMBER_PROVIDER_NAME,
    errorMessage: memberErrorMessage(row.errorType, row.statusCode, texts.errorMessage),
  };
}

export type LogItem = ReturnType<typeof toLogItem>;

/** Requests, errors, cost and tokens of every row a filter matches (only asked for sets within LOG_COUNT_CAP). */
async function filteredTotals(db: Db, where: Prisma.RequestLogWhereInput, requests: number) {
  const [sums, errors] = await Promise.all([
    db.requestLog.aggregate({ where, _sum: { costUsd: true, inputTokens: true, outputTokens: true } }),
    db.requestLog.count({ where: { AND: [where, { statusCode: { gte: 400 } }] } }),
  ]);
  return {
    requests,
    errors,
    costUsd: sums._sum.costUsd === null ? 0 : Number(sums._sum.costUsd.toString()),
    inputTokens: sums._sum.inputTokens ?? 0,
    outputTokens: sums._sum.outputTokens ?? 0,
  };
}

/** One page of the requests a filter matches, newest first, with the count and totals of the whole set. */
export async function listLogs(db: Db, viewer: Viewer, filter: LogFilter) {
  const where = logWhere(filter, viewer);
  const [rows, total] = await Promise.all([
    db.requestLog.findMany({
      where,
      omit: UNBOUNDED_COLUMNS,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (filter.page - 1) * filter.pageSize,
      take: filter.pageSize,
    }),
    // Counting every match of a loose filter reads most of the table (1 000 000 rows: 130 ms
    // of the page's 200 ms budget, decision 0021); past the cap nobody pages anyway.
    db.requestLog.count({ where, take: LOG_COUNT_CAP + 1 }),
  ]);
  const totalCapped = total > LOG_COUNT_CAP;
  // Summing a loose filter's matches would be the same full read the capped count avoids, so
  // the totals strip covers filtered sets of at most LOG_COUNT_CAP rows (the page says so).
  const [names, texts, totals] = await Promise.all([
    namesOfRows(db, rows),
    boundedTexts(db, rows.map((r) => r.id), LIST_TEXT_LIMIT),
    totalCapped ? null : filteredTotals(db, where, total),
  ]);
  return {
    items: rows.map((row) => toLogItem(row, texts.get(row.id) ?? NO_TEXTS, names, isAdmin(viewer))),
    total: Math.min(total, LOG_COUNT_CAP),
    totalCapped,
    page: filter.page,
    pageSize: filter.pageSize,
    totals,
  };
}

/** One request the viewer may see, with its decision chain (a member's without provider details). */
export async function getLog(db: Db, viewer: Viewer, requestId: string) {
  const row = await db.requestLog.findFirst({ where: { requestId, ...logScopeWhere(viewer) }, omit: UNBOUNDED_COLUMNS });
  if (!row) throw hubError("NOT_FOUND", "logNotFound");
  const [names, texts, json] = await Promise.all([namesOfRows(db, [row]), boundedTexts(db, [row.id], DETAIL_TEXT_LIMIT), boundedJson(db, row.id)]);
  const t = texts.get(row.id) ?? NO_TEXTS;
  const admin = isAdmin(viewer);
  return {
    ...toLogItem(row, t, names, admin),
    decisionChain: admin ? json.decisionChain : memberDecisionChain(json.decisionChain),
    costBreakdown: json.costBreakdown,
    clientIp: t.clientIp,
    userAgent: t.userAgent,
  };
}

/** The users, keys, providers and recent models the viewer may filter by. */
export async function logFilterOptions(db: Db, viewer: Viewer, now: number) {
  const admin = isAdmin(viewer);
  const [users, keys, providers, models] = await Promise.all([
    admin
      ? db.user.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { name: "asc" } })
      : viewer.kind === "user"
        ? db.user.findMany({ where: { id: viewer.userId }, select: { id: true, name: true } })
        : [],
    // A member picks among their own user's keys; the list is bounded for a hub with many keys.
    admin || viewer.kind === "user"
      ? db.apiKey.findMany({
          where: { deletedAt: null, ...(admin || viewer.kind !== "user" ? {} : { userId: viewer.userId }) },
          select: { id: true, name: true, userId: true },
          orderBy: [{ userId: "asc" }, { name: "asc" }],
          take: KEY_OPTIONS_LIMIT,
        })
      : [],
    admin ? db.provider.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { name: "asc" } }) : [],
    // Models from the ledger's recent rows (indexed by time), not a DISTINCT over the whole log;
    // cut in SQL like the list rows (a model name is client text of any length).
    db.$queryRaw<Array<{ model: string | null }>>`
      SELECT DISTINCT left(model, ${LIST_TEXT_LIMIT}) AS model
      FROM usage_ledger
      WHERE created_at >= ${new Date(now - 30 * 86400_000)}
        ${ledgerScope(viewer)}
      LIMIT 200`,
  ]);
  return { users, keys, providers, models: models.map((m) => m.model).filter((m): m is string => !!m).sort() };
}
