/**
 * sensitiveWords.*: words and patterns that refuse a request before it is forwarded (manual §9.2;
 * enforced by gateway/steps/check-sensitive-words.ts). Every save is validated as the gateway
 * will run it (RE2 syntax, bounded lengths, no empty word, no pattern that matches empty text);
 * sensitiveWords.test runs a text through the enabled set exactly as the gateway matches it.
 */
import { z } from "zod";
import type { Db } from "../../db/database.ts";
import type { SensitiveWord } from "../../generated/prisma/client.ts";
import {
  MAX_PATTERN_LENGTH,
  MAX_SENSITIVE_WORDS,
  MAX_TOTAL_WORD_LENGTH,
  SENSITIVE_MATCH_TYPES,
  sensitiveWordProblem,
  type SensitiveMatchType,
} from "../../policy/sensitive-words/matcher.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";
import { hubError, invalidValue } from "../hub-errors.ts";

const MATCH_TYPE = z.enum(SENSITIVE_MATCH_TYPES as [SensitiveMatchType, ...SensitiveMatchType[]]);

const wordFields = {
  // The longer bound (patterns); the exact bound per type is checked by sensitiveWordProblem.
  word: z.string().max(MAX_PATTERN_LENGTH, `A word or pattern is at most ${MAX_PATTERN_LENGTH} characters long.`),
  matchType: MATCH_TYPE,
  description: z.string().trim().max(500),
  isEnabled: z.boolean(),
};

const wordView = z.object({ id: z.number(), ...wordFields, createdAt: z.string(), updatedAt: z.string() });
type WordView = z.infer<typeof wordView>;

function toWordView(row: SensitiveWord): WordView {
  return {
    id: row.id,
    word: row.word,
    matchType: (SENSITIVE_MATCH_TYPES as readonly string[]).includes(row.matchType) ? (row.matchType as SensitiveMatchType) : "contains",
    description: row.description,
    isEnabled: row.isEnabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Words are stored trimmed (surrounding spaces would be invisible in the list and never intended); patterns as typed. */
function validated<T extends { word: string; matchType: SensitiveMatchType }>(entry: T): T {
  const word = entry.matchType === "regex" ? entry.word : entry.word.trim();
  const problem = sensitiveWordProblem(word, entry.matchType);
  if (problem) throw invalidValue(problem, "word", entry.word);
  return { ...entry, word };
}

/** Refuses a save that would take the words past the matcher's size bound (see matcher.ts). */
async function checkTotal(db: Db, word: string, exceptId?: number) {
  const rows = await db.sensitiveWord.findMany({ select: { id: true, word: true } });
  const total = rows.reduce((sum, r) => sum + (r.id === exceptId ? 0 : r.word.length), word.length);
  if (rows.length - (exceptId === undefined ? 0 : 1) >= MAX_SENSITIVE_WORDS) {
    throw hubError("BAD_REQUEST", "sensitiveWordsTooMany", { max: MAX_SENSITIVE_WORDS });
  }
  if (total > MAX_TOTAL_WORD_LENGTH) {
    throw hubError("BAD_REQUEST", "sensitiveWordsTooLong", { max: MAX_TOTAL_WORD_LENGTH, total });
  }
}

const notFound = (id: number) => hubError("NOT_FOUND", "sensitiveWordNotFound", { id });

export const sensitiveWordsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/list", tags: ["sensitive-words"], summary: "Sensitive words", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(wordView) }))
    .query(async ({ ctx }) => {
      const rows = await ctx.db.sensitiveWord.findMany({ orderBy: { id: "asc" } });
      return { items: rows.map(toWordView) };
    }),

  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/create", tags: ["sensitive-words"], summary: "Add a sensitive word", protect: true } })
    .input(z.object({ ...wordFields, matchType: wordFields.matchType.default("contains"), description: wordFields.description.default(""), isEnabled: wordFields.isEnabled.default(true) }))
    .output(wordView)
    .mutation(async ({ ctx, input }) => {
      const data = validated(input);
      await checkTotal(ctx.db, data.word);
      const row = await ctx.db.sensitiveWord.create({ data });
      await ctx.catalog.invalidate({ kind: "sensitive_words" });
      audit(ctx, "sensitiveWords.create", { type: "sensitive_word", id: row.id }, { after: toWordView(row) });
      return toWordView(row);
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/update", tags: ["sensitive-words"], summary: "Edit, enable or disable a sensitive word (omitted fields stay as they are)", protect: true } })
    .input(z.object({ id: z.number().int(), ...z.object(wordFields).partial().shape }))
    .output(wordView)
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.sensitiveWord.findUnique({ where: { id: input.id } });
      if (!existing) throw notFound(input.id);
      const before = toWordView(existing);
      const { id, ...changes } = input;
      const data = validated({ word: before.word, matchType: before.matchType, ...changes });
      await checkTotal(ctx.db, data.word, id);
      const row = await ctx.db.sensitiveWord.update({ where: { id }, data });
      await ctx.catalog.invalidate({ kind: "sensitive_words" });
      audit(ctx, "sensitiveWords.update", { type: "sensitive_word", id }, { before, after: toWordView(row) });
      return toWordView(row);
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/delete", tags: ["sensitive-words"], summary: "Delete a sensitive word", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.sensitiveWord.findUnique({ where: { id: input.id } });
      if (!existing) throw notFound(input.id);
      await ctx.db.sensitiveWord.delete({ where: { id: input.id } });
      await ctx.catalog.invalidate({ kind: "sensitive_words" });
      audit(ctx, "sensitiveWords.delete", { type: "sensitive_word", id: input.id }, { before: toWordView(existing) });
      return { ok: true as const };
    }),

  test: adminProcedure
    .meta({ openapi: { method: "POST", path: "/sensitive-words/test", tags: ["sensitive-words"], summary: "Which enabled word a text matches, as the gateway decides it", protect: true } })
    .input(z.object({ text: z.string().min(1).max(100_000).describe("Text as a user would send it in a message") }))
    .output(z.object({ matched: z.boolean(), word: wordView.nullable() }))
    .query(async ({ ctx, input }) => {
      const hit = ctx.catalog.sensitiveWords().match([input.text]);
      const row = hit ? await ctx.db.sensitiveWord.findUnique({ where: { id: hit.id } }) : null;
      return { matched: !!row, word: row ? toWordView(row) : null };
    }),
});
