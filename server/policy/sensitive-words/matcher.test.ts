import { describe, expect, it } from "vitest";
import { AhoCorasick } from "./aho-corasick.ts";
import { SensitiveWordMatcher, sensitiveWordProblem, type SensitiveWordRule } from "./matcher.ts";
import { userTexts } from "./user-texts.ts";

const rule = (id: number, word: string, matchType: SensitiveWordRule["matchType"] = "contains"): SensitiveWordRule => ({ id, word, matchType });

describe("Aho-Corasick search", () => {
  it("finds any of many words in one pass, ignoring case, in ASCII and CJK", () => {
    const ac = new AhoCorasick(["he", "she", "hers", "机密项目", "Straße"]);
    expect(ac.search("nothing here?")).toBe(0); // "he" inside "here"
    expect(ac.search("USHERS")).toBe(0); // "she" and "he" end at the same place: lowest index wins
    expect(ac.search("关于机密项目的讨论")).toBe(3);
    expect(ac.search("die STRASSE")).toBe(-1);
    expect(ac.search("die STRAßE")).toBe(4);
    expect(ac.search("机密 项目")).toBe(-1);
    expect(ac.search("")).toBe(-1);
  });

  it("follows fail links across overlapping prefixes", () => {
    const ac = new AhoCorasick(["abcd", "bcx", "项目组"]);
    expect(ac.search("abcx")).toBe(1);
    expect(ac.search("项项目目项目组")).toBe(2);
    expect(ac.search("abcabd")).toBe(-1);
  });
});

describe("sensitive word matcher", () => {
  const matcher = new SensitiveWordMatcher([rule(1, "Project Phoenix"), rule(2, "drop it", "exact"), rule(3, "secret\\s+key\\s*=\\s*\\w{6,}", "regex"), rule(4, "(?i)bank pin", "regex")]);

  it("reports the rule a text matches, by type", () => {
    expect(matcher.match(["tell me about project phoenix please"])).toEqual({ id: 1, matchType: "contains" });
    expect(matcher.match(["  DROP IT \n"])).toEqual({ id: 2, matchType: "exact" });
    expect(matcher.match(["please drop it now"])).toBeUndefined(); // exact means the whole text
    expect(matcher.match(["my secret key = abcdef123"])).toEqual({ id: 3, matchType: "regex" });
    expect(matcher.match(["my SECRET key = abcdef123"])).toBeUndefined(); // regexes are case-sensitive…
    expect(matcher.match(["what is my BANK PIN"])).toEqual({ id: 4, matchType: "regex" }); // …unless (?i)
  });

  it("does not match a word split across two texts", () => {
    expect(matcher.match(["project", "phoenix"])).toBeUndefined();
  });

  it("is empty with no usable rule, and skips rules that would not validate", () => {
    expect(new SensitiveWordMatcher([]).empty).toBe(true);
    expect(new SensitiveWordMatcher([rule(1, "  "), rule(2, "(unclosed", "regex")]).empty).toBe(true);
  });

  it("runs a pattern that backtracks catastrophically in JavaScript in linear time", () => {
    const evil = new SensitiveWordMatcher([rule(1, "(a+)+$x", "regex"), rule(2, "(x+x+)+y", "regex")]);
    // With RegExp this input takes longer than the test timeout; RE2 answers at once.
    expect(evil.match(["a".repeat(50_000) + "!", "x".repeat(50_000)])).toBeUndefined();
  });
});

describe("sensitive word validation", () => {
  it("refuses what cannot be saved, with the reason", () => {
    expect(sensitiveWordProblem("", "contains")?.message).toMatch(/empty/);
    expect(sensitiveWordProblem("x".repeat(201), "contains")?.message).toMatch(/at most 200/);
    expect(sensitiveWordProblem("x".repeat(501), "regex")?.message).toMatch(/at most 500/);
    expect(sensitiveWordProblem("(unclosed", "regex")?.message).toMatch(/not a valid RE2 regular expression: .*missing closing \)/);
    expect(sensitiveWordProblem("(?=lookahead)", "regex")?.message).toMatch(/Lookarounds and backreferences are not supported/);
    expect(sensitiveWordProblem("a*", "regex")?.message).toMatch(/matches empty text/);
    expect(sensitiveWordProblem("secret\\d+", "regex")).toBeUndefined();
    expect(sensitiveWordProblem("机密", "exact")).toBeUndefined();
  });

  it("names each reason by a code, with the engine's own words as a parameter", () => {
    expect(sensitiveWordProblem(" ", "exact")).toMatchObject({ code: "sensitiveWordEmpty", vars: {} });
    expect(sensitiveWordProblem("x".repeat(201), "contains")).toMatchObject({ code: "sensitiveWordTooLong", vars: { max: 200, length: 201 } });
    expect(sensitiveWordProblem("x".repeat(501), "regex")).toMatchObject({ code: "sensitivePatternTooLong", vars: { max: 500, length: 501 } });
    const invalid = sensitiveWordProblem("(unclosed", "regex");
    expect(invalid?.code).toBe("sensitivePatternInvalid");
    expect(invalid?.vars.detail).toMatch(/missing closing \)/);
    expect(invalid?.message).toBe(`The pattern is not a valid RE2 regular expression: ${invalid?.vars.detail}. Lookarounds and backreferences are not supported.`);
    expect(sensitiveWordProblem("a*", "regex")?.code).toBe("sensitivePatternMatchesEmpty");
  });
});

describe("user texts of each request format", () => {
  it("Messages: system (string or blocks), message strings, text blocks and tool results", () => {
    const body = {
      system: [{ type: "text", text: "sys" }],
      tools: [{ name: "t", description: "not user text" }],
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: [{ type: "text", text: "b" }, { type: "image", source: {} }, { type: "tool_result", content: [{ type: "text", text: "c" }] }] },
      ],
    };
    expect(userTexts("claude", body)).toEqual(["sys", "a", "b", "c"]);
    expect(userTexts("claude", { system: "s", messages: [] })).toEqual(["s"]);
  });

  it("Chat, Responses, Gemini and Gemini CLI", () => {
    expect(userTexts("openai-chat", { messages: [{ role: "system", content: "s" }, { role: "user", content: [{ type: "text", text: "u" }] }] })).toEqual(["s", "u"]);
    expect(userTexts("openai-responses", { instructions: "i", input: "x" })).toEqual(["i", "x"]);
    expect(userTexts("openai-responses", { input: [{ role: "user", content: [{ type: "input_text", text: "y" }] }, { type: "function_call_output", output: "o" }] })).toEqual(["y", "o"]);
    const gemini = { systemInstruction: { parts: [{ text: "g" }] }, contents: [{ role: "user", parts: [{ text: "h" }, { inlineData: {} }] }] };
    expect(userTexts("gemini", gemini)).toEqual(["g", "h"]);
    expect(userTexts("gemini-cli", { model: "m", request: gemini })).toEqual(["g", "h"]);
  });

  it("contributes nothing for fields of an unexpected shape", () => {
    expect(userTexts("claude", { messages: 3, system: { x: 1 } })).toEqual([]);
    expect(userTexts("gemini", null)).toEqual([]);
  });
});
