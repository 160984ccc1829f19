/**
 * sensitiveWords.*: words and patterns that refuse a request before it is forwarded (manual §9.2;
 * enforced by gateway/steps/check-sensitive-words.ts). Every save is validated as the gateway
 * will run it (RE2 syntax, bounded lengths, no empty word, no pattern that matches empty text);
 * sensitiveWords.test runs a text through the enabled set exactly as the gateway matches it.
 * The validation, the queries and the view live in server/admin/sensitive-words.ts.
 */
import { z } from "zod";
import { createWord, deleteWord, listWords, testWords, updateWord } from "../../admin/sensitive-words.ts";
import { MAX_PATTERN_LENGTH, SENSITIVE_MATCH_TYPES, type SensitiveMatchType } from "../../policy/sensitive-words/matcher.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";

const MATCH_TYPE = z.enum(SENSITIVE_MATCH_TYPES as [SensitiveMatchType, ...SensitiveMatchType[]]);

const wordFields = {
  // The longer bound (patterns); the exact bound per type is checked by sensitiveWordProblem.
  word: z.string().max(MAX_PATTERN_LENGTH, `A word or pattern is at most ${MAX_PATTERN_LENGTH} characters long.`),
  matchType: MATCH_TYPE,
  description: z.string().trim().max(500),
  isEnabled: z.boolean(),
};

const wordView = z.object({ id: z.number(), ...wordFields, createdAt: z.string(), updatedAt: z.string() });

export const sensitiveWordsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/list", tags: ["sensitive-words"], summary: "Sensitive words", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(wordView) }))
    .query(async ({ ctx }) => ({ items: await listWords(ctx.db) })),

  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/create", tags: ["sensitive-words"], summary: "Add a sensitive word", protect: true } })
    .input(z.object({ ...wordFields, matchType: wordFields.matchType.default("contains"), description: wordFields.description.default(""), isEnabled: wordFields.isEnabled.default(true) }))
    .output(wordView)
    .mutation(async ({ ctx, input }) => {
      const word = await createWord(ctx, input);
      audit(ctx, "sensitiveWords.create", { type: "sensitive_word", id: word.id }, { after: word });
      return word;
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/update", tags: ["sensitive-words"], summary: "Edit, enable or disable a sensitive word (omitted fields stay as they are)", protect: true } })
    .input(z.object({ id: z.number().int(), ...z.object(wordFields).partial().shape }))
    .output(wordView)
    .mutation(async ({ ctx, input }) => {
      const { id, ...changes } = input;
      const { before, after } = await updateWord(ctx, id, changes);
      audit(ctx, "sensitiveWords.update", { type: "sensitive_word", id }, { before, after });
      return after;
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/delete", tags: ["sensitive-words"], summary: "Delete a sensitive word", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await deleteWord(ctx, input.id);
      audit(ctx, "sensitiveWords.delete", { type: "sensitive_word", id: input.id }, { before });
      return { ok: true as const };
    }),

  test: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/test", tags: ["sensitive-words"], summary: "Which enabled word a text matches, as the gateway decides it", protect: true } })
    .input(z.object({ text: z.string().min(1).max(100_000).describe("Text as a user would send it in a message") }))
    .output(z.object({ matched: z.boolean(), word: wordView.nullable() }))
    .query(({ ctx, input }) => testWords(ctx, input.text)),
});
