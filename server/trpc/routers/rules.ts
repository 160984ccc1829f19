/**
 * rules.*: error rules, which tell the gateway what an upstream error means (the client's
 * mistake: return it at once; or the provider's fault: retry, fail over, count toward the
 * breaker) and optionally what to tell the client instead. rules.test runs the live rule set
 * against a sample error, exactly as the gateway matches it.
 */
import { z } from "zod";
import type { ErrorRule as ErrorRuleRow } from "../../generated/prisma/client.ts";
import { extractMessage, matchErrorRule } from "../../domain/error-rules.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";
import { hubError, refusalFromZod } from "../hub-errors.ts";
import { problemIssue, validationProblem, type ValidationProblem } from "../../domain/validation-problems.ts";

export const MATCH_TYPES = ["contains", "exact", "regex"] as const;

const ruleFields = {
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
function regexProblem(pattern: string): ValidationProblem | undefined {
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

const ruleView = z.object({ id: z.number(), ...ruleFields, isDefault: z.boolean(), createdAt: z.string(), updatedAt: z.string() });
type RuleView = z.infer<typeof ruleView>;

function toRuleView(row: ErrorRuleRow): RuleView {
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
function validated(rule: z.input<typeof completeRule>) {
  const parsed = completeRule.safeParse(rule);
  if (!parsed.success) {
    // The zod error as the cause: the error formatter turns it into field errors for forms.
    throw refusalFromZod(parsed.error, "Invalid rule.");
  }
  return parsed.data;
}

const notFound = (id: number) => hubError("NOT_FOUND", "ruleNotFound", { id });

export const rulesRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/list", tags: ["rules"], summary: "Error rules, in matching order", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(ruleView) }))
    .query(async ({ ctx }) => {
      // The gateway's order: priority (higher first), then id.
      const rows = await ctx.db.errorRule.findMany({ orderBy: [{ priority: "desc" }, { id: "asc" }] });
      return { items: rows.map(toRuleView) };
    }),

  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/create", tags: ["rules"], summary: "Create an error rule", protect: true } })
    .input(
      z.object({
        ...ruleFields,
        matchType: ruleFields.matchType.default("contains"),
        description: ruleFields.description.default(""),
        retryable: ruleFields.retryable.default(false),
        countsTowardBreaker: ruleFields.countsTowardBreaker.default(false),
        overrideMessage: ruleFields.overrideMessage.default(null),
        overrideStatusCode: ruleFields.overrideStatusCode.default(null),
        isEnabled: ruleFields.isEnabled.default(true),
        priority: ruleFields.priority.default(0),
      }),
    )
    .output(ruleView)
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.db.errorRule.create({ data: validated(input) });
      await ctx.catalog.invalidate({ kind: "rules" });
      audit(ctx, "rules.create", { type: "error_rule", id: row.id }, { after: toRuleView(row) });
      return toRuleView(row);
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/update", tags: ["rules"], summary: "Update an error rule (omitted fields stay as they are)", protect: true } })
    .input(z.object({ id: z.number().int(), ...z.object(ruleFields).partial().shape }))
    .output(ruleView)
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.errorRule.findUnique({ where: { id: input.id } });
      if (!existing) throw notFound(input.id);
      const before = toRuleView(existing);
      const { id, ...changes } = input;
      const { id: _id, isDefault: _d, createdAt: _c, updatedAt: _u, ...current } = before;
      const row = await ctx.db.errorRule.update({ where: { id }, data: validated({ ...current, ...changes }) });
      await ctx.catalog.invalidate({ kind: "rules" });
      audit(ctx, "rules.update", { type: "error_rule", id }, { before, after: toRuleView(row) });
      return toRuleView(row);
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/delete", tags: ["rules"], summary: "Delete an error rule", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.errorRule.findUnique({ where: { id: input.id } });
      if (!existing) throw notFound(input.id);
      await ctx.db.errorRule.delete({ where: { id: input.id } });
      await ctx.catalog.invalidate({ kind: "rules" });
      audit(ctx, "rules.delete", { type: "error_rule", id: input.id }, { before: toRuleView(existing) });
      return { ok: true as const };
    }),

  test: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/test", tags: ["rules"], summary: "Which enabled rule an upstream error text matches, as the gateway decides it", protect: true } })
    .input(z.object({ text: z.string().min(1).max(100_000).describe("An upstream error body or message") }))
    .output(z.object({ matched: z.boolean(), rule: ruleView.nullable(), message: z.string().describe("The message the rules see inside a JSON error body") }))
    .query(async ({ ctx, input }) => {
      // The catalog's snapshot is the set the gateway matches with (enabled rules, in order).
      const hit = matchErrorRule(ctx.catalog.errorRules(), input.text);
      const row = hit ? await ctx.db.errorRule.findUnique({ where: { id: hit.id } }) : null;
      return { matched: !!row, rule: row ? toRuleView(row) : null, message: extractMessage(input.text) };
    }),
});
