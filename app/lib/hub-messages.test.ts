import { describe, expect, it } from "vitest";
import { DEFAULT_ERROR_RULES } from "../../server/domain/error-rules.ts";
import { translate, translateMessage } from "../i18n/index.ts";
import { createFormatters } from "./format.ts";
import { FILTER_ACTIONS, FILTER_BINDINGS, FILTER_PHASES, FILTER_SCOPES } from "../forms/filter-form.ts";
import { BLOCKED_BY_KEYS, CODE_KEYS, codeLabel, ERROR_TYPE_KEYS, FILTER_WORD_KEYS } from "./hub-messages.ts";

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

  it("translates the refusals a member finds in their requests: sensitive words, clients, versions, body size", () => {
    expect(zh("The request contains content this hub does not accept (sensitive word rule #7).")).toBe("请求包含本站不接受的内容（敏感词规则 #7）。");
    expect(zh('This user may not use this client (codex-cli): it is blocked by the rule "codex-cli".')).toBe("该用户不能使用此客户端（codex-cli）：被规则“codex-cli”禁止。");
    expect(zh("This user may not use this client (gemini-cli): it is not in the user's allowed clients.")).toBe("该用户不能使用此客户端（gemini-cli）：它不在该用户允许的客户端列表中。");
    expect(zh("claude-cli 1.0.3 is older than the minimum version 1.0.80 this hub accepts; please upgrade it.")).toBe("claude-cli 1.0.3 低于本站要求的最低版本 1.0.80，请升级。");
    expect(zh("The request body exceeds the limit of 1048576 bytes (MAX_REQUEST_BODY_BYTES).")).toBe("请求体超过 1048576 字节的上限（MAX_REQUEST_BODY_BYTES）。");
    // A text that only starts like a template is not taken for it.
    expect(zh("The request body exceeds the limit of 10 bytes (MAX_REQUEST_BODY_BYTES). And more.")).toBe("The request body exceeds the limit of 10 bytes (MAX_REQUEST_BODY_BYTES). And more.");
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

  it("translates a no-provider refusal, keeping the model and group names", () => {
    expect(zh("No provider is available for model claude-sonnet-4-6 in group(s) vip, default: the eligible providers are unavailable (2 with an open circuit breaker, 1 at their own limits).")).toBe(
      "分组 vip, default 中没有可处理模型 claude-sonnet-4-6 的供应商：符合条件的供应商暂不可用（2 个熔断中，1 个已达自身限额）。",
    );
    expect(zh("No provider is available for model gpt-5 in group(s) default: every provider is disabled, filtered out or of another type.")).toBe("分组 default 中没有可处理模型 gpt-5 的供应商：所有供应商都已禁用、被过滤或类型不符。");
    // A reason the dashboard does not know leaves the whole text as the hub wrote it.
    const odd = "No provider is available for model m in group(s) g: something new.";
    expect(zh(odd)).toBe(odd);
  });

  it("translates the hub's words around an attempt's upstream answer, not the answer", () => {
    expect(zh('upstream answered 400: {"error":{"message":"bad request"}}')).toBe('上游返回 400：{"error":{"message":"bad request"}}');
    expect(zh("The upstream answered 502.")).toBe("上游返回了 502。");
  });
});

const zhT = (key: Parameters<typeof translate>[1]) => translate("zh-CN", key);

describe("the codes a request's detail shows", () => {
  // server/gateway/errors.ts GatewayErrorKind, plus what the router and the MCP passthrough record.
  const errorTypes = ["invalid_request", "authentication", "quota_exceeded", "permission", "not_found", "request_too_large", "rate_limited", "client_closed", "internal", "bad_gateway", "no_provider", "upstream_timeout", "upstream_http_error", "network_error"];
  // Every blocked_by the gateway's steps write (grep blockedBy in server/gateway).
  const blockedBy = ["auth", "body_budget", "client_version", "client_blocked", "client_not_allowed", "model_not_allowed", "no_provider", "quota", "quota_store_unavailable", "rate_limit", "rpm", "sensitive_word", "warmup"];
  // An attempt's class when no error rule matched (server/gateway/resilience/classify.ts).
  const attemptClasses = ["client_abort", "network_error", "timeout", "fake_200", "empty_stream", "not_found", "request_rejected", "rate_limited", "provider_auth", "provider_error"];

  it("names every error type, refusal source and attempt failure in Chinese, not as a raw code", () => {
    for (const code of errorTypes) expect(codeLabel(code, zhT, ERROR_TYPE_KEYS), code).toMatch(/[\u4e00-\u9fff]/);
    for (const code of blockedBy) expect(codeLabel(code, zhT, BLOCKED_BY_KEYS), code).toMatch(/[\u4e00-\u9fff]/);
    for (const code of attemptClasses) expect(codeLabel(code, zhT), code).toMatch(/[\u4e00-\u9fff]/);
    expect(codeLabel("quota_exceeded", zhT, ERROR_TYPE_KEYS)).toBe("已达消费限额");
  });

  it("shows a code it does not know as it is", () => {
    expect(codeLabel("brand_new_kind", zhT, ERROR_TYPE_KEYS)).toBe("brand_new_kind");
  });
});

describe("the instants inside the hub's texts", () => {
  const refusal = "The API key's daily spending limit is reached: $0.0920 spent, limit $0.0500. It resets at 2026-12-08T00:00:00.000Z.";
  const zhTime = createFormatters("zh-CN", "Asia/Shanghai").dateTime;
  const enTime = createFormatters("en-US", "Asia/Shanghai").dateTime;

  it("shows a limit's reset and a key's expiry as the dashboard shows dates, in the viewer's zone", () => {
    expect(translateMessage("zh-CN", refusal, zhTime)).toBe("API Key的每日限额已用尽：已花费 $0.0920，限额 $0.0500。将于 2026/12/08 08:00:00 重置。");
    expect(translateMessage("en", refusal, enTime)).toBe(`The API key's daily spending limit is reached: $0.0920 spent, limit $0.0500. It resets at ${enTime("2026-12-08T00:00:00.000Z")}.`);
    expect(translateMessage("en", "This API key expired at 2026-12-01T10:00:00.000Z.", enTime)).toBe(`This API key expired at ${enTime("2026-12-01T10:00:00.000Z")}.`);
    // The user's expiry was not recognised before (the hub writes "The user of this API key …").
    expect(translateMessage("zh-CN", "The user of this API key expired at 2026-12-01T10:00:00.000Z.", zhTime)).toBe("该 API Key 所属用户已于 2026/12/01 18:00:00 过期。");
  });

  it("leaves an upstream's own words alone, dates included", () => {
    const upstream = "quota exceeded. It resets at 2026-12-08T00:00:00.000Z.";
    expect(translateMessage("en", upstream, enTime)).toBe(upstream);
    expect(translateMessage("zh-CN", upstream, zhTime)).toBe(upstream);
  });
});

describe("request filters in Chinese", () => {
  it("names every phase, target, action and binding a filter can have", () => {
    for (const word of [...FILTER_PHASES, ...FILTER_SCOPES, ...FILTER_ACTIONS, ...FILTER_BINDINGS]) expect(codeLabel(word, zhT, FILTER_WORD_KEYS), word).toMatch(/[\u4e00-\u9fff]/);
  });

  it("translates why a filter was skipped, keeping the path or header it names", () => {
    expect(zh("the request body is not JSON")).toBe("请求体不是 JSON");
    expect(zh("metadata.user_id: absent")).toBe("metadata.user_id：不存在");
    expect(zh("messages[0].content: its parent is absent")).toBe("messages[0].content：其上级不存在");
    expect(zh("x-api-key: set by the hub for the provider's credentials")).toBe("x-api-key：由 Hub 为供应商凭据设置");
  });
});
