import { describe, expect, it } from "vitest";
import { translateMessage } from "../i18n/index.ts";
import { parseForm } from "./form-data.ts";
import { groupFormSchema } from "./group-form.ts";
import { keyFormSchema } from "./key-form.ts";
import { extraPriceJson, priceFormSchema } from "./price-form.ts";
import { providerUpdateSchema } from "./provider-form.ts";
import { ruleFormSchema } from "./rule-form.ts";
import { generalSettingsSchema, jobSettingsSchema, parseClientVersions, resilienceSettingsSchema } from "./settings-form.ts";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};

describe("limit fields", () => {
  it("carry the daily reset time, midnight when left empty", () => {
    expect(parseForm(keyFormSchema, form({ name: "k", dailyResetTime: "18:30" }))).toMatchObject({ ok: true, data: { dailyResetTime: "18:30" } });
    expect(parseForm(keyFormSchema, form({ name: "k", dailyResetTime: "" }))).toMatchObject({ ok: true, data: { dailyResetTime: "00:00" } });
    const bad = parseForm(keyFormSchema, form({ name: "k", dailyResetTime: "25:00" }));
    expect(bad.ok === false && translateMessage("en", bad.fieldErrors.dailyResetTime)).toBe("Use HH:mm, e.g. 18:00.");
  });

  it("are part of the provider form", () => {
    const parsed = parseForm(
      providerUpdateSchema,
      form({
        name: "p",
        providerType: "claude",
        url: "https://api.example.com",
        weight: "1",
        priority: "0",
        costMultiplier: "1",
        firstByteTimeoutStreamingMs: "0",
        streamingIdleTimeoutMs: "0",
        requestTimeoutNonStreamingMs: "0",
        circuitBreakerFailureThreshold: "5",
        circuitBreakerOpenDurationMs: "30",
        circuitBreakerHalfOpenSuccessThreshold: "2",
        circuitBreakerHalfOpenMaxProbes: "2",
        limitDailyUsd: "50",
        limitConcurrentSessions: "4",
        dailyResetMode: "rolling",
      }),
    );
    expect(parsed).toMatchObject({ ok: true, data: { limitDailyUsd: 50, limitConcurrentSessions: 4, dailyResetMode: "rolling", limitTotalUsd: null } });
  });
});

describe("price form", () => {
  it("turns prices per million tokens into LiteLLM's per-token fields and keeps the extra ones", () => {
    const parsed = parseForm(
      priceFormSchema,
      form({ modelName: " my-model ", inputPerMTok: "3", outputPerMTok: "15", cacheReadPerMTok: "0.3", mode: "chat", extra: '{"input_cost_per_token_above_200k_tokens": 0.000006}' }),
    );
    expect(parsed).toEqual({
      ok: true,
      data: {
        modelName: "my-model",
        priceData: { input_cost_per_token: 0.000003, output_cost_per_token: 0.000015, cache_read_input_token_cost: 3e-7, mode: "chat", input_cost_per_token_above_200k_tokens: 0.000006 },
      },
    });
  });

  it("needs an input or output price and a JSON object for extras", () => {
    const parsed = parseForm(priceFormSchema, form({ modelName: "m", cacheReadPerMTok: "1", extra: "[1]" }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(translateMessage("en", parsed.fieldErrors.extra)).toMatch(/JSON object/);
    expect(parseForm(priceFormSchema, form({ modelName: "m", cacheReadPerMTok: "1" }))).toMatchObject({ ok: false, fieldErrors: { inputPerMTok: "form.priceNeeded" } });
  });

  it("shows only the fields without an input as extras", () => {
    expect(extraPriceJson({ input_cost_per_token: 1, litellm_provider: "x", max_input_tokens: 200000 })).toBe('{\n  "max_input_tokens": 200000\n}');
    expect(extraPriceJson({ input_cost_per_token: 1 })).toBe("");
  });
});

describe("settings forms", () => {
  it("parse client versions line by line", () => {
    expect(parseClientVersions("claude-cli: 1.0.80\n\ncodex = 0.40")).toEqual({ ok: true, value: { "claude-cli": "1.0.80", codex: "0.40" } });
    expect(parseClientVersions("claude-cli 1.0")).toEqual({ ok: false, line: 1 });
    expect(parseForm(resilienceSettingsSchema, form({ maxProviderSwitches: "3", retryAfterCapMs: "0", minClientVersions: "x: y" }))).toMatchObject({
      ok: false,
      fieldErrors: { minClientVersions: "form.versionLine|line=1" },
    });
  });

  it("read the Retry-After cap in seconds and give the hub milliseconds", () => {
    expect(parseForm(resilienceSettingsSchema, form({ maxProviderSwitches: "3", retryAfterCapMs: "2.5", minClientVersions: "" }))).toMatchObject({
      ok: true,
      data: { retryAfterCapMs: 2_500 },
    });
    expect(parseForm(resilienceSettingsSchema, form({ maxProviderSwitches: "3", retryAfterCapMs: "601", minClientVersions: "" }))).toMatchObject({
      ok: false,
      fieldErrors: { retryAfterCapMs: "form.between|min=0|max=600" },
    });
  });

  it("refuse an unknown time zone", () => {
    const fields = { siteTitle: "Hub", currencyDisplay: "USD", billingModelSource: "original", priceSyncUrl: "https://x.example/p.json", exchangeRate: "1" };
    expect(parseForm(generalSettingsSchema, form({ ...fields, timezone: "Asia/Shanghai" })).ok).toBe(true);
    expect(parseForm(generalSettingsSchema, form({ ...fields, timezone: "Mars/Olympus" }))).toMatchObject({ ok: false, fieldErrors: { timezone: "form.timeZone" } });
  });
});

describe("scheduled job settings", () => {
  it("take the daily times as HH:MM and refuse a time that does not parse", () => {
    expect(parseForm(jobSettingsSchema, form({ priceSyncScheduled: "on", priceSyncTime: "03:00", logCleanupTime: " 23:15 " }))).toMatchObject({
      ok: true,
      data: { priceSyncScheduled: true, priceSyncTime: "03:00", logCleanupTime: "23:15" },
    });
    expect(parseForm(jobSettingsSchema, form({ priceSyncTime: "3am", logCleanupTime: "24:00" }))).toMatchObject({
      ok: false,
      fieldErrors: { priceSyncTime: "form.timeOfDay", logCleanupTime: "form.timeOfDay" },
    });
  });
});

describe("rule and group forms", () => {
  it("check a regex pattern compiles and a category is a slug", () => {
    const base = { pattern: "(oops", matchType: "regex", category: "client_error", priority: "0" };
    expect(parseForm(ruleFormSchema, form(base))).toMatchObject({ ok: false, fieldErrors: { pattern: "form.regex" } });
    expect(parseForm(ruleFormSchema, form({ ...base, matchType: "contains" }))).toMatchObject({ ok: true, data: { pattern: "(oops", retryable: false, overrideStatusCode: null } });
    expect(parseForm(ruleFormSchema, form({ ...base, matchType: "contains", category: "Client Error" }))).toMatchObject({ ok: false, fieldErrors: { category: "form.category" } });
  });

  it("refuse a group name with a comma", () => {
    expect(parseForm(groupFormSchema, form({ name: "a,b", costMultiplier: "1" }))).toMatchObject({ ok: false, fieldErrors: { name: "form.groupName" } });
    expect(parseForm(groupFormSchema, form({ name: "vip", costMultiplier: "1.5" }))).toMatchObject({ ok: true, data: { name: "vip", costMultiplier: 1.5, description: "" } });
  });
});
