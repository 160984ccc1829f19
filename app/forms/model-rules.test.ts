import { describe, expect, it } from "vitest";
import { formatAllowedModels, formatModelRedirects, parseAllowedModels, parseModelRedirects } from "./model-rules.ts";

describe("model rules as text", () => {
  it("reads exact names and match kinds, skipping blank lines", () => {
    expect(parseAllowedModels("claude-sonnet-4-5\n\n  prefix:claude-3-  \nregex:^gpt-4o")).toEqual({
      ok: true,
      value: [
        { match: "exact", pattern: "claude-sonnet-4-5" },
        { match: "prefix", pattern: "claude-3-" },
        { match: "regex", pattern: "^gpt-4o" },
      ],
    });
  });

  it("keeps a colon that is not a match kind as part of an exact name", () => {
    expect(parseAllowedModels("gpt-4o:online")).toEqual({ ok: true, value: [{ match: "exact", pattern: "gpt-4o:online" }] });
  });

  it("reads redirects with -> or => and reports the first bad line", () => {
    expect(parseModelRedirects("claude-3-opus-latest -> claude-opus-4-1\nprefix:claude-3- => claude-sonnet-4-5")).toEqual({
      ok: true,
      value: [
        { match: "exact", pattern: "claude-3-opus-latest", target: "claude-opus-4-1" },
        { match: "prefix", pattern: "claude-3-", target: "claude-sonnet-4-5" },
      ],
    });
    expect(parseModelRedirects("a -> b\nno arrow here")).toEqual({ ok: false, line: 2 });
    expect(parseModelRedirects("a -> ")).toEqual({ ok: false, line: 1 });
  });

  it("formats rules back to the text it reads", () => {
    const allowed = "claude-sonnet-4-5\nsuffix:-latest";
    const redirects = "claude-3-opus-latest -> claude-opus-4-1\ncontains:haiku -> claude-haiku-4-5";
    const parsedAllowed = parseAllowedModels(allowed);
    const parsedRedirects = parseModelRedirects(redirects);
    if (!parsedAllowed.ok || !parsedRedirects.ok) throw new Error("parse failed");
    expect(formatAllowedModels(parsedAllowed.value)).toBe(allowed);
    expect(formatModelRedirects(parsedRedirects.value)).toBe(redirects);
  });
});
