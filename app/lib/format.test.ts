import { describe, expect, it } from "vitest";
import { createFormatters } from "./format.ts";

describe("money in the display currency", () => {
  it("shows US dollars as stored", () => {
    const fmt = createFormatters("en-US", "UTC");
    expect(fmt.money(1.5)).toBe("$1.5000");
    expect(fmt.moneyShort(12)).toBe("$12.00");
  });

  it("converts with the admin's rate into CNY and EUR", () => {
    expect(createFormatters("en-US", "UTC", { code: "CNY", rate: 7.2 }).money(1.5)).toBe("CN¥10.8000");
    expect(createFormatters("zh-CN", "UTC", { code: "CNY", rate: 7.2 }).moneyShort(10)).toBe("¥72.00");
    expect(createFormatters("en-US", "UTC", { code: "EUR", rate: 0.9 }).moneyShort(10)).toBe("€9.00");
  });

  it("ignores a leftover rate once the currency is back to USD, and leaves missing amounts as a dash", () => {
    const fmt = createFormatters("en-US", "UTC", { code: "USD", rate: 7.2 });
    expect(fmt.moneyShort(10)).toBe("$10.00");
    expect(fmt.money(null)).toBe("—");
  });
});
