/**
 * logs.*: the request log. Admins see every request; a user sees only their own. The queries,
 * the viewer's scope and the member view of a row live in server/admin/logs.ts.
 */
import { z } from "zod";
import { getLog, listLogs, LOG_COUNT_CAP, logFilterOptions } from "../../admin/logs.ts";
import { router, userProcedure } from "../trpc.ts";

export { LOG_COUNT_CAP };

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
    .query(({ ctx, input }) => listLogs(ctx.db, ctx.viewer, input)),

  get: userProcedure
    .meta({ openapi: { method: "POST", path: "/logs/get", tags: ["logs"], summary: "One request with its decision chain", protect: true } })
    .input(z.object({ requestId: z.string().max(200) }))
    .output(logDetail)
    .query(({ ctx, input }) => getLog(ctx.db, ctx.viewer, input.requestId)),

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
    .query(({ ctx }) => logFilterOptions(ctx.db, ctx.viewer, ctx.now())),
});
