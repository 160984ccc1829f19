/**
 * The notifications, audit and export journey: an admin adds a signed webhook target (a bad URL
 * is refused with the reason), sends a test that a local receiver gets and can verify, sees a
 * refusing target marked failing with its delivery log, sets the alert settings (a time that
 * does not parse is refused), finds every change on the audit page with secrets masked, and
 * downloads the filtered request log as CSV. A member is refused both admin pages.
 */
import { createHmac } from "node:crypto";
import { startReceiver, type Receiver } from "../test-support/notification-receiver.ts";
import { ADMIN_TOKEN, HUB_URL } from "./support/env.ts";
import { chooseOption, expect, logIn, snap, test } from "./support/fixtures.ts";

const SECRET = "e2e-webhook-secret-0123456789";
const TARGET = "Team webhook";
let receiver: Receiver;

async function admin<T = Record<string, unknown>>(path: string, body: object = {}): Promise<T> {
  const response = await fetch(`${HUB_URL}/api/actions/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.ok, `${path} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

test.beforeAll(async () => {
  receiver = await startReceiver();
});

test.afterAll(async () => {
  const { items } = await admin<{ items: Array<{ id: number; name: string }> }>("notifications/list", {});
  for (const item of items.filter((i) => i.name === TARGET)) await admin("notifications/delete", { id: item.id });
  await receiver?.close();
});

test("an admin sets up a notification target, tests it, and finds the changes in the audit log", async ({ page }) => {
  await logIn(page, ADMIN_TOKEN);
  await expect(page).toHaveURL(/\/dashboard$/);

  await test.step("a bad URL is refused; a signed webhook is added with its secret masked", async () => {
    await page.goto("/dashboard/settings");
    await page.getByRole("navigation", { name: "Settings pages" }).getByRole("link", { name: "Notifications" }).click();
    await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Add target" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a notification target" });
    await dialog.getByLabel("Name").fill(TARGET);
    await chooseOption(page, dialog, "Type", "Webhook (signed)");
    await dialog.getByLabel("Webhook URL").fill("ftp://example.com/hook");
    await dialog.getByLabel("Signing secret").fill(SECRET);
    await dialog.getByLabel("Quota alert").check();
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByText("Enter an http:// or https:// URL")).toBeVisible();
    await dialog.getByLabel("Webhook URL").fill(`${receiver.url}/hooks/team`);
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole("row").filter({ hasText: TARGET });
    await expect(row).toContainText(`${receiver.url}/****`);
    await expect(row).toContainText("Quota alert");
    await expect(page.getByText(SECRET)).toHaveCount(0);
  });

  await test.step("send test: the receiver gets a message it can verify", async () => {
    const row = page.getByRole("row").filter({ hasText: TARGET });
    await row.getByRole("button", { name: `Send a test message to ${TARGET}` }).click();
    await expect(row.getByRole("status")).toContainText("Sent");
    const [req] = await receiver.received(1);
    const ts = req.headers["x-cch-timestamp"] as string;
    expect(req.headers["x-cch-signature"]).toBe(`sha256=${createHmac("sha256", SECRET).update(`${ts}.${req.body}`).digest("hex")}`);
    expect(JSON.parse(req.body)).toMatchObject({ event: "test", title: "Claude Code Hub: test notification" });
    await row.getByRole("link", { name: `Delivery log of ${TARGET}` }).click();
    const log = page.getByRole("region", { name: `Delivery log: ${TARGET}` });
    await expect(log.getByRole("row").filter({ hasText: "Test message" })).toContainText("Sent");
    await snap(page, "notifications");
  });

  await test.step("a target that refuses messages is marked failing, with the reason in its log", async () => {
    receiver.answer({ status: 403, body: '{"error":"forbidden"}' });
    const row = page.getByRole("row").filter({ hasText: TARGET });
    await row.getByRole("button", { name: `Send a test message to ${TARGET}` }).click();
    await expect(row.getByRole("status")).toContainText("Failed");
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: TARGET }).first()).toContainText("Failing (1×)");
    await expect(page.getByRole("region", { name: `Delivery log: ${TARGET}` }).getByRole("row").filter({ hasText: "HTTP 403" }).first()).toContainText("Failed");
    receiver.answer({ status: 200, body: "{}" });
    await snap(page, "notifications-failing");
  });

  await test.step("alert settings: a time that does not parse is refused, a valid one saved", async () => {
    const section = page.getByRole("region", { name: "Alerts and rate limits" });
    await section.getByLabel("Daily leaderboard at").fill("25:00");
    await section.getByRole("button", { name: "Save" }).click();
    await expect(section.getByText("Use HH:mm, e.g. 18:00.")).toBeVisible();
    await section.getByLabel("Daily leaderboard at").fill("18:00");
    await section.getByLabel("Quota alert at (%)").fill("90");
    await section.getByRole("button", { name: "Save" }).click();
    await expect(section.getByRole("status")).toContainText("Saved");
    expect(await admin("notifications/settings")).toMatchObject({ leaderboardTime: "18:00", quotaAlertPercent: 90 });
  });

  await test.step("the audit log shows each change, filtered by action, secrets masked", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).first().getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    // Actions are named in the reader's language; the code stays on hover and in the URL.
    await expect(page.getByRole("row").filter({ hasText: "Created a notification target" }).first()).toBeVisible();
    await expect(page.getByTitle("notifications.create").first()).toBeVisible();
    await chooseOption(page, page, "Action", "Changed the notification settings");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/action=notifications.updateSettings/);
    const row = page.getByRole("row").filter({ hasText: "Changed the notification settings" });
    await expect(row).toHaveCount(1);
    await row.getByText("Before and after").click();
    await expect(row).toContainText('"leaderboardTime": "18:00"');
    await chooseOption(page, page, "Action", "Created a notification target");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/action=notifications.create/);
    const created = page.getByRole("row").filter({ hasText: "Created a notification target" }).first();
    await created.getByText("Before and after").click();
    await expect(created).toContainText('"secret": "****"');
    await expect(page.getByText(SECRET)).toHaveCount(0);
    await snap(page, "audit");
  });

  await test.step("the logs page exports the filtered rows as CSV", async () => {
    await page.goto("/dashboard/logs?statusCode=200");
    const link = page.getByRole("link", { name: "Export CSV" });
    await expect(link).toHaveAttribute("href", "/api/logs/export.csv?statusCode=200");
    const response = await page.request.get("/api/logs/export.csv?statusCode=200");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect((await response.text()).replace(/^\uFEFF/, "").split("\r\n")[0]).toMatch(/^request_id,created_at,user,key,provider,/);
    await snap(page, "logs-export");
  });
});

test("a member is refused the notifications and audit pages", async ({ browser, browserConsole }) => {
  const user = await admin<{ id: number }>("users/create", { name: "notify-e2e-member" });
  const { key } = await admin<{ key: string }>("keys/create", { userId: user.id, name: "notify-e2e-web", canLoginWebUi: true });
  const context = await browser.newContext();
  const page = await context.newPage();
  browserConsole.watch(page);
  try {
    await logIn(page, key);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("navigation", { name: "Main navigation" }).first().getByRole("link", { name: "Audit log" })).toHaveCount(0);
    browserConsole.expectError(/status of 403/);
    const audit = await page.goto("/dashboard/audit");
    expect(audit?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
    browserConsole.expectError(/status of 403/);
    const settings = await page.goto("/dashboard/settings/notifications");
    expect(settings?.status()).toBe(403);
  } finally {
    await context.close();
    await admin("users/delete", { id: user.id });
  }
});
