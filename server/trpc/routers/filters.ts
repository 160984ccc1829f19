/**
 * filters.*: request filters (manual §9.1), rules that rewrite a request's headers or JSON body
 * before it is forwarded, or a response's before it is returned. Every rule is compiled with
 * the gateway's own compileFilter() before it is stored, so what the admin saves is what the
 * gateway can run; filters.test runs a rule set on a sample exactly as an attempt would. The
 * validation, the queries and the dry runs live in server/admin/request-filters.ts.
 */
import { z } from "zod";
import { createFilter, deleteFilter, listFilters, reorderFilters, testFilters, updateFilter } from "../../admin/request-filters.ts";
import { FILTER_ACTIONS, FILTER_BINDINGS, FILTER_PHASES, FILTER_SCOPES } from "../../domain/request-filters/rules.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);

const filterFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500),
  phase: z.enum(FILTER_PHASES).describe("request: before forwarding (per attempt); response: before returning to the client"),
  scope: z.enum(FILTER_SCOPES),
  action: z.enum(FILTER_ACTIONS),
  target: z.string().trim().min(1).max(500).describe('Header name, or a JSON path such as "metadata.user_id" or "messages[*].content"'),
  matchPattern: z.string().max(1000).nullable().describe("For replace: a regular expression (RE2 syntax)"),
  value: jsonValue.describe("For set: the value (text for a header); for replace: the replacement ($1 = first group)"),
  priority: z.number().int().min(-1_000_000).max(1_000_000).describe("Run order: higher runs first"),
  isEnabled: z.boolean(),
  bindingType: z.enum(FILTER_BINDINGS),
  providerIds: z.array(z.number().int()).max(1000),
  groupTags: z.array(z.string().trim().min(1).max(50)).max(100),
};

const filterView = z.object({ id: z.number(), ...filterFields, createdAt: z.string(), updatedAt: z.string() });

const sample = z.object({
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().max(1_000_000).describe("A JSON body"),
});

const responseSample = z.object({
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().max(1_000_000).describe('A response body: JSON ("{…}"), a streamed JSON array as Gemini sends without alt=sse ("[{…},{…}]"), or server-sent events as received'),
});

const ranFilter = z.object({ id: z.number(), name: z.string(), applied: z.number(), skipped: z.number(), skipReason: z.string().optional() });

export const filtersRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/list", tags: ["filters"], summary: "Request filters, in run order", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(filterView) }))
    .query(async ({ ctx }) => ({ items: await listFilters(ctx.db) })),

  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/create", tags: ["filters"], summary: "Create a request filter", protect: true } })
    .input(
      z.object({
        ...filterFields,
        description: filterFields.description.default(""),
        phase: filterFields.phase.default("request"),
        matchPattern: filterFields.matchPattern.default(null),
        value: filterFields.value.default(null),
        priority: filterFields.priority.default(0),
        isEnabled: filterFields.isEnabled.default(true),
        bindingType: filterFields.bindingType.default("global"),
        providerIds: filterFields.providerIds.default([]),
        groupTags: filterFields.groupTags.default([]),
      }),
    )
    .output(filterView)
    .mutation(async ({ ctx, input }) => {
      const filter = await createFilter(ctx, input);
      audit(ctx, "filters.create", { type: "request_filter", id: filter.id }, { after: filter });
      return filter;
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/update", tags: ["filters"], summary: "Update a request filter (omitted fields stay as they are)", protect: true } })
    .input(z.object({ id: z.number().int(), ...z.object(filterFields).partial().shape }))
    .output(filterView)
    .mutation(async ({ ctx, input }) => {
      const { id, ...changes } = input;
      const { before, after } = await updateFilter(ctx, id, changes);
      audit(ctx, "filters.update", { type: "request_filter", id }, { before, after });
      return after;
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/delete", tags: ["filters"], summary: "Delete a request filter", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await deleteFilter(ctx, input.id);
      audit(ctx, "filters.delete", { type: "request_filter", id: input.id }, { before });
      return { ok: true as const };
    }),

  reorder: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/reorder", tags: ["filters"], summary: "Set the run order: the ids listed first run first", protect: true } })
    .input(z.object({ ids: z.array(z.number().int()).min(1).max(10_000) }))
    .output(z.object({ items: z.array(filterView) }))
    .mutation(async ({ ctx, input }) => {
      const { order, items } = await reorderFilters(ctx, input.ids);
      audit(ctx, "filters.reorder", { type: "request_filter", id: order.join(",") }, { after: order });
      return { items };
    }),

  test: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/test", tags: ["filters"], summary: "A sample request before and after the request filters, as an attempt on the provider would see it (and, if given, a sample response before and after the response filters)", protect: true } })
    .input(
      z.object({
        sample,
        providerId: z.number().int().nullable().default(null).describe("Run the filters of this provider (null: global filters only)"),
        filters: z.array(z.object(filterFields)).optional().describe("Unsaved filters to try instead of the enabled ones"),
        response: responseSample.optional().describe("A sample response to run the response filters on"),
      }),
    )
    .output(
      z.object({
        before: z.object({ headers: z.record(z.string(), z.string()), body: z.string() }),
        after: z.object({ headers: z.record(z.string(), z.string()), body: z.string() }),
        ran: z.array(ranFilter),
        response: z
          .object({
            kind: z.enum(["json", "json-array", "sse"]).describe("How the sample was read"),
            before: z.object({ headers: z.record(z.string(), z.string()), body: z.string() }),
            after: z.object({ headers: z.record(z.string(), z.string()), body: z.string() }),
            ran: z.array(ranFilter),
          })
          .optional(),
      }),
    )
    .query(({ ctx, input }) => testFilters(ctx.catalog, input)),
});
