/**
 * filters.*: request filters (manual §9.1), rules that rewrite a request's headers or JSON body
 * before it is forwarded, or a response's before it is returned. Every rule is compiled with
 * the gateway's own compileFilter() before it is stored, so what the admin saves is what the
 * gateway can run; filters.test runs a rule set on a sample exactly as an attempt would.
 */
import { z } from "zod";
import { Prisma, type RequestFilter as FilterRow } from "../../generated/prisma/client.ts";
import { AttemptFilters } from "../../gateway/filters/attempt.ts";
import { toFilterDefinition } from "../../domain/request-filters/rows.ts";
import {
  appliesTo,
  byRunOrder,
  compileFilter,
  FILTER_ACTIONS,
  FILTER_BINDINGS,
  FILTER_PHASES,
  FILTER_SCOPES,
  FilterRuleError,
  type CompiledFilter,
  type FilterDefinition,
} from "../../domain/request-filters/rules.ts";
import { newDecisionChain } from "../../gateway/decision-chain.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";
import { hubError, invalidValue } from "../hub-errors.ts";

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
type FilterView = z.infer<typeof filterView>;
type FilterInput = Omit<FilterView, "id" | "createdAt" | "updatedAt">;

function toView(row: FilterRow): FilterView {
  const def = toFilterDefinition(row);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    phase: def.phase,
    scope: def.scope,
    action: def.action,
    target: row.target,
    matchPattern: row.matchPattern,
    value: (row.value ?? null) as FilterView["value"],
    priority: row.priority,
    isEnabled: row.isEnabled,
    bindingType: def.bindingType,
    providerIds: row.providerIds,
    groupTags: row.groupTags,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Compiles the rule as it will be stored; a problem becomes a field error the form can show. */
function validated(input: FilterInput, id = 0): FilterInput {
  try {
    compileFilter({ id, ...input } as FilterDefinition);
  } catch (error) {
    if (!(error instanceof FilterRuleError)) throw error;
    throw invalidValue(error.problem, error.field);
  }
  return input;
}

function toData(input: FilterInput) {
  return { ...input, value: input.value === null ? Prisma.JsonNull : (input.value as Prisma.InputJsonValue) };
}

const notFound = (id: number) => hubError("NOT_FOUND", "filterNotFound", { id });

const sample = z.object({
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().max(1_000_000).describe("A JSON body"),
});

const responseSample = z.object({
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().max(1_000_000).describe('A response body: JSON ("{…}"), a streamed JSON array as Gemini sends without alt=sse ("[{…},{…}]"), or server-sent events as received'),
});

const ranFilter = z.object({ id: z.number(), name: z.string(), applied: z.number(), skipped: z.number(), skipReason: z.string().optional() });

type ResponseSampleKind = "json" | "json-array" | "sse";

/**
 * How the gateway would read a pasted response body. No vendor answers a non-streamed request
 * with a top-level array, so "[" means Gemini's streamed array; anything not JSON is taken as
 * server-sent events.
 */
function responseSampleKind(body: string): ResponseSampleKind {
  const head = body.trimStart();
  if (head.startsWith("{")) return "json";
  if (head.startsWith("[")) return "json-array";
  return "sse";
}

/**
 * Runs the response filters on a sample the way dispatch.ts runs them on an answer: the whole
 * body for JSON, event by event or element by element for a stream.
 */
function runResponseFilters(compiled: readonly CompiledFilter[], provider: { id: number; groups: readonly string[] }, input: z.infer<typeof responseSample>) {
  const responseOnly = compiled.filter((f) => f.phase === "response");
  const chain = newDecisionChain();
  const filters = AttemptFilters.forAttempt(responseOnly, provider, chain);
  const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const kind = responseSampleKind(input.body);
  let body = input.body;
  let afterHeaders: Record<string, string> = { ...headers };
  if (filters) {
    if (kind === "json") body = filters.rewriteResponseJson(Buffer.from(body)).toString("utf8");
    else {
      // A pasted stream often loses the blank line that ends its last event (text areas trim);
      // without it that event would be held as unfinished and left unfiltered.
      const text = kind === "sse" && !/\r?\n\r?\n$/.test(body) ? `${body.replace(/\r?\n$/, "")}\n\n` : body;
      const stream = filters.responseStream(kind === "sse");
      if (stream) body = Buffer.concat([stream.push(Buffer.from(text)), stream.end()]).toString("utf8");
    }
    afterHeaders = filters.rewriteResponseHeaders(afterHeaders) as Record<string, string>;
  }
  const ran = (chain.filters ?? []).map(({ id, name, applied, skipped, skipReason }) => ({ id, name, applied, skipped, skipReason }));
  // A stream notes only the events a filter changed: name the filters that reached none.
  for (const f of responseOnly) {
    if (appliesTo(f, provider) && !ran.some((r) => r.id === f.id)) ran.push({ id: f.id, name: f.name, applied: 0, skipped: 0, skipReason: `${f.target}: reached nothing in the sample` });
  }
  return { kind, before: { headers, body: input.body }, after: { headers: afterHeaders, body }, ran };
}

export const filtersRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/list", tags: ["filters"], summary: "Request filters, in run order", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(filterView) }))
    .query(async ({ ctx }) => {
      const rows = await ctx.db.requestFilter.findMany();
      return { items: rows.sort(byRunOrder).map(toView) };
    }),

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
      const row = await ctx.db.requestFilter.create({ data: toData(validated(input)) });
      await ctx.catalog.invalidate({ kind: "filters" });
      audit(ctx, "filters.create", { type: "request_filter", id: row.id }, { after: toView(row) });
      return toView(row);
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/update", tags: ["filters"], summary: "Update a request filter (omitted fields stay as they are)", protect: true } })
    .input(z.object({ id: z.number().int(), ...z.object(filterFields).partial().shape }))
    .output(filterView)
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.requestFilter.findUnique({ where: { id: input.id } });
      if (!existing) throw notFound(input.id);
      const before = toView(existing);
      const { id, ...changes } = input;
      const { id: _id, createdAt: _c, updatedAt: _u, ...current } = before;
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      const row = await ctx.db.requestFilter.update({ where: { id }, data: toData(validated({ ...current, ...defined }, id)) });
      await ctx.catalog.invalidate({ kind: "filters" });
      audit(ctx, "filters.update", { type: "request_filter", id }, { before, after: toView(row) });
      return toView(row);
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/delete", tags: ["filters"], summary: "Delete a request filter", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.requestFilter.findUnique({ where: { id: input.id } });
      if (!existing) throw notFound(input.id);
      await ctx.db.requestFilter.delete({ where: { id: input.id } });
      await ctx.catalog.invalidate({ kind: "filters" });
      audit(ctx, "filters.delete", { type: "request_filter", id: input.id }, { before: toView(existing) });
      return { ok: true as const };
    }),

  reorder: adminProcedure
    .meta({ openapi: { method: "POST", path: "/filters/reorder", tags: ["filters"], summary: "Set the run order: the ids listed first run first", protect: true } })
    .input(z.object({ ids: z.array(z.number().int()).min(1).max(10_000) }))
    .output(z.object({ items: z.array(filterView) }))
    .mutation(async ({ ctx, input }) => {
      const rows = await ctx.db.requestFilter.findMany();
      const known = new Set(rows.map((r) => r.id));
      const missing = input.ids.find((id) => !known.has(id));
      if (missing !== undefined) throw notFound(missing);
      if (new Set(input.ids).size !== input.ids.length) throw hubError("BAD_REQUEST", "filterIdTwice");
      // Filters left out keep their place after the listed ones, in their current order.
      const rest = rows.filter((r) => !input.ids.includes(r.id)).sort(byRunOrder).map((r) => r.id);
      const order = [...input.ids, ...rest];
      await ctx.db.$transaction(order.map((id, index) => ctx.db.requestFilter.update({ where: { id }, data: { priority: order.length - index } })));
      await ctx.catalog.invalidate({ kind: "filters" });
      audit(ctx, "filters.reorder", { type: "request_filter", id: order.join(",") }, { after: order });
      const updated = await ctx.db.requestFilter.findMany();
      return { items: updated.sort(byRunOrder).map(toView) };
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
    .query(({ ctx, input }) => {
      let compiled: readonly CompiledFilter[];
      if (input.filters) {
        compiled = input.filters.map((f, i) => compileFilter({ id: -(i + 1), ...(validated(f as FilterInput) as FilterInput) } as FilterDefinition)).filter((f) => f.isEnabled).sort(byRunOrder);
      } else compiled = ctx.catalog.requestFilters();
      const provider = input.providerId === null ? { id: 0, groups: [] } : ctx.catalog.provider(input.providerId);
      if (!provider) throw hubError("NOT_FOUND", "providerNotFound", { id: String(input.providerId) });
      const requestOnly = compiled.filter((f) => f.phase === "request");
      const chain = newDecisionChain();
      const filters = AttemptFilters.forAttempt(requestOnly, provider, chain);
      const headers = Object.fromEntries(Object.entries(input.sample.headers).map(([k, v]) => [k.toLowerCase(), v]));
      let body = input.sample.body;
      const afterHeaders = { ...headers };
      if (filters) {
        const out = filters.rewriteRequestBody({ path: "/", search: "", body: Buffer.from(body), usageInjected: false });
        body = out.body.toString("utf8");
        filters.rewriteRequestHeaders(afterHeaders, {});
      }
      return {
        before: { headers, body: input.sample.body },
        after: { headers: afterHeaders, body },
        ran: (chain.filters ?? []).map(({ id, name, applied, skipped, skipReason }) => ({ id, name, applied, skipped, skipReason })),
        ...(input.response ? { response: runResponseFilters(compiled, provider, input.response) } : {}),
      };
    }),
});
