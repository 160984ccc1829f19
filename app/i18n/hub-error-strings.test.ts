/**
 * Every error the admin API reports with a code has a string in both languages, with the same
 * parameters as the hub's English; the list comes from the hub's own table, not from here.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileFilter, FilterRuleError, type FilterDefinition } from "../../server/domain/request-filters/rules.ts";
import { VALIDATION_MESSAGES } from "../../server/domain/validation-problems.ts";
import { CHANNELS } from "../../server/notifications/channels/registry.ts";
import { sensitiveWordProblem } from "../../server/policy/sensitive-words/matcher.ts";
import { HUB_ERROR_MESSAGES, hubError, invalidValue, refusalFromZod, type HubErrorCode } from "../../server/trpc/hub-errors.ts";
import { fieldErrorsFromTrpc, trpcErrorMessage } from "../lib/trpc-errors.ts";
import { en } from "./en.ts";
import { isMessageKey, translateServerMessage } from "./index.ts";
import { zhCN } from "./zh-CN.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const codes = Object.keys(HUB_ERROR_MESSAGES) as HubErrorCode[];

describe("the admin API's coded errors in the dashboard", () => {
  it("has an English and a Chinese string for every code, with the hub's parameters", () => {
    expect(codes.length).toBeGreaterThan(20);
    for (const code of codes) {
      const key = `err.${code}`;
      expect(isMessageKey(key), key).toBe(true);
      if (!isMessageKey(key)) continue;
      const wanted = placeholders(HUB_ERROR_MESSAGES[code]);
      expect(placeholders(en[key]), `${key} (en)`).toEqual(wanted);
      expect(placeholders(zhCN[key]), `${key} (zh-CN)`).toEqual(wanted);
      expect(zhCN[key], `${key} (zh-CN)`).not.toBe(en[key]);
      expect(zhCN[key]).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("shows a coded error in Chinese with its parameters, and in English as the hub says it", () => {
    const error = hubError("NOT_FOUND", "providerNotFound", { id: 42 });
    expect(error.message).toBe("Provider 42 not found.");
    expect(translateServerMessage("zh-CN", trpcErrorMessage(error))).toBe("找不到供应商 42。");
    expect(translateServerMessage("en", trpcErrorMessage(error))).toBe("Provider 42 not found.");
    // A parameter holding "|" or "%" (an upstream's error text) does not break the message apart, and is shown as it came.
    const sync = hubError("BAD_GATEWAY", "priceSyncFailed", { detail: "HTTP 503 | upstream down (100%7C)" });
    expect(translateServerMessage("zh-CN", trpcErrorMessage(sync))).toBe("价格同步失败：HTTP 503 | upstream down (100%7C)。");
  });

  it("marks a hub message it cannot translate as English, rather than passing it off", () => {
    const raw = { code: "INTERNAL_SERVER_ERROR", message: "Something nobody planned for." };
    expect(translateServerMessage("zh-CN", trpcErrorMessage(raw))).toBe("服务器消息（英文原文，暂无翻译）：Something nobody planned for.");
    expect(translateServerMessage("en", trpcErrorMessage(raw))).toBe("Something nobody planned for.");
  });
});

describe("the admin API's input checks as field errors", () => {
  // Real zod issues of the kinds the routers' input schemas produce.
  const schema = z.object({
    count: z.number().int().min(1).max(5),
    small: z.number().min(10),
    name: z.string().min(1).max(5),
    code: z.string().min(3),
    tags: z.array(z.string()).max(1),
    some: z.array(z.string()).min(2),
    kind: z.enum(["a", "b"]),
    url: z.url(),
    at: z.iso.datetime(),
    flag: z.boolean(),
    whole: z.number().int(),
  });
  const input = { count: 9, small: 1, name: "", code: "ab", tags: ["x", "y"], some: ["x"], kind: "c", url: "nope", at: "yesterday", flag: "yes", whole: 1.5 };

  it("turns every issue into a dictionary key that both languages have", () => {
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    const fieldErrors = fieldErrorsFromTrpc({ code: "BAD_REQUEST", message: "x", cause: parsed.error });
    expect(Object.keys(fieldErrors).sort()).toEqual(Object.keys(input).sort());
    for (const [field, message] of Object.entries(fieldErrors)) {
      const key = message.split("|")[0];
      expect(isMessageKey(key), `${field}: ${message}`).toBe(true);
      expect(translateServerMessage("zh-CN", message), field).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(fieldErrors).toMatchObject({
      count: "form.atMost|max=5",
      small: "form.atLeast|min=10",
      name: "form.required",
      code: "form.tooShort|min=3",
      tags: "form.tooMany|max=1",
      some: "form.tooFew|min=2",
      kind: "form.invalidChoice",
      url: "form.httpUrl",
      at: "form.dateTime",
      flag: "form.invalid",
      whole: "form.integer",
    });
  });

  it("keeps the text of a custom check that has no code (marked as English in Chinese)", () => {
    const cause = new z.ZodError([{ code: "custom", path: ["word"], message: "Something only the hub knows.", input: "" }]);
    const fieldErrors = fieldErrorsFromTrpc({ code: "BAD_REQUEST", message: "x", cause });
    expect(fieldErrors).toEqual({ word: "Something only the hub knows." });
    expect(translateServerMessage("zh-CN", fieldErrors.word)).toBe("服务器消息（英文原文，暂无翻译）：Something only the hub knows.");
  });
});

describe("the hub's explanations of a value it cannot save", () => {
  const filter = (overrides: Partial<FilterDefinition>): FilterDefinition => ({
    id: 1,
    name: "f",
    phase: "request",
    scope: "body",
    action: "set",
    target: "metadata.team",
    matchPattern: null,
    value: "x",
    priority: 0,
    isEnabled: true,
    bindingType: "global",
    providerIds: [],
    groupTags: [],
    ...overrides,
  });
  const refusalOf = (def: FilterDefinition) => {
    try {
      compileFilter(def);
    } catch (error) {
      if (error instanceof FilterRuleError) return invalidValue(error.problem, error.field);
      throw error;
    }
    throw new Error("the filter compiled");
  };

  it("are all in the table of coded errors", () => {
    for (const code of Object.keys(VALIDATION_MESSAGES)) expect(code in HUB_ERROR_MESSAGES, code).toBe(true);
  });

  it("a sensitive-word pattern RE2 refuses: Chinese sentence, the engine's words inside it; English unchanged", () => {
    const refusal = invalidValue(sensitiveWordProblem("(?=x)", "regex")!, "word", "(?=x)");
    const detail = "error parsing regexp: invalid or unsupported Perl syntax: `(?=`";
    expect(refusal.message).toBe(`The pattern is not a valid RE2 regular expression: ${detail}. Lookarounds and backreferences are not supported.`);
    expect(refusal.hubCode).toBe("sensitivePatternInvalid");
    const { word } = fieldErrorsFromTrpc(refusal);
    expect(translateServerMessage("zh-CN", word)).toBe(`该模式不是有效的 RE2 正则表达式（不支持环视和反向引用）。正则引擎的说明：${detail}`);
    expect(translateServerMessage("en", word)).toBe(refusal.message);
  });

  it("a regex diagnosis holding | and % is shown exactly as the engine said it", () => {
    const problem = sensitiveWordProblem("(a|b%", "regex")!;
    expect(problem.vars.detail).toContain("(a|b%");
    const { word } = fieldErrorsFromTrpc(invalidValue(problem, "word"));
    expect(translateServerMessage("zh-CN", word)).toContain(`正则引擎的说明：${problem.vars.detail}`);
  });

  it("a request filter's path and fields: on the right field, in Chinese", () => {
    const path = refusalOf(filter({ target: "metadata[" }));
    expect(path.message).toBe(`Invalid path "metadata[": a '[' is not closed`);
    expect(fieldErrorsFromTrpc(path)).toEqual({ target: "err.filterPathUnclosed|path=metadata[" });
    expect(translateServerMessage("zh-CN", fieldErrorsFromTrpc(path).target)).toBe("路径“metadata[”无效：有一个“[”没有闭合。");

    const bracket = refusalOf(filter({ target: 'messages["\\x"]' }));
    expect(bracket.hubCode).toBe("filterPathBadBracket");
    expect(translateServerMessage("zh-CN", fieldErrorsFromTrpc(bracket).target)).toBe('路径“messages["\\x"]”无效：“["\\x"]”既不是下标、[*]，也不是带引号的名称。');

    const header = refusalOf(filter({ scope: "header", target: "Authorization", action: "delete" }));
    expect(header.message).toBe('The header "authorization" carries credentials or framing the hub sets itself; filters may not change it.');
    expect(translateServerMessage("zh-CN", fieldErrorsFromTrpc(header).target)).toBe("头部“authorization”承载凭据或由 Hub 自己设置的传输信息，过滤器不能修改它。");

    const pattern = refusalOf(filter({ action: "replace", target: "system", matchPattern: "(?<=a)b" }));
    expect(pattern.hubCode).toBe("filterPatternInvalid");
    expect(translateServerMessage("zh-CN", fieldErrorsFromTrpc(pattern).matchPattern)).toMatch(/^不是有效的正则表达式（RE2 语法：不支持环视和反向引用）。正则引擎的说明：.*\(\?<=/);

    const binding = refusalOf(filter({ bindingType: "groups" }));
    expect(translateServerMessage("zh-CN", fieldErrorsFromTrpc(binding).bindingType)).toBe("按分组生效的过滤器至少需要一个供应商分组。");
  });

  it("a notification channel's config: each field's reason in Chinese", () => {
    const webhook = CHANNELS.webhook.schema.safeParse({ url: "ftp://example.com/h", secret: "with spaces in it!" });
    expect(webhook.success).toBe(false);
    const refusal = refusalFromZod(webhook.error!, "invalid");
    expect(refusal.message).toBe("Enter an http:// or https:// URL");
    const fields = fieldErrorsFromTrpc(refusal);
    expect(translateServerMessage("zh-CN", fields.url)).toBe("请输入以 http:// 或 https:// 开头的 URL。");
    expect(translateServerMessage("zh-CN", fields.secret)).toBe("只能包含可打印字符，且不能有空格。");

    const telegram = CHANNELS.telegram.schema.safeParse({ botToken: "nope", chatId: "not a chat" });
    const telegramFields = fieldErrorsFromTrpc(refusalFromZod(telegram.error!, "invalid"));
    expect(telegram.error!.issues.map((i) => i.message)).toEqual(["A bot token looks like 123456:ABC-DEF…", "A numeric chat id or @channelname"]);
    expect(translateServerMessage("zh-CN", telegramFields.botToken)).toBe("机器人令牌的格式形如 123456:ABC-DEF…");
    expect(translateServerMessage("zh-CN", telegramFields.chatId)).toBe("请填写数字聊天 ID 或 @频道名。");
  });

  it("a refusal whose first issue has no code keeps zod's words and no code", () => {
    const parsed = z.object({ n: z.number() }).safeParse({ n: "x" });
    const refusal = refusalFromZod(parsed.error!, "invalid");
    expect(refusal).not.toHaveProperty("hubCode");
    expect(refusal.message).toBe(parsed.error!.issues[0].message);
  });
});
