import { describe, expect, it } from "vitest";
import { createFormatters } from "./format.ts";

describe("money in the display currency", () => {
  it("shows summaries to 2 decimals and details to full precision", () => {
    const fmt = createFormatters("en-US", "UTC");
    expect(fmt.money(1.5)).toBe("$1.50");
    expect(fmt.money(0.123456)).toBe("$0.12");
    expect(fmt.moneyExact(0.123456)).toBe("$0.123456");
    expect(fmt.moneyExact(12)).toBe("$12.00");
    expect(fmt.money(1234.567)).toBe("$1,234.57");
  });

  it("never rounds a positive fraction of a cent to $0.00 in a summary", () => {
    const fmt = createFormatters("en-US", "UTC");
    expect(fmt.money(0.000321)).toBe("<$0.01");
    expect(fmt.money(0)).toBe("$0.00");
    expect(fmt.money(0.005)).toBe("$0.01");
  });

  it("writes the dollar as $ in Chinese, not US$", () => {
    const fmt = createFormatters("zh-CN", "UTC");
    expect(fmt.money(3.2)).toBe("$3.20");
    expect(fmt.moneyExact(0.0042)).toBe("$0.0042");
  });

  it("converts with the admin's rate into CNY and EUR", () => {
    expect(createFormatters("en-US", "UTC", { code: "CNY", rate: 7.2 }).moneyExact(1.5)).toBe("¥10.80");
    expect(createFormatters("zh-CN", "UTC", { code: "CNY", rate: 7.2 }).money(10)).toBe("¥72.00");
    expect(createFormatters("en-US", "UTC", { code: "EUR", rate: 0.9 }).money(10)).toBe("€9.00");
  });

  it("ignores a leftover rate once the currency is back to USD, and leaves missing amounts as a dash", () => {
    const fmt = createFormatters("en-US", "UTC", { code: "USD", rate: 7.2 });
    expect(fmt.money(10)).toBe("$10.00");
    expect(fmt.money(null)).toBe("—");
    expect(fmt.moneyExact(Number.NaN)).toBe("—");
  });
});

describe("durations in human units", () => {
  const en = createFormatters("en-US", "UTC");
  const zh = createFormatters("zh-CN", "UTC");

  it("shows seconds, never milliseconds", () => {
    expect(en.duration(850)).toBe("0.85 s");
    expect(en.duration(1250)).toBe("1.25 s");
    expect(en.duration(12_345)).toBe("12.3 s");
    expect(zh.duration(850)).toBe("0.85 秒");
  });

  it("switches to minutes and hours for long requests", () => {
    expect(en.duration(125_000)).toBe("2 min 05 s");
    expect(en.duration(3_725_000)).toBe("1 h 02 min");
    expect(zh.duration(125_000)).toBe("2 分钟 05 秒");
  });

  it("leaves an unknown duration as a dash", () => {
    expect(en.duration(null)).toBe("—");
  });
});

describe("dates in the viewer's zone", () => {
  it("shows the time of day in the chosen zone with a 24-hour clock", () => {
    const fmt = createFormatters("en-US", "Asia/Shanghai");
    expect(fmt.time("2026-01-01T10:30:00Z")).toBe("18:30");
    expect(fmt.dateTime("2026-01-01T10:30:00Z")).toBe("01/01/2026, 18:30:00");
  });
});
