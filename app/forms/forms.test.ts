import { describe, expect, it } from "vitest";
import { translateMessage } from "../i18n/index.ts";
import { parseForm } from "./form-data.ts";
import { keyFormSchema } from "./key-form.ts";
import { providerCreateSchema, providerUpdateSchema } from "./provider-form.ts";
import { userFormSchema } from "./user-form.ts";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};

const providerFields = {
  name: " upstream-a ",
  providerType: "claude",
  url: "https://api.example.com",
  weight: "2",
  priority: "0",
  costMultiplier: "1.5",
  firstByteTimeoutStreamingMs: "0",
  streamingIdleTimeoutMs: "0",
  requestTimeoutNonStreamingMs: "0",
  circuitBreakerFailureThreshold: "5",
  circuitBreakerOpenDurationMs: "30",
  circuitBreakerHalfOpenSuccessThreshold: "2",
  circuitBreakerHalfOpenMaxProbes: "2",
  drainTimeoutMs: "30",
};

describe("form schemas", () => {
  it("turns a user form into users.create input: empty limits mean no limit, switches are booleans", () => {
    const parsed = parseForm(userFormSchema, form({ name: " bob ", role: "user", isEnabled: "on", tags: "a, b,,a", limitDailyUsd: "12.5", rpmLimit: "" }));
    expect(parsed).toMatchObject({
      ok: true,
      data: { name: "bob", role: "user", isEnabled: true, tags: ["a", "b"], limitDailyUsd: 12.5, rpmLimit: null, providerGroup: null, expiresAt: null },
    });
  });

  it("reads a user's access lists: model rules as on providers, client entries per line or comma", () => {
    const parsed = parseForm(
      userFormSchema,
      form({ name: "bob", role: "user", allowedModels: "claude-sonnet-4-5\nprefix:gpt-5", allowedClients: "claude-code\ncodex-cli, claude-code", blockedClients: "" }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      data: {
        allowedModels: [
          { match: "exact", pattern: "claude-sonnet-4-5" },
          { match: "prefix", pattern: "gpt-5" },
        ],
        allowedClients: ["claude-code", "codex-cli"],
        blockedClients: [],
      },
    });
    expect(parseForm(userFormSchema, form({ name: "bob", role: "user", allowedModels: "regex:" }))).toMatchObject({ ok: false, fieldErrors: { allowedModels: expect.any(String) } });
    const provider = parseForm(providerUpdateSchema, form({ ...providerFields, blockedClients: "EvilBot/" }));
    expect(provider).toMatchObject({ ok: true, data: { blockedClients: ["EvilBot/"], allowedClients: [] } });
  });

  it("reports field errors as translatable keys", () => {
    const parsed = parseForm(keyFormSchema, form({ name: "", limitDailyUsd: "-1" }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.fieldErrors).sort()).toEqual(["limitDailyUsd", "name"]);
    expect(translateMessage("en", parsed.fieldErrors.name)).toBe("Required.");
    expect(translateMessage("zh-CN", parsed.fieldErrors.limitDailyUsd)).toBe("取值范围 0 到 1000000000。");
    // The hub's own messages are shown in the viewer's language when the dashboard knows them (issue 11); other text passes through.
    expect(translateMessage("zh-CN", "A user with this name already exists.")).toBe("已存在同名用户。");
    expect(translateMessage("zh-CN", "Something the dashboard has never seen.")).toBe("Something the dashboard has never seen.");
  });

  it("requires the upstream key on create and keeps it on edit when left empty", () => {
    expect(parseForm(providerCreateSchema, form({ ...providerFields, key: "" }))).toMatchObject({ ok: false, fieldErrors: { key: "form.required" } });
    const edited = parseForm(providerUpdateSchema, form({ ...providerFields, key: "  " }));
    expect(edited.ok && "key" in edited.data && edited.data.key).toBeFalsy();
    const created = parseForm(providerCreateSchema, form({ ...providerFields, key: "sk-up", allowedModels: "claude-sonnet-4-6\nprefix:claude-haiku", proxyUrl: "" }));
    expect(created).toMatchObject({
      ok: true,
      data: {
        name: "upstream-a",
        key: "sk-up",
        weight: 2,
        costMultiplier: 1.5,
        isEnabled: false,
        proxyUrl: null,
        maxRetryAttempts: null,
        allowedModels: [
          { match: "exact", pattern: "claude-sonnet-4-6" },
          { match: "prefix", pattern: "claude-haiku" },
        ],
        modelRedirects: [],
      },
    });
  });

  it("reads a codex provider's instructions strategy, defaulting to auto when the fields are not shown", () => {
    const codex = parseForm(providerUpdateSchema, form({ ...providerFields, providerType: "codex", codexInstructionsStrategy: "custom", codexInstructions: "  Be brief.\n" }));
    expect(codex).toMatchObject({ ok: true, data: { codexInstructionsStrategy: "custom", codexInstructions: "Be brief." } });
    expect(parseForm(providerUpdateSchema, form(providerFields))).toMatchObject({ ok: true, data: { codexInstructionsStrategy: "auto", codexInstructions: null } });
    expect(parseForm(providerUpdateSchema, form({ ...providerFields, codexInstructionsStrategy: "sometimes" }))).toMatchObject({ ok: false, fieldErrors: { codexInstructionsStrategy: expect.any(String) } });
  });

  it("reads the format conversion switch: on when checked, off when the switch is absent from the submission", () => {
    expect(parseForm(providerUpdateSchema, form({ ...providerFields, allowFormatConversion: "on" }))).toMatchObject({ ok: true, data: { allowFormatConversion: true } });
    expect(parseForm(providerUpdateSchema, form(providerFields))).toMatchObject({ ok: true, data: { allowFormatConversion: false } });
  });

  it("reads the routing, session, network and MCP fields of the advanced section", () => {
    const parsed = parseForm(
      providerUpdateSchema,
      form({
        ...providerFields,
        groupPriorities: "team-a = 0\nteam-b = 5",
        activeTimeStart: "09:00",
        activeTimeEnd: "18:30",
        clientAbortPolicy: "drain",
        customHeaders: "X-Title: hub",
        reclaimSessions: "on",
        cacheTtlPreference: "1h",
        mcpPassthroughType: "minimax",
        mcpPassthroughUrl: "",
        websiteUrl: "https://status.example.com",
      }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      data: {
        groupPriorities: { "team-a": 0, "team-b": 5 },
        activeTimeStart: "09:00",
        activeTimeEnd: "18:30",
        clientAbortPolicy: "drain",
        drainTimeoutMs: 30000,
        customHeaders: { "X-Title": "hub" },
        disableSessionReuse: false,
        reclaimSessions: true,
        cacheTtlPreference: "1h",
        mcpPassthroughType: "minimax",
        mcpPassthroughUrl: null,
        websiteUrl: "https://status.example.com",
      },
    });
    const bad = parseForm(providerUpdateSchema, form({ ...providerFields, activeTimeStart: "25:00", groupPriorities: "a = x", customHeaders: "no colon", clientAbortPolicy: "later" }));
    expect(bad).toMatchObject({
      ok: false,
      fieldErrors: { activeTimeStart: "form.timeOfDay", groupPriorities: "form.groupPriorityLine|line=1", customHeaders: "form.headerLine|line=1" },
    });
    expect(bad.ok === false && bad.fieldErrors.clientAbortPolicy).toBeTruthy();
  });

  it("reads the provider's durations in seconds and minutes, decimals included, and gives the hub milliseconds", () => {
    const parsed = parseForm(
      providerCreateSchema,
      form({
        ...providerFields,
        key: "k",
        firstByteTimeoutStreamingMs: "1.5",
        streamingIdleTimeoutMs: "120",
        requestTimeoutNonStreamingMs: "0",
        drainTimeoutMs: "0.25",
        circuitBreakerOpenDurationMs: "2.5",
      }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      data: {
        firstByteTimeoutStreamingMs: 1_500,
        streamingIdleTimeoutMs: 120_000,
        requestTimeoutNonStreamingMs: 0,
        drainTimeoutMs: 250,
        circuitBreakerOpenDurationMs: 150_000,
      },
    });
    // Bounds are told in the field's unit: 600 s for the first byte, 1 s (0.0167 min) up to 7 days (10 080 min) for the breaker.
    const outOfRange = parseForm(providerCreateSchema, form({ ...providerFields, key: "k", firstByteTimeoutStreamingMs: "601", circuitBreakerOpenDurationMs: "10081" }));
    expect(outOfRange).toMatchObject({
      ok: false,
      fieldErrors: { firstByteTimeoutStreamingMs: "form.between|min=0|max=600", circuitBreakerOpenDurationMs: "form.between|min=0.0167|max=10080" },
    });
  });

  it("rejects a non-HTTP provider URL and a malformed redirect line", () => {
    const parsed = parseForm(providerCreateSchema, form({ ...providerFields, key: "k", url: "ftp://x", modelRedirects: "a b" }));
    expect(parsed).toMatchObject({ ok: false, fieldErrors: { url: "form.httpUrl", modelRedirects: "form.redirectLine|line=1" } });
  });
});
