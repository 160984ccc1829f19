import { describe, expect, it } from "vitest";
import { negotiateLang } from "./index.ts";

describe("the first visit's language from Accept-Language", () => {
  it("takes Chinese in any variant as zh-CN", () => {
    expect(negotiateLang("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(negotiateLang("zh-TW")).toBe("zh-CN");
    expect(negotiateLang("zh")).toBe("zh-CN");
  });

  it("follows the weights, not the order", () => {
    expect(negotiateLang("en;q=0.5, zh-CN;q=0.9")).toBe("zh-CN");
    expect(negotiateLang("zh-CN;q=0.4, en-GB")).toBe("en");
  });

  it("falls back to English for other languages, no header or nonsense", () => {
    expect(negotiateLang("fr-FR,de;q=0.8")).toBe("en");
    expect(negotiateLang(undefined)).toBe("en");
    expect(negotiateLang(";;;,q=,zh;q=0")).toBe("en");
  });
});
