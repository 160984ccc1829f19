/**
 * How each channel reads its service's answer (robots answer 200 with an error code; what is
 * worth retrying), and how target configs are masked and merged on edit.
 */
import { describe, expect, it } from "vitest";
import { maskConfig, mergeConfig } from "../target-config.ts";
import { backoffMs, MAX_ATTEMPTS } from "../deliver.ts";
import { CHANNELS } from "./registry.ts";

describe("verdicts", () => {
  it("robots: errcode/code 0 is delivered; another code is refused, not retried; 429 and 5xx are retried", () => {
    expect(CHANNELS.wecom.verdict(200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true, retry: false });
    expect(CHANNELS.wecom.verdict(200, '{"errcode":45009,"errmsg":"api freq out of limit"}')).toEqual({ ok: false, retry: false, error: "errcode 45009: api freq out of limit" });
    expect(CHANNELS.dingtalk.verdict(200, '{"errcode":310000,"errmsg":"sign not match"}')).toMatchObject({ ok: false, retry: false });
    expect(CHANNELS.feishu.verdict(200, '{"code":0,"msg":"success"}')).toEqual({ ok: true, retry: false });
    expect(CHANNELS.feishu.verdict(200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}')).toMatchObject({ ok: false, retry: false });
    expect(CHANNELS.feishu.verdict(200, '{"StatusCode":0,"StatusMessage":"success"}')).toEqual({ ok: true, retry: false });
    expect(CHANNELS.wecom.verdict(200, "<html>")).toMatchObject({ ok: false, retry: false, error: "answer is not JSON" });
    expect(CHANNELS.wecom.verdict(502, "")).toMatchObject({ ok: false, retry: true });
    expect(CHANNELS.feishu.verdict(429, "")).toMatchObject({ ok: false, retry: true });
    expect(CHANNELS.dingtalk.verdict(404, "")).toMatchObject({ ok: false, retry: false });
  });

  it("telegram: ok:true only; 429 and 5xx retried", () => {
    expect(CHANNELS.telegram.verdict(200, '{"ok":true,"result":{}}')).toEqual({ ok: true, retry: false });
    expect(CHANNELS.telegram.verdict(400, '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}')).toEqual({ ok: false, retry: false, error: "HTTP 400: Bad Request: chat not found" });
    expect(CHANNELS.telegram.verdict(429, '{"ok":false,"description":"Too Many Requests: retry after 5"}')).toMatchObject({ ok: false, retry: true });
  });

  it("webhook: any 2xx; 408, 429 and 5xx retried", () => {
    expect(CHANNELS.webhook.verdict(204, "")).toEqual({ ok: true, retry: false });
    expect(CHANNELS.webhook.verdict(408, "")).toMatchObject({ retry: true });
    expect(CHANNELS.webhook.verdict(503, "")).toMatchObject({ retry: true });
    expect(CHANNELS.webhook.verdict(410, "")).toMatchObject({ retry: false });
  });

  it("backs off 1 s, 4 s, 16 s between at most 4 attempts, never over 30 s", () => {
    expect(MAX_ATTEMPTS).toBe(4);
    expect([1, 2, 3, 4, 5].map(backoffMs)).toEqual([1_000, 4_000, 16_000, 30_000, 30_000]);
  });
});

describe("configs", () => {
  it("masks URLs to scheme and host, secrets and tokens entirely", () => {
    expect(maskConfig("dingtalk", { url: "https://oapi.dingtalk.com/robot/send?access_token=abc", secret: "SECxyz" })).toEqual({ url: "https://oapi.dingtalk.com/****", secret: "****" });
    expect(maskConfig("telegram", { botToken: "1:abc", chatId: "-42", apiUrl: "https://api.telegram.org" })).toEqual({ botToken: "****", chatId: "-42", apiUrl: "https://api.telegram.org" });
  });

  it("keeps stored secrets for masked or empty submitted values, and takes new ones", () => {
    const stored = { url: "https://open.feishu.cn/open-apis/bot/v2/hook/abc", secret: "old-secret" };
    expect(mergeConfig("feishu", { url: "https://open.feishu.cn/****", secret: "****" }, stored)).toEqual(stored);
    expect(mergeConfig("feishu", { url: "", secret: "" }, stored)).toEqual(stored);
    expect(mergeConfig("feishu", { url: "https://open.feishu.cn/open-apis/bot/v2/hook/new", secret: "new" }, stored)).toEqual({ url: "https://open.feishu.cn/open-apis/bot/v2/hook/new", secret: "new" });
    // A masked value that is not this target's own is not a way to copy someone's secret.
    expect(mergeConfig("feishu", { url: "https://other.example/****" }, stored).url).toBe("https://other.example/****");
  });

  it("refuses configs that are not the type's", () => {
    expect(CHANNELS.wecom.schema.safeParse({ url: "javascript:alert(1)" }).success).toBe(false);
    expect(CHANNELS.webhook.schema.safeParse({ url: "https://x.example/h", secret: "has spaces in it, 16+" }).success).toBe(false);
    expect(CHANNELS.telegram.schema.safeParse({ botToken: "123:short", chatId: "1" }).success).toBe(false);
    expect(CHANNELS.telegram.schema.safeParse({ botToken: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", chatId: "@team_alerts" }).success).toBe(true);
  });
});
