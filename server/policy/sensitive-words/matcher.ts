/**
 * Sensitive words (manual §9.2): the rules an admin saves, their validation, and the matcher the
 * gateway runs on the text a user sends.
 *
 * - contains: the word anywhere in a text, ignoring case — all of them in one Aho-Corasick pass.
 * - exact: a whole text (one message, one system prompt) equals the word, ignoring case and the
 *   whitespace around it.
 * - regex: RE2 syntax run by re2js, a linear-time engine, so no pattern can backtrack
 *   catastrophically on a hostile body. Case-sensitive unless the pattern starts with (?i): the
 *   case-insensitive mode is several times slower on long texts (see docs/decisions/0017).
 *
 * Texts are matched one by one: a word split across two messages is not a match.
 */
import { RE2JS } from "re2js";
import { AhoCorasick, foldCase } from "./aho-corasick.ts";
import { RawPrefilter, requiredLiteral } from "./raw-prefilter.ts";
import { validationProblem, type ValidationProblem } from "../../domain/validation-problems.ts";

export type SensitiveMatchType = "contains" | "exact" | "regex";
export const SENSITIVE_MATCH_TYPES: readonly SensitiveMatchType[] = ["contains", "exact", "regex"];

/** Bounds on what an admin may save: the matcher's size and compile time stay small. */
export const MAX_WORD_LENGTH = 200;
export const MAX_PATTERN_LENGTH = 500;
export const MAX_SENSITIVE_WORDS = 2000;
/**
 * The automata have one state per character of the words: their total length bounds the memory
 * of the matcher (about 1 KiB per character with the pre-check's table).
 */
export const MAX_TOTAL_WORD_LENGTH = 20_000;

export interface SensitiveWordRule {
  id: number;
  word: string;
  matchType: SensitiveMatchType;
}

export interface SensitiveWordHit {
  id: number;
  matchType: SensitiveMatchType;
}

/** Why a word cannot be saved (coded, so the dashboard can say it in Chinese), or undefined when it can. */
export function sensitiveWordProblem(word: string, matchType: SensitiveMatchType): ValidationProblem | undefined {
  if (!word.trim()) return validationProblem("sensitiveWordEmpty");
  if (matchType !== "regex") {
    if (word.length > MAX_WORD_LENGTH) return validationProblem("sensitiveWordTooLong", { max: MAX_WORD_LENGTH, length: word.length });
    return undefined;
  }
  if (word.length > MAX_PATTERN_LENGTH) return validationProblem("sensitivePatternTooLong", { max: MAX_PATTERN_LENGTH, length: word.length });
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(word);
  } catch (error) {
    // re2js explains the fault and where ("missing closing )", "invalid or unsupported Perl syntax: `(?=`").
    return validationProblem("sensitivePatternInvalid", { detail: (error as Error).message });
  }
  if (compiled.test("")) return validationProblem("sensitivePatternMatchesEmpty");
  return undefined;
}

export class SensitiveWordMatcher {
  private readonly containsIds: number[];
  private readonly contains: AhoCorasick | undefined;
  /** Lower-cased word → rule id. */
  private readonly exact = new Map<string, number>();
  private readonly exactMaxLength: number;
  private readonly regexes: Array<{ id: number; re: RE2JS }> = [];
  /** The pre-check on raw body bytes (see raw-prefilter.ts). */
  readonly prefilter: RawPrefilter;

  /** Rules that do not validate are skipped (they were refused at save time; this covers SQL by hand). */
  constructor(rules: readonly SensitiveWordRule[]) {
    const contains = rules.filter((r) => r.matchType === "contains" && !sensitiveWordProblem(r.word, "contains"));
    this.containsIds = contains.map((r) => r.id);
    this.contains = contains.length ? new AhoCorasick(contains.map((r) => r.word)) : undefined;
    let max = 0;
    for (const r of rules) {
      if (r.matchType === "exact" && !sensitiveWordProblem(r.word, "exact")) {
        const key = foldCase(r.word.trim());
        if (!this.exact.has(key)) this.exact.set(key, r.id);
        max = Math.max(max, key.length);
      } else if (r.matchType === "regex" && !sensitiveWordProblem(r.word, "regex")) {
        this.regexes.push({ id: r.id, re: RE2JS.compile(r.word) });
      }
    }
    this.exactMaxLength = max;
    const needles = [...contains.map((r) => r.word), ...this.exact.keys()];
    let unusable = false;
    for (const { re } of this.regexes) {
      const literal = requiredLiteral(re.pattern());
      if (literal === undefined) unusable = true;
      else needles.push(literal);
    }
    this.prefilter = new RawPrefilter(needles, unusable);
  }

  /** True when no rule is enabled: the gateway then skips the check entirely. */
  get empty(): boolean {
    return !this.contains && !this.exact.size && !this.regexes.length;
  }

  /** The first rule a text matches (contains, then exact, then regex), or undefined. */
  match(texts: readonly string[]): SensitiveWordHit | undefined {
    if (this.contains) {
      for (const text of texts) {
        const index = this.contains.search(text);
        if (index >= 0) return { id: this.containsIds[index], matchType: "contains" };
      }
    }
    if (this.exact.size) {
      for (const text of texts) {
        // Only a text about as long as a word can equal one: long texts are never trimmed or copied.
        if (text.length > this.exactMaxLength + 64) continue;
        const id = this.exact.get(foldCase(text.trim()));
        if (id !== undefined) return { id, matchType: "exact" };
      }
    }
    for (const { id, re } of this.regexes) {
      for (const text of texts) if (re.test(text)) return { id, matchType: "regex" };
    }
    return undefined;
  }
}
