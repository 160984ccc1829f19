/** logs.*: the request log. Admins see every request; a user sees only their own. */
import { z } from "zod";
import { Prisma, type RequestLog } from "../../generated/prisma/client.ts";
import type { Db } from "../../db/database.ts";
import { MEMBER_PROVIDER_NAME, memberDecisionChain, memberErrorMessage } from "./log-member-view.ts";
import { boundedJson, boundedTexts, DETAIL_TEXT_LIMIT, LIST_TEXT_LIMIT, UNBOUNDED_COLUMNS, type BoundedTexts } from "./log-rows.ts";
import { isAdmin, router, userProcedure, type Viewer } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";

const logItem = z.object({
  id: z.string(),
  requestId: z.string(),
  createdAt: z.string(),
  userId: z.number().nullable(),
  userName: z.string().nullable(),
  keyId: z.number().nullable(),
  keyName: z.string().nullable(),
  providerId: z.number().nullable(),
  providerName: z.string().nullable(),
  endpoint: z.string(),
  apiFormat: z.string(),
  model: z.string().nullable(),
  redirectedModel: z.string().nullable(),
  responseModel: z.string().nullable(),
  isStream: z.boolean(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheCreation5mTokens: z.number(),
  cacheCreation1hTokens: z.number(),
  cacheReadTokens: z.number(),
  costUsd: z.number().nullable(),
  priceMissing: z.boolean(),
  ttfbMs: z.number().nullable(),
  durationMs: z.number().nullable(),
  statusCode: z.number(),
  errorType: z.string().nullable(),
  errorMessage: z.string().nullable(),
  blockedBy: z.string().nullable(),
  sessionId: z.string().nullable(),
  retryCount: z.number(),
  /** The format conversion of the final attempt ("claude → openai-chat"), null for passthrough; hub-made, short. */
  conversion: z.string().nullable(),
});

/** Sums over every row the filters match (not just the page): the strip above the table. */
const logTotals = z.object({
  requests: z.number(),
  errors: z.number().describe("Rows answered with HTTP 400 or more"),
  costUsd: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
});

const logDetail = logItem.extend({
  decisionChain: z.unknown(),
  costBreakdown: z.unknown(),
  clientIp: z.string().nullable(),
  userAgent: z.string().nullable(),
});

/** The log list counts matching rows up to this many. */
export const LOG_COUNT_CAP = 10_000;

export const logFilterInput = z.object({
  from: z.iso.datetime({ offset: true }).optional().describe("Inclusive start (ISO 8601)"),
  to: z.iso.datetime({ offset: true }).optional().describe("Exclusive end (ISO 8601)"),
  userId: z.number().int().optional(),
  keyId: z.number().int().optional(),
  providerId: z.number().int().optional(),
  model: z.string().max(1000).optional(),
  statusCode: z.number().int().optional(),
  sessionId: z.string().max(1000).optional(),
  requestId: z.string().max(200).optional(),
  errorsOnly: z.boolean().optional().describe("Only requests answered with an HTTP status of 400 or more"),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});

/**
 * Admins see every request; a dashboard user sees their user's requests; a /my-usage-only key
 * sees its own requests only (it is often one of several keys handed out to different people).
 */
function scopeWhere(viewer: Viewer): Prisma.RequestLogWhereInput {
  if (isAdmin(viewer) || viewer.kind !== "user") return {};
  return viewer.canLoginWebUi ? { userId: viewer.userId } : { keyId: viewer.keyId };
}

/** The same scope as `scopeWhere`, for SQL over the usage ledger. */
function ledgerScope(viewer: Viewer): Prisma.Sql {
  if (isAdmin(viewer) || viewer.kind !== "user") return Prisma.empty;
  return viewer.canLoginWebUi ? Prisma.sql`AND user_id = ${viewer.userId}` : Prisma.sql`AND key_id = ${viewer.keyId}`;
}

/** A request-log row without its unbounded text columns (those come from `boundedTexts`). */
type LogRow = Omit<RequestLog, keyof typeof UNBOUNDED_COLUMNS>;

async function names(db: Db, rows: LogRow[]) {
  const ids = (pick: (r: LogRow) => number | null) => [...new Set(rows.map(pick).filter((v): v is number => v !== null))];
  const [users, keys, providers] = await Promise.all([
    db.user.findMany({ where: { id: { in: ids((r) => r.userId) } }, select: { id: true, name: true } }),
    db.apiKey.findMany({ where: { id: { in: ids((r) => r.keyId) } }, select: { id: true, name: true } }),
    db.provider.findMany({ where: { id: { in: ids((r) => r.providerId) } }, select: { id: true, name: true } }),
  ]);
  const map = (list: Array<{ id: number; name: string }>) => new Map(list.map((x) => [x.id, x.name.replace(/#deleted-\d+$/, "")]));
  return { users: map(users), keys: map(keys), providers: map(providers) };
}

/** At most this many keys are offered in the key filter (the list is a dropdown). */
const KEY_OPTIONS_LIMIT = 500;

const NO_TEXTS: BoundedTexts = { model: null, redirectedModel: null, responseModel: null, errorMessage: null, sessionId: null, userAgent: null, clientIp: null };

/** A list row; for a member (`admin` false) without provider or upstream error text. */
function toItem(row: LogRow, texts: BoundedTexts, n: Awaited<ReturnType<typeof names>>, admin: boolean): z.infer<typeof logItem> {
  const item = {
    id: row.id.toString(),
    requestId: row.requestId,
    createdAt: row.createdAt.toISOString(),
    userId: row.userId,
    userName: row.userId === null ? null : (n.users.get(row.userId) ?? null),
    keyId: row.keyId,
    keyName: row.keyId === null ? null : (n.keys.get(row.keyId) ?? null),
    providerId: row.providerId,
    providerName: row.providerId === null ? null : (n.providers.get(row.providerId) ?? null),
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

export const logsRouter = router({
  list: userProcedure
    .meta({ openapi: { method: "POST", path: "/logs/list", tags: ["logs"], summary: "List requests, newest first", protect: true } })
    .input(logFilterInput.default({ page: 1, pageSize: 50 }))
    .output(
      z.object({
        items: z.array(logItem),
        /** Matching rows, counted up to LOG_COUNT_CAP (see totalCapped). */
        total: z.number(),
        /** More rows match than `total` says: the count stopped at LOG_COUNT_CAP. */
        totalCapped: z.boolean(),
        page: z.number(),
        pageSize: z.number(),
        /** Totals of the filtered set; null when more than LOG_COUNT_CAP rows match (see below). */
        totals: logTotals.nullable(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const where: Prisma.RequestLogWhereInput = {
        ...(input.from || input.to
          ? { createdAt: { ...(input.from ? { gte: new Date(input.from) } : {}), ...(input.to ? { lt: new Date(input.to) } : {}) } }
          : {}),
        ...(input.userId !== undefined ? { userId: input.userId } : {}),
        ...(input.keyId !== undefined ? { keyId: input.keyId } : {}),
        // Members do not see providers, so they cannot filter by one either.
        ...(input.providerId !== undefined && isAdmin(ctx.viewer) ? { providerId: input.providerId } : {}),
        ...(input.model ? { model: input.model } : {}),
        ...(input.statusCode !== undefined ? { statusCode: input.statusCode } : {}),
        ...(input.sessionId ? { sessionId: input.sessionId } : {}),
        ...(input.requestId ? { requestId: input.requestId } : {}),
        ...(input.errorsOnly && input.statusCode === undefined ? { statusCode: { gte: 400 } } : {}),
        ...scopeWhere(ctx.viewer),
      };
      const [rows, total] = await Promise.all([
        ctx.db.requestLog.findMany({
          where,
          omit: UNBOUNDED_COLUMNS,
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          skip: (input.page - 1) * input.pageSize,
          take: input.pageSize,
        }),
        // Counting every match of a loose filter reads most of the table (1 000 000 rows: 130 ms
        // of the page's 200 ms budget, decision 0021); past the cap nobody pages anyway.
        ctx.db.requestLog.count({ where, take: LOG_COUNT_CAP + 1 }),
      ]);
      const totalCapped = total > LOG_COUNT_CAP;
      // Summing a loose filter's matches would be the same full read the capped count avoids, so
      // the totals strip covers filtered sets of at most LOG_COUNT_CAP rows (the page says so).
      const [n, texts, totals] = await Promise.all([
        names(ctx.db, rows),
        boundedTexts(ctx.db, rows.map((r) => r.id), LIST_TEXT_LIMIT),
        totalCapped ? null : filteredTotals(ctx.db, where, total),
      ]);
      return {
        items: rows.map((row) => toItem(row, texts.get(row.id) ?? NO_TEXTS, n, isAdmin(ctx.viewer))),
        total: Math.min(total, LOG_COUNT_CAP),
        totalCapped,
        page: input.page,
        pageSize: input.pageSize,
        totals,
      };
    }),

  get: userProcedure
    .meta({ openapi: { method: "POST", path: "/logs/get", tags: ["logs"], summary: "One request with its decision chain", protect: true } })
    .input(z.object({ requestId: z.string().max(200) }))
    .output(logDetail)
    .query(async ({ ctx, input }) => {
      const row = await ctx.db.requestLog.findFirst({ where: { requestId: input.requestId, ...scopeWhere(ctx.viewer) }, omit: UNBOUNDED_COLUMNS });
      if (!row) throw hubError("NOT_FOUND", "logNotFound");
      const [n, texts, json] = await Promise.all([
        names(ctx.db, [row]),
        boundedTexts(ctx.db, [row.id], DETAIL_TEXT_LIMIT),
        boundedJson(ctx.db, row.id),
      ]);
      const t = texts.get(row.id) ?? NO_TEXTS;
      const admin = isAdmin(ctx.viewer);
      return {
        ...toItem(row, t, n, admin),
        decisionChain: admin ? json.decisionChain : memberDecisionChain(json.decisionChain),
        costBreakdown: json.costBreakdown,
        clientIp: t.clientIp,
        userAgent: t.userAgent,
      };
    }),

  filterOptions: userProcedure
    .meta({ openapi: { method: "POST", path: "/logs/filterOptions", tags: ["logs"], summary: "Users, providers and models to filter by", protect: true } })
    .input(z.object({}).default({}))
    .output(
      z.object({
        users: z.array(z.object({ id: z.number(), name: z.string() })),
        keys: z.array(z.object({ id: z.number(), name: z.string(), userId: z.number() })),
        providers: z.array(z.object({ id: z.number(), name: z.string() })),
        models: z.array(z.string()),
      }),
    )
    .query(async ({ ctx }) => {
      const admin = isAdmin(ctx.viewer);
      const [users, keys, providers, models] = await Promise.all([
        admin
          ? ctx.db.user.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { name: "asc" } })
          : ctx.viewer.kind === "user"
            ? ctx.db.user.findMany({ where: { id: ctx.viewer.userId }, select: { id: true, name: true } })
            : [],
        // A member picks among their own user's keys; the list is bounded for a hub with many keys.
        admin || ctx.viewer.kind === "user"
          ? ctx.db.apiKey.findMany({
              where: { deletedAt: null, ...(admin || ctx.viewer.kind !== "user" ? {} : { userId: ctx.viewer.userId }) },
              select: { id: true, name: true, userId: true },
              orderBy: [{ userId: "asc" }, { name: "asc" }],
              take: KEY_OPTIONS_LIMIT,
            })
          : [],
        admin ? ctx.db.provider.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { name: "asc" } }) : [],
        // Models from the ledger's recent rows (indexed by time), not a DISTINCT over the whole log;
        // cut in SQL like the list rows (a model name is client text of any length).
        ctx.db.$queryRaw<Array<{ model: string | null }>>`
          SELECT DISTINCT left(model, ${LIST_TEXT_LIMIT}) AS model
          FROM usage_ledger
          WHERE created_at >= ${new Date(ctx.now() - 30 * 86400_000)}
            ${ledgerScope(ctx.viewer)}
          LIMIT 200`,
      ]);
      return { users, keys, providers, models: models.map((m) => m.model).filter((m): m is string => !!m).sort() };
    }),
});
