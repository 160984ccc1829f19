import { describe, expect, it } from "vitest";
import { DEFAULT_ERROR_RULES } from "../../server/domain/error-rules.ts";
import { translateMessage } from "../i18n/index.ts";
import { CODE_KEYS } from "./hub-messages.ts";

const zh = (text: string) => translateMessage("zh-CN", text);

describe("the hub's own messages in Chinese", () => {
  it("translates a money-limit refusal with what is spent and what is held", () => {
    expect(
      zh("The user's 5-hour spending limit is reached: $0.0900 spent + $0.2100 held by requests in flight, limit $0.3000. It is a rolling window: room frees up as requests in flight finish and as older spend leaves it."),
    ).toBe("用户的5 小时限额已用尽：已花费 $0.0900，另有进行中请求占用 $0.2100，限额 $0.3000。这是滚动窗口：进行中的请求结束、较早的花费移出窗口后额度会释放。");
    expect(zh("The API key's daily spending limit is reached: $5.00 spent, limit $5.00. It resets at 2026-12-08T00:00:00.000Z.")).toContain("将于 2026-12-08T00:00:00.000Z 重置。");
  });

  it("translates rate limits, login failures and the member view's classified errors", () => {
    expect(zh("The user's requests per minute is reached: 30 of 30.")).toContain("30 / 30");
    expect(zh("Invalid token.")).toBe("令牌无效。");
    expect(zh("The upstream answered with an error. (HTTP 429)")).toBe("上游返回了错误。（HTTP 429）");
  });

  it("has a translation for every built-in error-rule description", () => {
    for (const rule of DEFAULT_ERROR_RULES) expect(zh(rule.description), rule.description).not.toBe(rule.description);
  });

  it("leaves English alone, and unknown text (an upstream's own words) as it is", () => {
    expect(translateMessage("en", "Invalid token.")).toBe("Invalid token.");
    expect(zh("organization org-7 exceeded its quota")).toBe("organization org-7 exceeded its quota");
  });

  it("names every error-rule category", async () => {
    const { RULE_CATEGORIES } = await import("../forms/rule-form.ts");
    for (const category of RULE_CATEGORIES) expect(CODE_KEYS[category], category).toBeDefined();
  });
});
