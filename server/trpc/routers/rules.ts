/**
 * rules.*: error rules, which tell the gateway what an upstream error means (the client's
 * mistake: return it at once; or the provider's fault: retry, fail over, count toward the
 * breaker) and optionally what to tell the client instead. rules.test runs the live rule set
 * against a sample error, exactly as the gateway matches it. The validation, the queries and
 * the view live in server/admin/error-rules.ts.
 */
import { z } from "zod";
import { createRule, deleteRule, listRules, ruleFields, testRules, updateRule } from "../../admin/error-rules.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";

const ruleView = z.object({ id: z.number(), ...ruleFields, isDefault: z.boolean(), createdAt: z.string(), updatedAt: z.string() });

export const rulesRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/list", tags: ["rules"], summary: "Error rules, in matching order", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(ruleView) }))
    .query(async ({ ctx }) => ({ items: await listRules(ctx.db) })),

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
      const rule = await createRule(ctx, input);
      audit(ctx, "rules.create", { type: "error_rule", id: rule.id }, { after: rule });
      return rule;
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/update", tags: ["rules"], summary: "Update an error rule (omitted fields stay as they are)", protect: true } })
    .input(z.object({ id: z.number().int(), ...z.object(ruleFields).partial().shape }))
    .output(ruleView)
    .mutation(async ({ ctx, input }) => {
      const { id, ...changes } = input;
      const { before, after } = await updateRule(ctx, id, changes);
      audit(ctx, "rules.update", { type: "error_rule", id }, { before, after });
      return after;
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/delete", tags: ["rules"], summary: "Delete an error rule", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await deleteRule(ctx, input.id);
      audit(ctx, "rules.delete", { type: "error_rule", id: input.id }, { before });
      return { ok: true as const };
    }),

  test: adminProcedure
    .meta({ openapi: { method: "POST", path: "/rules/test", tags: ["rules"], summary: "Which enabled rule an upstream error text matches, as the gateway decides it", protect: true } })
    .input(z.object({ text: z.string().min(1).max(100_000).describe("An upstream error body or message") }))
    .output(z.object({ matched: z.boolean(), rule: ruleView.nullable(), message: z.string().describe("The message the rules see inside a JSON error body") }))
    .query(({ ctx, input }) => testRules(ctx, input.text)),
});
