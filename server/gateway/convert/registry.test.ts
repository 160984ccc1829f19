import { describe, expect, it } from "vitest";
import { canConvert, codecFor, conversionLabel, CONVERTIBLE_FORMATS } from "./registry.ts";

describe("codec registry", () => {
  it("has a codec for every wire format, each naming its own format", () => {
    expect(CONVERTIBLE_FORMATS.sort()).toEqual(["claude", "gemini", "gemini-cli", "openai-chat", "openai-responses"]);
    for (const format of CONVERTIBLE_FORMATS) expect(codecFor(format)?.format).toBe(format);
  });

  it("converts between every two different formats and never a format to itself", () => {
    for (const from of CONVERTIBLE_FORMATS) {
      for (const to of CONVERTIBLE_FORMATS) expect(canConvert(from, to)).toBe(from !== to);
    }
    expect(conversionLabel("claude", "openai-chat")).toBe("claude → openai-chat");
  });
});
