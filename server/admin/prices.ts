/**
 * The prices page's work: the model price table (LiteLLM field names, USD per token). Admins add
 * and edit prices by hand (source "manual", which a sync never overwrites) and sync from the
 * price file URL in the settings.
 */
import type { ModelPrice, Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import type { PriceData } from "../domain/prices.ts";
import { PriceSyncError, syncPrices, type PriceSyncCounts } from "../jobs/price-sync.ts";
import { hubError } from "../trpc/hub-errors.ts";
import type { Services } from "../trpc/trpc.ts";

export const PRICE_SOURCES = ["builtin", "litellm", "manual"] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

export interface PriceItem {
  id: number;
  modelName: string;
  source: PriceSource;
  /** The raw entry, in LiteLLM's field names (USD per token). */
  priceData: Record<string, unknown>;
  /** The main prices per million tokens, for display. Null when the entry has none. */
  inputPerMTok: number | null;
  outputPerMTok: number | null;
  cacheWrite5mPerMTok: number | null;
  cacheWrite1hPerMTok: number | null;
  cacheReadPerMTok: number | null;
  litellmProvider: string | null;
  mode: string | null;
  updatedAt: string;
}

/** USD per token → per million tokens, without float noise (3e-6 × 1e6 = 2.9999999999999996). */
export function perMillion(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? Number((value * 1_000_000).toPrecision(12)) : null;
}

export function toPriceItem(row: ModelPrice): PriceItem {
  const data = (row.priceData && typeof row.priceData === "object" && !Array.isArray(row.priceData) ? row.priceData : {}) as PriceData & Record<string, unknown>;
  return {
    id: row.id,
    modelName: row.modelName,
    source: (PRICE_SOURCES as readonly string[]).includes(row.source) ? (row.source as PriceSource) : "manual",
    priceData: data,
    inputPerMTok: perMillion(data.input_cost_per_token),
    outputPerMTok: perMillion(data.output_cost_per_token),
    cacheWrite5mPerMTok: perMillion(data.cache_creation_input_token_cost),
    cacheWrite1hPerMTok: perMillion(data.cache_creation_input_token_cost_above_1hr),
    cacheReadPerMTok: perMillion(data.cache_read_input_token_cost),
    litellmProvider: typeof data.litellm_provider === "string" ? data.litellm_provider : null,
    mode: typeof data.mode === "string" ? data.mode : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface PriceQuery {
  /** Model name contains (case-insensitive). */
  search?: string;
  source?: PriceSource;
  page: number;
  pageSize: number;
}

/** A page of the table by model name, with the number of prices the query matches. */
export async function listPrices(db: Db, query: PriceQuery): Promise<{ items: PriceItem[]; total: number; page: number; pageSize: number }> {
  const where: Prisma.ModelPriceWhereInput = {
    ...(query.search ? { modelName: { contains: query.search, mode: "insensitive" } } : {}),
    ...(query.source ? { source: query.source } : {}),
  };
  const [rows, total] = await Promise.all([
    db.modelPrice.findMany({ where, orderBy: { modelName: "asc" }, skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    db.modelPrice.count({ where }),
  ]);
  return { items: rows.map(toPriceItem), total, page: query.page, pageSize: query.pageSize };
}

type PriceDeps = Pick<Services, "db" | "catalog">;

/** Adds or replaces a model's price as manual; the price before (if any) and after, for the audit log. */
export async function upsertManualPrice(deps: PriceDeps, modelName: string, priceData: PriceData): Promise<{ before: PriceItem | undefined; after: PriceItem }> {
  const before = await deps.db.modelPrice.findUnique({ where: { modelName } });
  const data = priceData as Prisma.InputJsonObject;
  const row = await deps.db.modelPrice.upsert({
    where: { modelName },
    create: { modelName, priceData: data, source: "manual" },
    update: { priceData: data, source: "manual" },
  });
  await deps.catalog.invalidate({ kind: "prices" });
  return { before: before ? toPriceItem(before) : undefined, after: toPriceItem(row) };
}

/** The deleted price as it was, for the audit log. */
export async function deletePrice(deps: PriceDeps, id: number): Promise<PriceItem> {
  const before = await deps.db.modelPrice.findUnique({ where: { id } });
  if (!before) throw hubError("NOT_FOUND", "priceNotFound", { id });
  await deps.db.modelPrice.delete({ where: { id } });
  await deps.catalog.invalidate({ kind: "prices" });
  return toPriceItem(before);
}

/** Syncs from the settings' price file URL now; a file that cannot be fetched or read is a 502. */
export async function syncPricesNow(deps: Pick<Services, "db" | "catalog" | "logger">): Promise<PriceSyncCounts> {
  try {
    const counts = await syncPrices(deps, deps.catalog.settings().priceSyncUrl);
    await deps.catalog.invalidate({ kind: "prices" });
    return counts;
  } catch (error) {
    if (error instanceof PriceSyncError) throw hubError("BAD_GATEWAY", "priceSyncFailed", { detail: error.message }, error);
    throw error;
  }
}
