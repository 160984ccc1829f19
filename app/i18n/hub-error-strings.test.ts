/**
 * Every error the admin API reports with a code has a string in both languages, with the same
 * parameters as the hub's English; the list comes from the hub's own table, not from here.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HUB_ERROR_MESSAGES, hubError, type HubErrorCode } from "../../server/trpc/hub-errors.ts";
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
    // A parameter holding "|" (an upstream's error text) does not break the message apart.
    const sync = hubError("BAD_GATEWAY", "priceSyncFailed", { detail: "HTTP 503 | upstream down" });
    expect(translateServerMessage("zh-CN", trpcErrorMessage(sync))).toBe("价格同步失败：HTTP 503 ¦ upstream down。");
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

  it("keeps the hub's own explanation of a custom check (a bad pattern, a filter path)", () => {
    const cause = new z.ZodError([{ code: "custom", path: ["word"], message: "The pattern matches empty text, so it would refuse every request.", input: "" }]);
    expect(fieldErrorsFromTrpc({ code: "BAD_REQUEST", message: "x", cause })).toEqual({ word: "The pattern matches empty text, so it would refuse every request." });
  });
});
