/**
 * The sensitive words page's work (manual §9.2): words and patterns that refuse a request before
 * it is forwarded (enforced by gateway/steps/check-sensitive-words.ts). Every save is validated
 * as the gateway will run it (RE2 syntax, bounded lengths, no empty word, no pattern that matches
 * empty text, the whole set within the matcher's size bound); a test runs a text through the
 * enabled set exactly as the gateway matches it.
 */
import type { Db } from "../db/database.ts";
import type { SensitiveWord } from "../generated/prisma/client.ts";
import { MAX_SENSITIVE_WORDS, MAX_TOTAL_WORD_LENGTH, SENSITIVE_MATCH_TYPES, sensitiveWordProblem, type SensitiveMatchType } from "../policy/sensitive-words/matcher.ts";
import { hubError, invalidValue } from "../trpc/hub-errors.ts";
import type { Services } from "../trpc/trpc.ts";

export interface WordFields {
  word: string;
  matchType: SensitiveMatchType;
  description: string;
  isEnabled: boolean;
}

export interface WordView extends WordFields {
  id: number;
  createdAt: string;
  updatedAt: string;
}

export function toWordView(row: SensitiveWord): WordView {
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
export function validatedWord<T extends { word: string; matchType: SensitiveMatchType }>(entry: T): T {
  const word = entry.matchType === "regex" ? entry.word : entry.word.trim();
  const problem = sensitiveWordProblem(word, entry.matchType);
  if (problem) throw invalidValue(problem, "word", entry.word);
  return { ...entry, word };
}

/**
 * Refuses a set that would pass the matcher's size bound (see matcher.ts): `stored` is every
 * saved word, `word` the one being saved, replacing the stored one `exceptId` on an edit.
 */
export function checkTotal(stored: ReadonlyArray<{ id: number; word: string }>, word: string, exceptId?: number): void {
  const total = stored.reduce((sum, r) => sum + (r.id === exceptId ? 0 : r.word.length), word.length);
  if (stored.length - (exceptId === undefined ? 0 : 1) >= MAX_SENSITIVE_WORDS) {
    throw hubError("BAD_REQUEST", "sensitiveWordsTooMany", { max: MAX_SENSITIVE_WORDS });
  }
  if (total > MAX_TOTAL_WORD_LENGTH) {
    throw hubError("BAD_REQUEST", "sensitiveWordsTooLong", { max: MAX_TOTAL_WORD_LENGTH, total });
  }
}

async function checkTotalAgainstStored(db: Db, word: string, exceptId?: number): Promise<void> {
  checkTotal(await db.sensitiveWord.findMany({ select: { id: true, word: true } }), word, exceptId);
}

type WordDeps = Pick<Services, "db" | "catalog">;

const notFound = (id: number) => hubError("NOT_FOUND", "sensitiveWordNotFound", { id });

async function existingWord(db: Db, id: number): Promise<SensitiveWord> {
  const row = await db.sensitiveWord.findUnique({ where: { id } });
  if (!row) throw notFound(id);
  return row;
}

export async function listWords(db: Db): Promise<WordView[]> {
  const rows = await db.sensitiveWord.findMany({ orderBy: { id: "asc" } });
  return rows.map(toWordView);
}

export async function createWord(deps: WordDeps, input: WordFields): Promise<WordView> {
  const data = validatedWord(input);
  await checkTotalAgainstStored(deps.db, data.word);
  const row = await deps.db.sensitiveWord.create({ data });
  await deps.catalog.invalidate({ kind: "sensitive_words" });
  return toWordView(row);
}

/** Omitted fields stay as they are; the before and after, for the audit log. */
export async function updateWord(deps: WordDeps, id: number, changes: Partial<WordFields>): Promise<{ before: WordView; after: WordView }> {
  const before = toWordView(await existingWord(deps.db, id));
  const data = validatedWord({ word: before.word, matchType: before.matchType, ...changes });
  await checkTotalAgainstStored(deps.db, data.word, id);
  const row = await deps.db.sensitiveWord.update({ where: { id }, data });
  await deps.catalog.invalidate({ kind: "sensitive_words" });
  return { before, after: toWordView(row) };
}

/** The deleted word as it was, for the audit log. */
export async function deleteWord(deps: WordDeps, id: number): Promise<WordView> {
  const before = toWordView(await existingWord(deps.db, id));
  await deps.db.sensitiveWord.delete({ where: { id } });
  await deps.catalog.invalidate({ kind: "sensitive_words" });
  return before;
}

/** Which enabled word a text matches, as the gateway decides it. */
export async function testWords(deps: WordDeps, text: string): Promise<{ matched: boolean; word: WordView | null }> {
  const hit = deps.catalog.sensitiveWords().match([text]);
  const row = hit ? await deps.db.sensitiveWord.findUnique({ where: { id: hit.id } }) : null;
  return { matched: !!row, word: row ? toWordView(row) : null };
}
