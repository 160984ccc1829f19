/**
 * prices.*: the model price table (LiteLLM field names, USD per token). Admins add and edit
 * prices by hand (source "manual", which a sync never overwrites) and sync from LiteLLM.
 */
import { z } from "zod";
import type { ModelPrice, Prisma } from "../../generated/prisma/client.ts";
import { PriceSyncError, syncPrices } from "../../jobs/price-sync.ts";
import { priceDataSchema, type PriceData } from "../../domain/prices.ts";
import { audit } from "../audit.ts";
import { adminProcedure, dashboardProcedure, router } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";
import { refineProblem } from "../../domain/validation-problems.ts";

export const PRICE_SOURCES = ["builtin", "litellm", "manual"] as const;

const perMTok = z.number().nullable();

const priceItem = z.object({
  id: z.number(),
  modelName: z.string(),
  source: z.enum(PRICE_SOURCES),
  /** The raw entry, in LiteLLM's field names (USD per token). */
  priceData: z.record(z.string(), z.unknown()),
  /** The main prices per million tokens, for display. Null when the entry has none. */
  inputPerMTok: perMTok,
  outputPerMTok: perMTok,
  cacheWrite5mPerMTok: perMTok,
  cacheWrite1hPerMTok: perMTok,
  cacheReadPerMTok: perMTok,
  litellmProvider: z.string().nullable(),
  mode: z.string().nullable(),
  updatedAt: z.string(),
});

/** USD per token → per million tokens, without float noise (3e-6 × 1e6 = 2.9999999999999996). */
function perMillion(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? Number((value * 1_000_000).toPrecision(12)) : null;
}

export function toPriceItem(row: ModelPrice): z.infer<typeof priceItem> {
  const data = (row.priceData && typeof row.priceData === "object" && !Array.isArray(row.priceData) ? row.priceData : {}) as PriceData & Record<string, unknown>;
  return {
    id: row.id,
    modelName: row.modelName,
    source: (PRICE_SOURCES as readonly string[]).includes(row.source) ? (row.source as (typeof PRICE_SOURCES)[number]) : "manual",
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

/** A manual price must bill something: without an input or output price the gateway treats the model as unpriced. */
const manualPriceData = priceDataSchema.refine(
  (d) => d.input_cost_per_token !== undefined || d.output_cost_per_token !== undefined,
  refineProblem("priceNeedsInputOrOutput"),
);

export const pricesRouter = router({
  list: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/prices/list", tags: ["prices"], summary: "Search the model price table", protect: true } })
    .input(
      z
        .object({
          search: z.string().trim().max(200).optional().describe("Model name contains (case-insensitive)"),
          source: z.enum(PRICE_SOURCES).optional(),
          page: z.number().int().min(1).default(1),
          pageSize: z.number().int().min(1).max(200).default(50),
        })
        .default({ page: 1, pageSize: 50 }),
    )
    .output(z.object({ items: z.array(priceItem), total: z.number(), page: z.number(), pageSize: z.number() }))
    .query(async ({ ctx, input }) => {
      const where: Prisma.ModelPriceWhereInput = {
        ...(input.search ? { modelName: { contains: input.search, mode: "insensitive" } } : {}),
        ...(input.source ? { source: input.source } : {}),
      };
      const [rows, total] = await Promise.all([
        ctx.db.modelPrice.findMany({ where, orderBy: { modelName: "asc" }, skip: (input.page - 1) * input.pageSize, take: input.pageSize }),
        ctx.db.modelPrice.count({ where }),
      ]);
      return { items: rows.map(toPriceItem), total, page: input.page, pageSize: input.pageSize };
    }),

  upsert: adminProcedure
    .meta({ openapi: { method: "POST", path: "/prices/upsert", tags: ["prices"], summary: "Add or replace a model's price by hand (a sync never overwrites it)", protect: true } })
    .input(
      z.object({
        modelName: z.string().trim().min(1).max(200),
        priceData: manualPriceData.describe("LiteLLM field names, USD per token, e.g. { input_cost_per_token: 0.000003 }"),
      }),
    )
    .output(priceItem.extend({ created: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.modelPrice.findUnique({ where: { modelName: input.modelName } });
      const data = input.priceData as Prisma.InputJsonObject;
      const row = await ctx.db.modelPrice.upsert({
        where: { modelName: input.modelName },
        create: { modelName: input.modelName, priceData: data, source: "manual" },
        update: { priceData: data, source: "manual" },
      });
      await ctx.catalog.invalidate({ kind: "prices" });
      audit(ctx, "prices.upsert", { type: "price", id: row.id }, { before: before ? toPriceItem(before) : undefined, after: toPriceItem(row) });
      return { ...toPriceItem(row), created: !before };
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/prices/delete", tags: ["prices"], summary: "Delete a model's price (its requests are then logged without cost)", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.modelPrice.findUnique({ where: { id: input.id } });
      if (!before) throw hubError("NOT_FOUND", "priceNotFound", { id: input.id });
      await ctx.db.modelPrice.delete({ where: { id: input.id } });
      await ctx.catalog.invalidate({ kind: "prices" });
      audit(ctx, "prices.delete", { type: "price", id: input.id }, { before: toPriceItem(before) });
      return { ok: true as const };
    }),

  sync: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/prices/sync",
        tags: ["prices"],
        summary: "Sync prices from the price file URL in the settings (LiteLLM); manual prices are kept, nothing is deleted",
        protect: true,
      },
    })
    .input(z.object({}).default({}))
    .output(
      z.object({
        added: z.number(),
        updated: z.number(),
        unchanged: z.number(),
        skippedManual: z.number(),
        invalid: z.number(),
        skippedNoTokenPrice: z.number(),
      }),
    )
    .mutation(async ({ ctx }) => {
      const url = ctx.catalog.settings().priceSyncUrl;
      try {
        const counts = await syncPrices(ctx, url);
        await ctx.catalog.invalidate({ kind: "prices" });
        audit(ctx, "prices.sync", { type: "prices", id: "litellm" }, { after: counts });
        return counts;
      } catch (error) {
        if (error instanceof PriceSyncError) throw hubError("BAD_GATEWAY", "priceSyncFailed", { detail: error.message }, error);
        throw error;
      }
    }),
});
