import { describe, expect, it } from "vitest";
import { boundRow, boundText, INDEXED_TEXT_MAX_CHARS, TEXT_MAX_CHARS } from "./row-bounds.ts";
import { classifyWriteError } from "./write-errors.ts";

describe("boundText", () => {
  it("cuts a long string, marks the cut, and never splits a surrogate pair", () => {
    expect(boundText("abcdef", 4)).toBe("abc…");
    // "a😀…": the cut would fall inside the emoji, so it falls before it.
    expect(boundText("ab\u{1F600}cd", 4)).toBe("ab…");
    expect(boundText("short", 10)).toBe("short");
  });

  it("replaces the characters PostgreSQL text cannot hold", () => {
    expect(boundText("a\u0000b\ud800c\udc00d\u{1F600}", 100)).toBe("a\ufffdb\ufffdc\ufffdd\u{1F600}");
  });

  it("keeps an indexed column far below the btree entry limit even in 4-byte characters", () => {
    const row = boundRow({ model: "\u{1F600}".repeat(5_000), errorMessage: "x".repeat(100_000), tokens: 5 }, new Set(["model"]));
    expect(Buffer.byteLength(row.model)).toBeLessThanOrEqual(INDEXED_TEXT_MAX_CHARS * 4);
    expect(Buffer.byteLength(row.model)).toBeLessThan(2_704);
    expect(row.errorMessage.length).toBe(TEXT_MAX_CHARS);
    expect(row.tokens).toBe(5);
  });
});

describe("classifyWriteError", () => {
  it("tells rows the database refuses from a database that is away", () => {
    expect(classifyWriteError(Object.assign(new Error("index row size 3016 exceeds btree version 4 maximum 2704"), { code: "54000" }))).toBe("refused");
    expect(classifyWriteError(Object.assign(new Error("integer out of range"), { code: "22003" }))).toBe("refused");
    expect(classifyWriteError(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe("refused");
    expect(classifyWriteError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe("unavailable");
    expect(classifyWriteError(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe("unavailable");
    expect(classifyWriteError(new Error("Connection terminated unexpectedly"))).toBe("unavailable");
  });
});
