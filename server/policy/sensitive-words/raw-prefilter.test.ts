import { describe, expect, it } from "vitest";
import { findSensitiveWord } from "./find.ts";
import { SensitiveWordMatcher, type SensitiveWordRule } from "./matcher.ts";
import { RawPrefilter, requiredLiteral } from "./raw-prefilter.ts";

/** JSON as Python's json.dumps writes it by default: every non-ASCII character as \uXXXX. */
function asciiJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

describe("required literal of a regex", () => {
  it("finds a run of plain characters every match contains", () => {
    expect(requiredLiteral("secret\\s+project\\s+\\d+")).toBe("project");
    expect(requiredLiteral("api[_-]?key\\s*=")).toBe("api");
    expect(requiredLiteral("ssn:\\s*\\d{3}")).toBe("ssn:");
    expect(requiredLiteral("colou?r-scheme")).toBe("r-scheme"); // the u is optional, so "colo" and "r-scheme" are separate
    expect(requiredLiteral("a\\.b\\.c")).toBe("a.b.c");
    expect(requiredLiteral("x(foo|bar)yz")).toBe("yz");
    expect(requiredLiteral("[[:alpha:]]]x")).toBe("]x");
  });

  it("gives none when no literal is certain", () => {
    expect(requiredLiteral("foo|bar")).toBeUndefined();
    expect(requiredLiteral("\\d{16}")).toBeUndefined();
    expect(requiredLiteral("(secret)")).toBeUndefined();
    expect(requiredLiteral("\\Qa.b\\E")).toBeUndefined();
    expect(requiredLiteral("ab*")).toBeUndefined(); // "a" alone is too short to be worth it
  });

  it("avoids k and s in case-insensitive patterns (RE2 folds them with non-ASCII letters)", () => {
    expect(requiredLiteral("(?i)bank password")).toBe("word");
  });
});

describe("raw body pre-check", () => {
  it("sees needles inside strings with escapes decoded, ignoring ASCII case", () => {
    const pre = new RawPrefilter(["project phoenix", "机密项目", 'say "hi"', "line1\nline2"]);
    expect(pre.usable).toBe(true);
    expect(pre.mayMatch(Buffer.from(JSON.stringify({ a: "about PROJECT Phoenix" })))).toBe(true);
    expect(pre.mayMatch(asciiJson({ a: "关于机密项目" }))).toBe(true);
    expect(pre.mayMatch(Buffer.from(JSON.stringify({ a: 'please say "HI"' })))).toBe(true);
    expect(pre.mayMatch(Buffer.from(JSON.stringify({ a: "line1\nline2" })))).toBe(true);
    expect(pre.mayMatch(Buffer.from(JSON.stringify({ a: "project", b: " phoenix" })))).toBe(false); // not across strings
    expect(pre.mayMatch(Buffer.from(JSON.stringify({ a: "nothing here" })))).toBe(false);
  });

  it("is not usable for letters it cannot fold byte-wise, or when asked not to be", () => {
    expect(new RawPrefilter(["Straße"]).usable).toBe(false);
    expect(new RawPrefilter(["ok"], true).usable).toBe(false);
    expect(new RawPrefilter([]).usable).toBe(false);
  });

  it("never hides a body the exact check would refuse", () => {
    const rules: SensitiveWordRule[] = [
      { id: 1, word: "Project Phoenix", matchType: "contains" },
      { id: 2, word: "机密项目", matchType: "contains" },
      { id: 3, word: "drop the tables", matchType: "exact" },
      { id: 4, word: "codename\\s+\\d{3}", matchType: "regex" },
      { id: 5, word: "(?i)token:\\s*[a-z0-9]{8}", matchType: "regex" },
    ];
    const matcher = new SensitiveWordMatcher(rules);
    expect(matcher.prefilter.usable).toBe(true);
    const texts = ["about project PHOENIX", "关于机密项目的讨论", " DROP the tables ", "codename\t042", "my TOKEN: abcd1234", "😀 codename 777", "harmless"];
    for (const text of texts) {
      const bodies = [
        { model: "m", messages: [{ role: "user", content: text }] },
        { model: "m", system: [{ type: "text", text }], messages: [] },
      ];
      for (const body of bodies) {
        const exact = matcher.match([text]);
        for (const bytes of [Buffer.from(JSON.stringify(body)), asciiJson(body)]) {
          expect(findSensitiveWord(matcher, "claude", bytes)).toEqual(exact);
          if (exact) expect(matcher.prefilter.mayMatch(bytes)).toBe(true);
        }
      }
    }
    expect(matcher.match(["harmless"])).toBeUndefined();
    expect(matcher.prefilter.mayMatch(Buffer.from(JSON.stringify({ messages: [{ role: "user", content: "harmless" }] })))).toBe(false);
  });

  it("passes a regex with no literal to the exact check", () => {
    const matcher = new SensitiveWordMatcher([{ id: 1, word: "\\d{16}", matchType: "regex" }]);
    expect(matcher.prefilter.usable).toBe(false);
    expect(findSensitiveWord(matcher, "openai-chat", Buffer.from(JSON.stringify({ messages: [{ role: "user", content: "card 1234567812345678" }] })))).toEqual({ id: 1, matchType: "regex" });
  });
});
