/**
 * GET /api/logs/export.csv — the request log as CSV, with the logs page's filters (from, to,
 * userId, keyId, providerId, model, statusCode, errorsOnly, sessionId, requestId as query
 * parameters; the page resolves its quick ranges into `from` before linking here) and its scope:
 * admins get every row, a dashboard member their user's rows, a /my-usage key its own rows;
 * members never see provider names or upstream error text (log-member-view.ts).
 *
 * Streamed: rows are read BATCH rows at a time by keyset (created_at, id) — never OFFSET, never
 * the whole result in memory — and written with backpressure; a client that goes away stops the
 * export at the next batch. Text columns are cut in SQL (TEXT_LIMIT) like the list view, and
 * every text cell is CSV-injection safe (csv.ts).
 */
import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { MEMBER_PROVIDER_NAME, memberErrorMessage } from "../admin/log-member-view.ts";
import { logFilterWhere, logScopeWhere } from "../admin/logs.ts";
import { isAdmin, type Viewer } from "../trpc/trpc.ts";
import { csvLine, numberCell, textCell } from "./csv.ts";

const BATCH = 1_000;
const TEXT_LIMIT = 1_000;

const filters = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  userId: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  keyId: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  providerId: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  model: z.string().max(1000).optional(),
  statusCode: z.coerce.number().int().min(100).max(599).optional(),
  errorsOnly: z.literal("1").optional().transform((v) => v === "1"),
  sessionId: z.string().max(1000).optional(),
  requestId: z.string().max(200).optional(),
});
export type ExportFilters = z.infer<typeof filters>;

const COLUMNS = [
  "request_id", "created_at", "user", "key", "provider", "endpoint", "api_format", "model", "redirected_model", "response_model",
  "is_stream", "input_tokens", "output_tokens", "cache_creation_5m_tokens", "cache_creation_1h_tokens", "cache_read_tokens",
  "cost_usd", "price_missing", "ttfb_ms", "duration_ms", "status_code", "error_type", "error_message", "blocked_by", "session_id", "retry_count",
] as const;

interface Row {
  id: bigint;
  created_at: Date;
  request_id: string;
  user_name: string | null;
  key_name: string | null;
  provider_name: string | null;
  endpoint: string;
  api_format: string;
  model: string | null;
  redirected_model: string | null;
  response_model: string | null;
  is_stream: boolean;
  input_tokens: number;
  output_tokens: number;
  cache_creation_5m_tokens: number;
  cache_creation_1h_tokens: number;
  cache_read_tokens: number;
  cost_usd: string | null;
  price_missing: boolean;
  ttfb_ms: number | null;
  duration_ms: number | null;
  status_code: number;
  error_type: string | null;
  error_message: string | null;
  blocked_by: string | null;
  session_id: string | null;
  retry_count: number;
}

/**
 * The rows to export: the logs page's filters (logFilterWhere) AND the viewer's scope. Unlike
 * the page, a member's filter on another user or key is not replaced by their own: it matches
 * nothing, as the export always did.
 */
export function exportWhere(viewer: Viewer, f: ExportFilters): Prisma.RequestLogWhereInput {
  return { AND: [logFilterWhere(f, viewer), logScopeWhere(viewer)] };
}

type Keyset = { createdAt: Date; id: bigint };

/** Rows strictly after the cursor in (created_at DESC, id DESC) order; the `lte` bound lets the created_at index do the work. */
const afterKeyset = (after: Keyset): Prisma.RequestLogWhereInput => ({
  createdAt: { lte: after.createdAt },
  OR: [{ createdAt: { lt: after.createdAt } }, { id: { lt: after.id } }],
});

/**
 * The next batch: the keyset page is chosen by Prisma with the shared where-clause, then its
 * rows are read in SQL, where the text columns are cut and the names joined.
 */
async function batch(db: Db, where: Prisma.RequestLogWhereInput, after: Keyset | null): Promise<Row[]> {
  const page = await db.requestLog.findMany({
    where: after ? { AND: [where, afterKeyset(after)] } : where,
    select: { id: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: BATCH,
  });
  if (page.length === 0) return [];
  const n = TEXT_LIMIT;
  return db.$queryRaw<Row[]>`
    SELECT l.id, l.created_at, left(l.request_id, 200) AS request_id,
           left(u.name, 200) AS user_name, left(k.name, 200) AS key_name, left(p.name, 200) AS provider_name,
           left(l.endpoint, ${n}) AS endpoint, l.api_format,
           left(l.model, ${n}) AS model, left(l.redirected_model, ${n}) AS redirected_model, left(l.response_model, ${n}) AS response_model,
           l.is_stream, l.input_tokens, l.output_tokens, l.cache_creation_5m_tokens, l.cache_creation_1h_tokens, l.cache_read_tokens,
           l.cost_usd::text AS cost_usd, l.price_missing, l.ttfb_ms, l.duration_ms, l.status_code, l.error_type,
           left(l.error_message, ${n}) AS error_message, l.blocked_by, left(l.session_id, ${n}) AS session_id, l.retry_count
    FROM request_log l
    LEFT JOIN users u ON u.id = l.user_id
    LEFT JOIN api_keys k ON k.id = l.key_id
    LEFT JOIN providers p ON p.id = l.provider_id
    WHERE l.id IN (${Prisma.join(page.map((r) => r.id))})
    ORDER BY l.created_at DESC, l.id DESC`;
}

const deletedSuffix = (name: string | null) => (name === null ? null : name.replace(/#deleted-\d+$/, ""));

function line(r: Row, admin: boolean): string {
  return csvLine([
    textCell(r.request_id),
    textCell(r.created_at.toISOString()),
    textCell(deletedSuffix(r.user_name)),
    textCell(deletedSuffix(r.key_name)),
    textCell(admin ? deletedSuffix(r.provider_name) : r.provider_name === null ? null : MEMBER_PROVIDER_NAME),
    textCell(r.endpoint),
    textCell(r.api_format),
    textCell(r.model),
    textCell(r.redirected_model),
    textCell(r.response_model),
    r.is_stream ? "true" : "false",
    numberCell(r.input_tokens),
    numberCell(r.output_tokens),
    numberCell(r.cache_creation_5m_tokens),
    numberCell(r.cache_creation_1h_tokens),
    numberCell(r.cache_read_tokens),
    numberCell(r.cost_usd),
    r.price_missing ? "true" : "false",
    numberCell(r.ttfb_ms),
    numberCell(r.duration_ms),
    numberCell(r.status_code),
    textCell(r.error_type),
    textCell(admin ? r.error_message : memberErrorMessage(r.error_type, r.status_code, r.error_message)),
    textCell(r.blocked_by),
    textCell(r.session_id),
    numberCell(r.retry_count),
  ]);
}

/** Writes, waiting for the socket to drain; false once the client has gone. */
function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}

export function logsExportHandler(deps: { db: Db; logger: Logger; now: () => number; viewerOf: (req: Request) => Promise<Viewer | null> }): RequestHandler {
  return async (req, res) => {
    const viewer = await deps.viewerOf(req);
    if (!viewer) {
      res.status(401).json({ ok: false, error: "Log in first (cookie or Authorization: Bearer)." });
      return;
    }
    const parsed = filters.safeParse(Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]).filter(([, v]) => v !== "" && v !== undefined)));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({ ok: false, error: `${issue?.path.join(".") || "query"}: ${issue?.message ?? "invalid"}` });
      return;
    }
    const admin = isAdmin(viewer);
    const where = exportWhere(viewer, parsed.data);
    const stamp = new Date(deps.now()).toISOString().replace(/[:.]/g, "-");
    res.status(200);
    res.setHeader("content-type", "text/csv; charset=utf-8");
    res.setHeader("content-disposition", `attachment; filename="requests-${stamp}.csv"`);
    res.setHeader("cache-control", "no-store");
    res.setHeader("x-content-type-options", "nosniff");
    // The BOM makes spreadsheet programs read the file as UTF-8 (Chinese names, model names).
    if (!(await write(res, "\uFEFF" + csvLine([...COLUMNS])))) return;
    let after: Keyset | null = null;
    try {
      for (;;) {
        const rows = await batch(deps.db, where, after);
        if (rows.length === 0) break;
        if (!(await write(res, rows.map((r) => line(r, admin)).join("")))) return;
        if (rows.length < BATCH) break;
        const last = rows[rows.length - 1];
        after = { createdAt: last.created_at, id: BigInt(last.id) };
      }
      res.end();
    } catch (error) {
      // Headers are sent: the only honest signal left is a broken download, not a complete-looking file.
      deps.logger.error({ err: (error as Error).message }, "request-log export failed");
      res.destroy(error as Error);
    }
  };
}
