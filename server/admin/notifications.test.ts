import { describe, expect, it, vi } from "vitest";
import { SecretBox } from "../auth/secrets.ts";
import type { NotificationDelivery, NotificationTarget } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";
import { MASK, sealConfig } from "../notifications/target-config.ts";
import { editedConfig, toDeliveryView, toSettingsView, toTargetView, validConfig } from "./notifications.ts";

const secrets = new SecretBox(Buffer.alloc(32, 7));
const webhook = { url: "https://hooks.example.com/private-path", secret: "a-signing-secret-of-16+" };

function target(overrides: Partial<NotificationTarget> = {}): NotificationTarget {
  return {
    id: 5,
    name: "ops",
    type: "webhook",
    isEnabled: true,
    events: ["breaker.open"],
    config: sealConfig(webhook, secrets),
    lastStatus: "failed",
    lastError: "HTTP 500",
    lastAttemptAt: new Date("2026-03-10T10:00:00Z"),
    consecutiveFailures: 2,
    createdAt: new Date("2026-03-01T00:00:00Z"),
    updatedAt: new Date("2026-03-02T00:00:00Z"),
    ...overrides,
  };
}

describe("toTargetView", () => {
  it("shows the config masked and a failed last delivery as failing", () => {
    const logger = { warn: vi.fn() } as unknown as Logger;
    expect(toTargetView({ secrets, logger }, target())).toMatchObject({
      config: { url: `https://hooks.example.com/${MASK}`, secret: MASK },
      lastStatus: "failed",
      failing: true,
      lastAttemptAt: "2026-03-10T10:00:00.000Z",
    });
  });

  it("shows a config sealed with another key as empty, and says so in the log", () => {
    const warn = vi.fn();
    const other = new SecretBox(Buffer.alloc(32, 9));
    const view = toTargetView({ secrets, logger: { warn } as unknown as Logger }, target({ config: sealConfig(webhook, other), lastStatus: "pending" }));
    expect(view).toMatchObject({ config: {}, lastStatus: null, failing: false });
    expect(warn).toHaveBeenCalledOnce();
  });
});

describe("editedConfig", () => {
  it("keeps a secret sent back masked or empty, and the whole config when none is sent", () => {
    expect(editedConfig("webhook", "webhook", webhook, { url: `https://hooks.example.com/${MASK}`, secret: "" })).toEqual(webhook);
    expect(editedConfig("webhook", "webhook", webhook, undefined)).toEqual(webhook);
    expect(editedConfig("webhook", "webhook", webhook, { url: "https://hooks.example.com/new", secret: MASK })).toEqual({ ...webhook, url: "https://hooks.example.com/new" });
  });

  it("does not carry the old type's secrets over to a new type", () => {
    expect(() => editedConfig("webhook", "feishu", { url: webhook.url, secret: webhook.secret }, { url: webhook.url })).toThrow(/^config\.secret: /);
    expect(editedConfig("feishu", "webhook", webhook, { url: webhook.url })).toEqual({ url: webhook.url });
  });
});

describe("validConfig", () => {
  it("refuses a config with the field named", () => {
    expect(() => validConfig("webhook", { url: "ftp://x", secret: webhook.secret })).toThrow(/^config\.url: /);
    expect(validConfig("webhook", webhook)).toEqual(webhook);
  });
});

describe("views", () => {
  it("shows settings without the row's bookkeeping, in a language the messages have", () => {
    const row = { id: 1, quotaAlertPercent: 80, leaderboardTime: "09:00", leaderboardTopN: 5, cooldownMinutes: 10, maxPerHour: 30, language: "fr", updatedAt: new Date() };
    expect(toSettingsView(row)).toEqual({ quotaAlertPercent: 80, leaderboardTime: "09:00", leaderboardTopN: 5, cooldownMinutes: 10, maxPerHour: 30, language: "en" });
    expect(toSettingsView({ ...row, language: "zh-CN" }).language).toBe("zh-CN");
  });

  it("shows a delivery's id as text and its times as ISO", () => {
    const row: NotificationDelivery = {
      id: 12n,
      targetId: 5,
      event: "breaker.open",
      eventKey: "k",
      title: "Breaker open",
      status: "sent",
      attempts: 1,
      httpStatus: 200,
      error: null,
      createdAt: new Date("2026-03-10T10:00:00Z"),
      finishedAt: null,
    };
    expect(toDeliveryView(row)).toEqual({ id: "12", event: "breaker.open", title: "Breaker open", status: "sent", attempts: 1, httpStatus: 200, error: null, createdAt: "2026-03-10T10:00:00.000Z", finishedAt: null });
  });
});
