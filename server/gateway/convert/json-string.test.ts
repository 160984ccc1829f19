import { describe, expect, it } from "vitest";
import { readJsonString, readSmallInteger } from "./json-string.ts";

describe("readJsonString", () => {
  it.each(['"plain"', '""', '"ünïcode — ok"', '"esc \\"q\\" \\\\ \\n \\t \\u00e9 \\ud83d\\ude00"', '"a\\/b"'])("reads %s as JSON.parse does", (literal) => {
    const text = `{"k":${literal}}`;
    expect(readJsonString(text, 5)).toEqual({ value: JSON.parse(literal), end: 5 + literal.length });
  });

  it.each(['"unterminated', '"bad \\x escape"', '"raw\ncontrol"', "nostring", '"dangling \\'])("refuses %j", (literal) => {
    expect(readJsonString(literal, 0)).toBeUndefined();
  });
});

describe("readSmallInteger", () => {
  it("finds the end of the digits", () => {
    expect(readSmallInteger(":12,", 1)).toBe(3);
    expect(readSmallInteger(":0,", 1)).toBe(2);
  });
  it("refuses what JSON.parse would read otherwise or not at all", () => {
    expect(readSmallInteger(":01,", 1)).toBe(-1);
    expect(readSmallInteger(":-1,", 1)).toBe(-1);
    expect(readSmallInteger(":,", 1)).toBe(-1);
    expect(readSmallInteger(":1234567890,", 1)).toBe(10);
  });
});
