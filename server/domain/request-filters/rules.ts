/**
 * Request filters as the gateway runs them: the stored row compiled once (path parsed, regex
 * compiled with RE2, a linear-time engine, so no pattern can stall a request), and the checks
 * that refuse a rule at save time. The same compile() serves the admin API's validation, the
 * tester and the catalog, so a rule that was accepted is a rule the gateway can run.
 */
import { RE2JS } from "re2js";
import { validationProblem, type ProblemVars, type ValidationCode, type ValidationProblem } from "../validation-problems.ts";
import { FilterPathError, parsePath, type PathSegment } from "./path.ts";

export const FILTER_PHASES = ["request", "response"] as const;
export const FILTER_SCOPES = ["header", "body"] as const;
export const FILTER_ACTIONS = ["set", "delete", "replace"] as const;
export const FILTER_BINDINGS = ["global", "providers", "groups"] as const;

export type FilterPhase = (typeof FILTER_PHASES)[number];
export type FilterScope = (typeof FILTER_SCOPES)[number];
export type FilterAction = (typeof FILTER_ACTIONS)[number];
export type FilterBinding = (typeof FILTER_BINDINGS)[number];

/** A filter as stored (the fields of the request_filters row that matter to the gateway). */
export interface FilterDefinition {
  id: number;
  name: string;
  phase: FilterPhase;
  scope: FilterScope;
  action: FilterAction;
  /** Header name, or a JSON path (see path.ts). */
  target: string;
  /** For "replace": a regular expression (RE2 syntax) searched in a string value. */
  matchPattern: string | null;
  /** For "set": the value (any JSON for a body, a string for a header); for "replace": the replacement ($1 refers to a group). */
  value: unknown;
  priority: number;
  isEnabled: boolean;
  bindingType: FilterBinding;
  providerIds: number[];
  groupTags: string[];
}

export interface CompiledFilter extends FilterDefinition {
  /** Lowercased header name (header filters). */
  header?: string;
  /** Parsed path (body filters). */
  path?: PathSegment[];
  regex?: RE2JS;
}

/**
 * Headers no filter may touch: the hub's own credentials (the client's key never reaches the
 * upstream), the upstream credentials the hub sets for the provider, and the framing headers
 * the hub computes. A filter on them would either leak a key or break the exchange.
 */
export const PROTECTED_REQUEST_HEADERS = new Set([
  "authorization",
  "x-api-key",
  "x-goog-api-key",
  "x-authorization",
  "proxy-authorization",
  "cookie",
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
]);
/** The client relies on these to find its log row and to read the body. */
export const PROTECTED_RESPONSE_HEADERS = new Set(["x-request-id", "content-length", "transfer-encoding", "connection", "set-cookie"]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class FilterRuleError extends Error {
  /** The reason, coded so the dashboard can say it in the admin's language. */
  readonly problem: ValidationProblem;

  constructor(
    /** The field the problem is in, for forms. */
    readonly field: "target" | "matchPattern" | "value" | "scope" | "bindingType",
    problem: ValidationProblem,
  ) {
    super(problem.message);
    this.name = "FilterRuleError";
    this.problem = problem;
  }
}

const refuse = (field: FilterRuleError["field"], code: ValidationCode, vars?: ProblemVars) => new FilterRuleError(field, validationProblem(code, vars));

/** Compiles a definition; throws FilterRuleError saying what is wrong and where. */
export function compileFilter(def: FilterDefinition): CompiledFilter {
  const compiled: CompiledFilter = { ...def };
  if (def.scope === "header") {
    const header = def.target.trim().toLowerCase();
    if (!HEADER_NAME.test(header)) throw refuse("target", "filterHeaderInvalid", { header: def.target });
    const protectedSet = def.phase === "request" ? PROTECTED_REQUEST_HEADERS : PROTECTED_RESPONSE_HEADERS;
    if (protectedSet.has(header) || header.startsWith("x-cch-")) throw refuse("target", "filterHeaderProtected", { header });
    compiled.header = header;
    if (def.action === "set" && typeof def.value !== "string") throw refuse("value", "filterHeaderNeedsText");
  } else {
    try {
      compiled.path = parsePath(def.target);
    } catch (error) {
      if (!(error instanceof FilterPathError)) throw error;
      throw new FilterRuleError("target", error.problem);
    }
    const top = compiled.path[0];
    if (def.phase === "request" && def.action === "delete" && compiled.path.length === 1 && top.kind === "key" && top.name === "model") {
      throw refuse("target", "filterModelDelete");
    }
    if (def.action === "set" && def.value === undefined) throw refuse("value", "filterSetNeedsValue");
  }
  if (def.action === "replace") {
    if (!def.matchPattern) throw refuse("matchPattern", "filterReplaceNeedsPattern");
    try {
      compiled.regex = RE2JS.compile(def.matchPattern);
    } catch (error) {
      throw refuse("matchPattern", "filterPatternInvalid", { detail: (error as Error).message });
    }
    if (typeof (def.value ?? "") !== "string") throw refuse("value", "filterReplacementNotText");
  }
  if (def.bindingType === "providers" && !def.providerIds.length) throw refuse("bindingType", "filterNeedsProvider");
  if (def.bindingType === "groups" && !def.groupTags.length) throw refuse("bindingType", "filterNeedsGroup");
  return compiled;
}

/** Whether a filter applies to a provider (its id and its group tags). */
export function appliesTo(filter: CompiledFilter, provider: { id: number; groups: readonly string[] } | undefined): boolean {
  if (filter.bindingType === "global") return true;
  if (!provider) return false;
  if (filter.bindingType === "providers") return filter.providerIds.includes(provider.id);
  return filter.groupTags.some((g) => provider.groups.includes(g));
}

/** The run order: higher priority first, then the older filter. */
export function byRunOrder(a: { priority: number; id: number }, b: { priority: number; id: number }): number {
  return b.priority - a.priority || a.id - b.id;
}
