/**
 * Reading request-log rows for the admin API without trusting their size. Model names, session
 * ids, user agents and error text come from clients and upstreams; a row written before the
 * gateway bounded them can hold megabytes. A list of 200 such rows, ten times in one batch,
 * exhausted the heap, so list rows are cut in SQL (the full text never reaches the process)
 * and the one-row detail view is cut after reading.
 */
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";

/** Longest client-derived string in a list row. */
export const LIST_TEXT_LIMIT = 200;
/** Longest string anywhere in the detail view (fields and the decision chain). */
export const DETAIL_TEXT_LIMIT = 4000;

const ELLIPSIS = "…";

/** Columns that hold client- or upstream-derived text, read only through `boundedTexts`. */
export const UNBOUNDED_COLUMNS = {
  model: true,
  redirectedModel: true,
  responseModel: true,
  errorMessage: true,
  sessionId: true,
  userAgent: true,
  clientIp: true,
  decisionChain: true,
  costBreakdown: true,
} as const;

export interface BoundedTexts {
  model: string | null;
  redirectedModel: string | null;
  responseModel: string | null;
  errorMessage: string | null;
  sessionId: string | null;
  userAgent: string | null;
  clientIp: string | null;
}

export function cut(value: string, limit: number): string {
  return value.length > limit ? value.slice(0, limit) + ELLIPSIS : value;
}

const cutOrNull = (value: string | null, limit: number) => (value === null ? null : cut(value, limit));

/**
 * The text columns of the given rows, each at most `limit` characters (+ "…"). Postgres does
 * the cutting: one more character than the limit is read so a cut can be marked.
 */
export async function boundedTexts(db: Db, ids: bigint[], limit: number): Promise<Map<bigint, BoundedTexts>> {
  if (ids.length === 0) return new Map();
  const n = limit + 1;
  const rows = await db.$queryRaw<Array<{ id: bigint } & BoundedTexts>>`
    SELECT id,
           left(model, ${n}) AS "model",
           left(redirected_model, ${n}) AS "redirectedModel",
           left(response_model, ${n}) AS "responseModel",
           left(error_message, ${n}) AS "errorMessage",
           left(session_id, ${n}) AS "sessionId",
           left(user_agent, ${n}) AS "userAgent",
           left(client_ip, ${n}) AS "clientIp"
    FROM request_log
    WHERE id IN (${Prisma.join(ids)})`;
  return new Map(
    rows.map((r) => [
      BigInt(r.id),
      {
        model: cutOrNull(r.model, limit),
        redirectedModel: cutOrNull(r.redirectedModel, limit),
        responseModel: cutOrNull(r.responseModel, limit),
        errorMessage: cutOrNull(r.errorMessage, limit),
        sessionId: cutOrNull(r.sessionId, limit),
        userAgent: cutOrNull(r.userAgent, limit),
        clientIp: cutOrNull(r.clientIp, limit),
      },
    ]),
  );
}

/** A JSON value with every string (keys included) cut to `limit`, and arrays to 100 items. */
export function boundJson(value: unknown, limit: number): unknown {
  if (typeof value === "string") return cut(value, limit);
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => boundJson(v, limit));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cut(k, limit), boundJson(v, limit)]));
  }
  return value;
}

/**
 * The JSON columns of one row, refused when even the stored text is too large to read safely
 * (a decision chain is a few kilobytes; megabytes mean a huge model name copied into it).
 */
export async function boundedJson(db: Db, id: bigint): Promise<{ decisionChain: unknown; costBreakdown: unknown }> {
  const MAX_JSON_BYTES = 1_000_000;
  const [sizes] = await db.$queryRaw<Array<{ chain: number | null; cost: number | null }>>`
    SELECT octet_length(decision_chain::text) AS chain, octet_length(cost_breakdown::text) AS cost
    FROM request_log WHERE id = ${id}`;
  const row = await db.requestLog.findUnique({
    where: { id },
    select: {
      id: true, // a select needs one field that is always true
      decisionChain: (sizes?.chain ?? 0) <= MAX_JSON_BYTES,
      costBreakdown: (sizes?.cost ?? 0) <= MAX_JSON_BYTES,
    },
  });
  return {
    decisionChain: row?.decisionChain === undefined ? null : boundJson(row.decisionChain, DETAIL_TEXT_LIMIT),
    costBreakdown: row?.costBreakdown === undefined ? null : boundJson(row.costBreakdown, DETAIL_TEXT_LIMIT),
  };
}
