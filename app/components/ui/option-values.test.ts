import { describe, expect, it } from "vitest";
import { EMPTY_OPTION_ITEM_VALUE, fromItemValue, toItemValue } from "./option-values.ts";

describe("select option values", () => {
  it("gives the empty option a non-empty item value (Radix refuses an item valued \"\")", () => {
    expect(toItemValue("")).toBe(EMPTY_OPTION_ITEM_VALUE);
    expect(EMPTY_OPTION_ITEM_VALUE).not.toBe("");
  });

  it("maps the stand-in back to \"\" so the form submits what a native select would", () => {
    expect(fromItemValue(toItemValue(""))).toBe("");
  });

  it("leaves every other value as it is, both ways", () => {
    for (const value of ["0", "12", "user:3", "claude", "all", " "]) {
      expect(toItemValue(value)).toBe(value);
      expect(fromItemValue(value)).toBe(value);
    }
  });
});
