/**
 * The request filters page's work (manual §9.1): rules that rewrite a request's headers or JSON
 * body before it is forwarded, or a response's before it is returned. Every rule is compiled with
 * the gateway's own compileFilter() before it is stored, so what the admin saves is what the
 * gateway can run; a test runs a rule set on a sample exactly as an attempt would.
 */
import { Prisma, type RequestFilter as FilterRow } from "../generated/prisma/client.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Db } from "../db/database.ts";
import { toFilterDefinition } from "../domain/request-filters/rows.ts";
import { appliesTo, byRunOrder, compileFilter, FilterRuleError, type CompiledFilter, type FilterDefinition } from "../domain/request-filters/rules.ts";
import { newDecisionChain, type DecisionChain } from "../gateway/decision-chain.ts";
import { AttemptFilters } from "../gateway/filters/attempt.ts";
import { hubError, invalidValue } from "../trpc/hub-errors.ts";
import type { Services } from "../trpc/trpc.ts";

export type FilterValue = string | number | boolean | null | unknown[] | Record<string, unknown>;

/** A filter as the admin writes it. */
export interface FilterFields extends Omit<FilterDefinition, "id" | "value"> {
  description: string;
  value: FilterValue;
}

export interface FilterView extends FilterFields {
  id: number;
  createdAt: string;
  updatedAt: string;
}

export function toFilterView(row: FilterRow): FilterView {
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
    value: (row.value ?? null) as FilterValue,
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
export function validatedFilter(input: FilterFields, id = 0): FilterFields {
  try {
    compileFilter({ id, ...input });
  } catch (error) {
    if (!(error instanceof FilterRuleError)) throw error;
    throw invalidValue(error.problem, error.field);
  }
  return input;
}

/** The stored filter with the changes of an update laid over it (fields not sent stay as they are). */
export function withChanges(before: FilterView, changes: Partial<FilterFields>): FilterFields {
  const { id: _id, createdAt: _c, updatedAt: _u, ...current } = before;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  return { ...current, ...defined };
}

function toData(input: FilterFields) {
  return { ...input, value: input.value === null ? Prisma.JsonNull : (input.value as Prisma.InputJsonValue) };
}

const notFound = (id: number) => hubError("NOT_FOUND", "filterNotFound", { id });

/**
 * The ids in their new run order: the listed ones first, then those left out in their current
 * order. An unknown id or one listed twice is refused.
 */
export function reorderedIds(rows: ReadonlyArray<{ id: number; priority: number }>, ids: readonly number[]): number[] {
  const known = new Set(rows.map((r) => r.id));
  const missing = ids.find((id) => !known.has(id));
  if (missing !== undefined) throw notFound(missing);
  if (new Set(ids).size !== ids.length) throw hubError("BAD_REQUEST", "filterIdTwice");
  const rest = rows.filter((r) => !ids.includes(r.id)).sort(byRunOrder).map((r) => r.id);
  return [...ids, ...rest];
}

type FilterDeps = Pick<Services, "db" | "catalog">;

async function existingFilter(db: Db, id: number): Promise<FilterRow> {
  const row = await db.requestFilter.findUnique({ where: { id } });
  if (!row) throw notFound(id);
  return row;
}

/** Every filter in run order. */
export async function listFilters(db: Db): Promise<FilterView[]> {
  const rows = await db.requestFilter.findMany();
  return rows.sort(byRunOrder).map(toFilterView);
}

export async function createFilter(deps: FilterDeps, input: FilterFields): Promise<FilterView> {
  const row = await deps.db.requestFilter.create({ data: toData(validatedFilter(input)) });
  await deps.catalog.invalidate({ kind: "filters" });
  return toFilterView(row);
}

/** Omitted fields stay as they are; the before and after, for the audit log. */
export async function updateFilter(deps: FilterDeps, id: number, changes: Partial<FilterFields>): Promise<{ before: FilterView; after: FilterView }> {
  const before = toFilterView(await existingFilter(deps.db, id));
  const row = await deps.db.requestFilter.update({ where: { id }, data: toData(validatedFilter(withChanges(before, changes), id)) });
  await deps.catalog.invalidate({ kind: "filters" });
  return { before, after: toFilterView(row) };
}

/** The deleted filter as it was, for the audit log. */
export async function deleteFilter(deps: FilterDeps, id: number): Promise<FilterView> {
  const before = toFilterView(await existingFilter(deps.db, id));
  await deps.db.requestFilter.delete({ where: { id } });
  await deps.catalog.invalidate({ kind: "filters" });
  return before;
}

/** Sets the run order by rewriting the priorities; the order set, for the audit log, and every filter in it. */
export async function reorderFilters(deps: FilterDeps, ids: readonly number[]): Promise<{ order: number[]; items: FilterView[] }> {
  const order = reorderedIds(await deps.db.requestFilter.findMany(), ids);
  await deps.db.$transaction(order.map((id, index) => deps.db.requestFilter.update({ where: { id }, data: { priority: order.length - index } })));
  await deps.catalog.invalidate({ kind: "filters" });
  return { order, items: await listFilters(deps.db) };
}

// ---------------------------------------------------------------------------------------------
// Dry runs
// ---------------------------------------------------------------------------------------------

export interface Sample {
  headers: Record<string, string>;
  body: string;
}

export interface RanFilter {
  id: number;
  name: string;
  applied: number;
  skipped: number;
  skipReason?: string;
}

export type ResponseSampleKind = "json" | "json-array" | "sse";

/** Header names as the gateway sees them. */
const lowercased = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

const ranOf = (chain: DecisionChain): RanFilter[] => (chain.filters ?? []).map(({ id, name, applied, skipped, skipReason }) => ({ id, name, applied, skipped, skipReason }));

/**
 * How the gateway would read a pasted response body. No vendor answers a non-streamed request
 * with a top-level array, so "[" means Gemini's streamed array; anything not JSON is taken as
 * server-sent events.
 */
export function responseSampleKind(body: string): ResponseSampleKind {
  const head = body.trimStart();
  if (head.startsWith("{")) return "json";
  if (head.startsWith("[")) return "json-array";
  return "sse";
}

type Provider = { id: number; groups: readonly string[] };

/** Runs the request filters on a sample the way an attempt on the provider runs them. */
export function runRequestFilters(compiled: readonly CompiledFilter[], provider: Provider, sample: Sample) {
  const chain = newDecisionChain();
  const filters = AttemptFilters.forAttempt(
    compiled.filter((f) => f.phase === "request"),
    provider,
    chain,
  );
  const headers = lowercased(sample.headers);
  let body = sample.body;
  const afterHeaders = { ...headers };
  if (filters) {
    const out = filters.rewriteRequestBody({ path: "/", search: "", body: Buffer.from(body), usageInjected: false });
    body = out.body.toString("utf8");
    filters.rewriteRequestHeaders(afterHeaders, {});
  }
  return { before: { headers, body: sample.body }, after: { headers: afterHeaders, body }, ran: ranOf(chain) };
}

/**
 * Runs the response filters on a sample the way dispatch.ts runs them on an answer: the whole
 * body for JSON, event by event or element by element for a stream.
 */
export function runResponseFilters(compiled: readonly CompiledFilter[], provider: Provider, sample: Sample) {
  const responseOnly = compiled.filter((f) => f.phase === "response");
  const chain = newDecisionChain();
  const filters = AttemptFilters.forAttempt(responseOnly, provider, chain);
  const headers = lowercased(sample.headers);
  const kind = responseSampleKind(sample.body);
  let body = sample.body;
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
  const ran = ranOf(chain);
  // A stream notes only the events a filter changed: name the filters that reached none.
  for (const f of responseOnly) {
    if (appliesTo(f, provider) && !ran.some((r) => r.id === f.id)) ran.push({ id: f.id, name: f.name, applied: 0, skipped: 0, skipReason: `${f.target}: reached nothing in the sample` });
  }
  return { kind, before: { headers, body: sample.body }, after: { headers: afterHeaders, body }, ran };
}

/** Unsaved filters compiled as the catalog compiles the saved ones: enabled only, in run order. */
export function compileUnsaved(filters: readonly FilterFields[]): CompiledFilter[] {
  return filters
    .map((f, i) => compileFilter({ id: -(i + 1), ...validatedFilter(f) }))
    .filter((f) => f.isEnabled)
    .sort(byRunOrder);
}

export interface FilterTest {
  sample: Sample;
  /** Run the filters of this provider (null: global filters only). */
  providerId: number | null;
  /** Unsaved filters to try instead of the enabled ones. */
  filters?: FilterFields[];
  response?: Sample;
}

/** A sample request (and response, if given) before and after the filters an attempt on the provider would run. */
export function testFilters(catalog: Pick<Catalog, "requestFilters" | "provider">, input: FilterTest) {
  const compiled = input.filters ? compileUnsaved(input.filters) : catalog.requestFilters();
  const provider = input.providerId === null ? { id: 0, groups: [] } : catalog.provider(input.providerId);
  if (!provider) throw hubError("NOT_FOUND", "providerNotFound", { id: String(input.providerId) });
  return {
    ...runRequestFilters(compiled, provider, input.sample),
    ...(input.response ? { response: runResponseFilters(compiled, provider, input.response) } : {}),
  };
}
