/**
 * prices.*: the model price table (LiteLLM field names, USD per token). Admins add and edit
 * prices by hand (source "manual", which a sync never overwrites) and sync from LiteLLM. The
 * queries and the view live in server/admin/prices.ts.
 */
import { z } from "zod";
import { deletePrice, listPrices, PRICE_SOURCES, syncPricesNow, upsertManualPrice } from "../../admin/prices.ts";
import { priceDataSchema } from "../../domain/prices.ts";
import { refineProblem } from "../../domain/validation-problems.ts";
import { audit } from "../audit.ts";
import { adminProcedure, dashboardProcedure, router } from "../trpc.ts";

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
    .query(({ ctx, input }) => listPrices(ctx.db, input)),

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
      const { before, after } = await upsertManualPrice(ctx, input.modelName, input.priceData);
      audit(ctx, "prices.upsert", { type: "price", id: after.id }, { before, after });
      return { ...after, created: !before };
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/prices/delete", tags: ["prices"], summary: "Delete a model's price (its requests are then logged without cost)", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await deletePrice(ctx, input.id);
      audit(ctx, "prices.delete", { type: "price", id: input.id }, { before });
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
      const counts = await syncPricesNow(ctx);
      audit(ctx, "prices.sync", { type: "prices", id: "litellm" }, { after: counts });
      return counts;
    }),
});
