/**
 * notifications.* against a real hub: targets of every type saved and listed with their
 * secrets masked (and encrypted in the database), bad URLs, tokens, event names and times
 * refused at save, masked values sent back keep the secret, "send test" against a local
 * receiver with its delivery log and the failing mark, audit rows without secrets, and members
 * refused with 403.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { startReceiver, type Receiver } from "../../../test-support/notification-receiver.ts";

let t: TestHub;
let receiver: Receiver;
let memberKey: string;

const SECRETS = {
  wecomKey: "wecom-robot-key-abcdef",
  feishuSecret: "feishu-sign-secret-xyz",
  dingSecret: "SECdingtalk-secret-123",
  botToken: "987654:TELEGRAMTOKENTELEGRAMTOKEN_q",
  webhookSecret: "webhook-signing-secret-42",
};

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startTestHub({ notifications: { sleep: async () => undefined, timeoutMs: 500 } });
  const u = await t.admin<{ id: number }>("users/create", { name: "member" });
  memberKey = (await t.admin<{ key: string }>("keys/create", { userId: u.id, name: "web", canLoginWebUi: true })).key;
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

interface TargetView {
  id: number;
  name: string;
  type: string;
  events: string[];
  config: Record<string, string>;
  failing: boolean;
  lastStatus: string | null;
  consecutiveFailures: number;
}

async function status(path: string, body: unknown, token?: string) {
  const res = await t.adminRaw(path, body, token);
  return { status: res.status, json: (await res.json()) as { message?: string } };
}

describe("targets", () => {
  it("saves every type and returns the config masked; the database holds ciphertext", async () => {
    const created = [
      await t.admin<TargetView>("notifications/create", { name: "team wecom", type: "wecom", events: ["provider.breaker_opened"], config: { url: `${receiver.url}/cgi-bin/webhook/send?key=${SECRETS.wecomKey}` } }),
      await t.admin<TargetView>("notifications/create", { name: "feishu", type: "feishu", events: ["quota.alert"], config: { url: `${receiver.url}/open-apis/bot/v2/hook/hook123`, secret: SECRETS.feishuSecret } }),
      await t.admin<TargetView>("notifications/create", { name: "ding", type: "dingtalk", events: ["leaderboard.daily"], config: { url: `${receiver.url}/robot/send?access_token=tok`, secret: SECRETS.dingSecret } }),
      await t.admin<TargetView>("notifications/create", { name: "tg", type: "telegram", events: ["system.price_sync_failed"], config: { botToken: SECRETS.botToken, chatId: "-100200", apiUrl: receiver.url } }),
      await t.admin<TargetView>("notifications/create", { name: "hook", type: "webhook", events: ["system.database_unreachable"], config: { url: `${receiver.url}/hook`, secret: SECRETS.webhookSecret } }),
    ];
    expect(created[0].config).toEqual({ url: `${receiver.url}/****` });
    expect(created[1].config).toEqual({ url: `${receiver.url}/****`, secret: "****" });
    // The API base is not a credential (the token is): shown as it is.
    expect(created[3].config).toEqual({ botToken: "****", chatId: "-100200", apiUrl: receiver.url });
    const list = await t.admin<{ items: TargetView[] }>("notifications/list", {});
    expect(list.items.map((i) => i.type)).toEqual(["wecom", "feishu", "dingtalk", "telegram", "webhook"]);
    const everything = JSON.stringify(list) + JSON.stringify(await t.hub.db.prisma.notificationTarget.findMany());
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    expect(everything).not.toContain("hook123");
  });

  it("refuses invalid URLs, tokens, secrets and unknown event names at save", async () => {
    const bad = [
      { type: "wecom", events: [], config: { url: "not a url" } },
      { type: "wecom", events: [], config: { url: "ftp://example.com/x" } },
      { type: "wecom", events: [], config: {} },
      { type: "telegram", events: [], config: { botToken: "nope", chatId: "1" } },
      { type: "telegram", events: [], config: { botToken: SECRETS.botToken, chatId: "not a chat" } },
      { type: "webhook", events: [], config: { url: "https://example.com/h", secret: "short" } },
      { type: "wecom", events: ["provider.exploded"], config: { url: "https://example.com/h" } },
      { type: "pager", events: [], config: { url: "https://example.com/h" } },
      { type: "wecom", events: [], config: { url: "https://example.com/h", extra: "field" } },
      { type: "wecom", events: [], config: { url: `https://example.com/${"x".repeat(3000)}` } },
    ];
    for (const body of bad) {
      const res = await status("notifications/create", { name: "bad", ...body });
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
    }
    const res = await status("notifications/create", { name: "bad", type: "wecom", events: [], config: { url: "not a url" } });
    // The REST mirror names the config field in its issues (the tRPC message says "config.url: …").
    expect(res.json).toMatchObject({ issues: [{ path: ["url"], message: "Enter an http:// or https:// URL" }] });
    expect(await t.hub.db.prisma.notificationTarget.count({ where: { name: "bad" } })).toBe(0);
  });

  it("keeps a secret sent back masked, replaces one sent new, and signs with it", async () => {
    const created = await t.admin<TargetView>("notifications/create", { name: "signed", type: "webhook", events: [], config: { url: `${receiver.url}/signed`, secret: SECRETS.webhookSecret } });
    const renamed = await t.admin<TargetView>("notifications/update", { id: created.id, name: "signed hook", config: created.config });
    expect(renamed.name).toBe("signed hook");
    receiver.requests.length = 0;
    expect(await t.admin("notifications/test", { id: created.id })).toMatchObject({ status: "sent", attempts: 1, httpStatus: 200 });
    const req = receiver.requests.at(-1)!;
    expect(req.url).toBe("/signed");
    const ts = req.headers["x-cch-timestamp"] as string;
    expect(req.headers["x-cch-signature"]).toBe(`sha256=${createHmac("sha256", SECRETS.webhookSecret).update(`${ts}.${req.body}`).digest("hex")}`);
    expect(JSON.parse(req.body)).toMatchObject({ event: "test", title: "Claude Code Hub: test notification" });

    await t.admin("notifications/update", { id: created.id, config: { url: created.config.url, secret: "a-brand-new-secret-0001" } });
    await t.admin("notifications/test", { id: created.id });
    const again = receiver.requests.at(-1)!;
    const ts2 = again.headers["x-cch-timestamp"] as string;
    expect(again.headers["x-cch-signature"]).toBe(`sha256=${createHmac("sha256", "a-brand-new-secret-0001").update(`${ts2}.${again.body}`).digest("hex")}`);
  });

  it("send test: a failing target says why, is marked failing, and its delivery log shows the attempts", async () => {
    const created = await t.admin<TargetView>("notifications/create", { name: "broken", type: "wecom", events: [], config: { url: `${receiver.url}/broken?key=k` } });
    receiver.answer({ status: 500, body: "{}" });
    try {
      expect(await t.admin("notifications/test", { id: created.id })).toEqual({ status: "failed", attempts: 4, httpStatus: 500, error: "HTTP 500" });
    } finally {
      receiver.answer({ status: 200, body: '{"errcode":0,"errmsg":"ok","code":0,"ok":true}' });
    }
    const list = await t.admin<{ items: TargetView[] }>("notifications/list", {});
    expect(list.items.find((i) => i.id === created.id)).toMatchObject({ failing: true, lastStatus: "failed", consecutiveFailures: 1 });
    const log = await t.admin<{ items: Array<{ event: string; status: string; attempts: number }> }>("notifications/deliveries", { id: created.id });
    expect(log.items).toEqual([expect.objectContaining({ event: "test", status: "failed", attempts: 4, httpStatus: 500 })]);
    expect((await status("notifications/test", { id: 999_999 })).status).toBe(404);
  });

  it("records every change in the audit log, secrets masked", async () => {
    const created = await t.admin<TargetView>("notifications/create", { name: "audited", type: "feishu", events: [], config: { url: `${receiver.url}/open-apis/bot/v2/hook/secret-hook-id`, secret: "audit-secret-value" } });
    await t.admin("notifications/update", { id: created.id, events: ["quota.alert"] });
    await t.admin("notifications/delete", { id: created.id });
    await expect.poll(() => t.hub.db.prisma.auditLog.count({ where: { targetType: "notification_target", targetId: String(created.id) } })).toBe(3);
    const rows = await t.hub.db.prisma.auditLog.findMany({ where: { targetType: "notification_target", targetId: String(created.id) }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["notifications.create", "notifications.update", "notifications.delete"]);
    const text = JSON.stringify(rows.map((r) => [r.before, r.after]));
    expect(text).not.toContain("audit-secret-value");
    expect(text).not.toContain("secret-hook-id");
    expect(rows[1].after).toMatchObject({ events: ["quota.alert"] });
  });
});

describe("settings", () => {
  it("round-trips and refuses a time that does not parse", async () => {
    expect(await t.admin("notifications/settings", {})).toEqual({ quotaAlertPercent: 80, leaderboardTime: "09:00", leaderboardTopN: 5, cooldownMinutes: 10, maxPerHour: 30, language: "en" });
    const changed = { quotaAlertPercent: 90, leaderboardTime: "18:30", leaderboardTopN: 10, cooldownMinutes: 30, maxPerHour: 12, language: "zh-CN" };
    expect(await t.admin("notifications/updateSettings", changed)).toEqual(changed);
    for (const leaderboardTime of ["25:00", "9am", "9:00", "18:60", ""]) {
      expect((await status("notifications/updateSettings", { leaderboardTime })).status).toBe(400);
    }
    expect((await status("notifications/updateSettings", { quotaAlertPercent: 0 })).status).toBe(400);
    expect((await status("notifications/updateSettings", { language: "fr" })).status).toBe(400);
    expect(await t.admin("notifications/settings", {})).toEqual(changed);
  });
});

describe("members", () => {
  it("get 403 on every notifications procedure", async () => {
    for (const path of ["list", "create", "update", "delete", "test", "deliveries", "settings", "updateSettings"]) {
      expect((await status(`notifications/${path}`, { id: 1 }, memberKey)).status, path).toBe(403);
    }
  });
});
