/**
 * The error rules page's work: what an upstream error means to the gateway (the client's mistake
 * or the provider's fault) and what to tell the client instead. Every save is validated as the
 * rule will be stored, regex patterns compiled as the gateway compiles them; a test runs the live
 * rule set, exactly as the gateway matches it.
 *
 * The stored rule's fields live here rather than in the router because an update is validated
 * whole, after the row it changes is read: the router builds its inputs and outputs from them.
 */
import { z } from "zod";
import type { ErrorRule as ErrorRuleRow } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import { extractMessage, matchErrorRule } from "../domain/error-rules.ts";
import { problemIssue, validationProblem, type ValidationProblem } from "../domain/validation-problems.ts";
import { hubError, refusalFromZod } from "../trpc/hub-errors.ts";
import type { Services } from "../trpc/trpc.ts";

export const MATCH_TYPES = ["contains", "exact", "regex"] as const;

export const ruleFields = {
  pattern: z.string().min(1).max(500),
  matchType: z.enum(MATCH_TYPES),
  category: z.string().trim().min(1).max(50).regex(/^[a-z0-9_]+$/, "lowercase letters, digits and _"),
  description: z.string().max(500),
  retryable: z.boolean(),
  countsTowardBreaker: z.boolean(),
  overrideMessage: z.string().trim().max(1000).nullable(),
  overrideStatusCode: z.number().int().min(400).max(599).nullable(),
  isEnabled: z.boolean(),
  priority: z.number().int().min(-1_000_000).max(1_000_000).describe("Higher is tried first"),
};

/** The gateway compiles regex rules case-insensitively; one that does not compile would never match. */
export function regexProblem(pattern: string): ValidationProblem | undefined {
  try {
    new RegExp(pattern, "i");
    return undefined;
  } catch (error) {
    return validationProblem("rulePatternInvalid", { detail: (error as Error).message });
  }
}

const completeRule = z.object(ruleFields).superRefine((rule, ctx) => {
  if (rule.matchType !== "regex") return;
  const problem = regexProblem(rule.pattern);
  if (problem) ctx.addIssue(problemIssue(problem, ["pattern"], rule.pattern));
});

export type RuleInput = z.input<typeof completeRule>;
export type RuleFields = z.output<typeof completeRule>;
export type RuleView = { id: number } & RuleFields & { isDefault: boolean; createdAt: string; updatedAt: string };

export function toRuleView(row: ErrorRuleRow): RuleView {
  return {
    id: row.id,
    pattern: row.pattern,
    matchType: (MATCH_TYPES as readonly string[]).includes(row.matchType) ? (row.matchType as RuleView["matchType"]) : "contains",
    category: row.category,
    description: row.description,
    retryable: row.retryable,
    countsTowardBreaker: row.countsTowardBreaker,
    overrideMessage: row.overrideMessage,
    overrideStatusCode: row.overrideStatusCode,
    isEnabled: row.isEnabled,
    priority: row.priority,
    isDefault: row.isDefault,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Validates the rule as it will be stored (an update may change the pattern or the match type alone). */
export function validatedRule(rule: RuleInput): RuleFields {
  const parsed = completeRule.safeParse(rule);
  if (!parsed.success) {
    // The zod error as the cause: the error formatter turns it into field errors for forms.
    throw refusalFromZod(parsed.error, "Invalid rule.");
  }
  return parsed.data;
}

/** The stored rule with the changes of an update laid over it; the row's own bookkeeping left out. */
export function withChanges(before: RuleView, changes: Partial<RuleInput>): RuleInput {
  const { id: _id, isDefault: _d, createdAt: _c, updatedAt: _u, ...current } = before;
  return { ...current, ...changes };
}

type RuleDeps = Pick<Services, "db" | "catalog">;

const notFound = (id: number) => hubError("NOT_FOUND", "ruleNotFound", { id });

async function existingRule(db: Db, id: number): Promise<ErrorRuleRow> {
  const row = await db.errorRule.findUnique({ where: { id } });
  if (!row) throw notFound(id);
  return row;
}

/** Every rule in the gateway's order: priority (higher first), then id. */
export async function listRules(db: Db): Promise<RuleView[]> {
  const rows = await db.errorRule.findMany({ orderBy: [{ priority: "desc" }, { id: "asc" }] });
  return rows.map(toRuleView);
}

export async function createRule(deps: RuleDeps, input: RuleInput): Promise<RuleView> {
  const row = await deps.db.errorRule.create({ data: validatedRule(input) });
  await deps.catalog.invalidate({ kind: "rules" });
  return toRuleView(row);
}

/** Omitted fields stay as they are; the before and after, for the audit log. */
export async function updateRule(deps: RuleDeps, id: number, changes: Partial<RuleInput>): Promise<{ before: RuleView; after: RuleView }> {
  const before = toRuleView(await existingRule(deps.db, id));
  const row = await deps.db.errorRule.update({ where: { id }, data: validatedRule(withChanges(before, changes)) });
  await deps.catalog.invalidate({ kind: "rules" });
  return { before, after: toRuleView(row) };
}

/** The deleted rule as it was, for the audit log. */
export async function deleteRule(deps: RuleDeps, id: number): Promise<RuleView> {
  const before = toRuleView(await existingRule(deps.db, id));
  await deps.db.errorRule.delete({ where: { id } });
  await deps.catalog.invalidate({ kind: "rules" });
  return before;
}

/** Which enabled rule an upstream error text matches, and the message the rules see in it. */
export async function testRules(deps: RuleDeps, text: string): Promise<{ matched: boolean; rule: RuleView | null; message: string }> {
  // The catalog's snapshot is the set the gateway matches with (enabled rules, in order).
  const hit = matchErrorRule(deps.catalog.errorRules(), text);
  const row = hit ? await deps.db.errorRule.findUnique({ where: { id: hit.id } }) : null;
  return { matched: !!row, rule: row ? toRuleView(row) : null, message: extractMessage(text) };
}
