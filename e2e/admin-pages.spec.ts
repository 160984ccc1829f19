/**
 * The admin pages journey: quotas (users, keys, providers; reset total), system settings,
 * the price table with a LiteLLM sync from a loopback price file, error rules with the tester,
 * provider groups, and the providers page's breaker state, reset and connection test. A key
 * without dashboard access then finds its quotas on /my-usage.
 *
 * This spec shares the hub with dashboard.spec.ts (which expects no providers and no usage
 * today when it starts), so it bills nothing, restores the site title and deletes its provider.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { ADMIN_TOKEN, FAKE_UPSTREAM_URL, HUB_URL } from "./support/env.ts";
import { chooseOption, expect, logIn, snap, test } from "./support/fixtures.ts";

test.describe.configure({ mode: "serial" });

const USER = "quota-e2e";
const KEY_NAME = "quota-e2e-cli";
const PROVIDER = "breaker-e2e";
const RULE = "e2e widget exploded";
const GROUP = "e2e-vip";
const PRICE_MODEL = "e2e-manual-model";

/** Seeding through the admin REST API: these pages are about viewing and managing, not creating users. */
async function admin<T = Record<string, unknown>>(path: string, body: object = {}): Promise<T> {
  const response = await fetch(`${HUB_URL}/api/actions/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.ok, `${path} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

/** A LiteLLM-style price file on the loopback interface, for the sync button. */
let priceServer: http.Server;
let priceFileUrl = "";
let apiKey = "";
let providerId = 0;

test.beforeAll(async () => {
  priceServer = http.createServer((req, res) => {
    if (req.url !== "/model_prices_and_context_window.json") return void res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        sample_spec: { max_input_tokens: "documentation", input_cost_per_token: 0 },
        "e2e-synced-model": { input_cost_per_token: 0.000001, output_cost_per_token: 0.000004, litellm_provider: "openai" },
        [PRICE_MODEL]: { input_cost_per_token: 0.5 },
        "e2e-broken-model": { input_cost_per_token: "free" },
      }),
    );
  });
  await new Promise<void>((resolve) => priceServer.listen(0, "127.0.0.1", resolve));
  priceFileUrl = `http://127.0.0.1:${(priceServer.address() as AddressInfo).port}/model_prices_and_context_window.json`;

  const user = await admin<{ id: number }>("users/create", { name: USER, limitDailyUsd: 5, dailyResetTime: "06:00", limitTotalUsd: 20, rpmLimit: 30 });
  apiKey = (await admin<{ key: string }>("keys/create", { userId: user.id, name: KEY_NAME })).key;
  providerId = (
    await admin<{ id: number }>("providers/create", {
      name: PROVIDER,
      url: FAKE_UPSTREAM_URL,
      key: "sk-ant-e2e-breaker-0042",
      providerType: "claude",
      limitDailyUsd: 100,
      circuitBreakerFailureThreshold: 1,
      maxRetryAttempts: 1,
    })
  ).id;
});

test.afterAll(async () => {
  priceServer?.closeAllConnections();
  await new Promise((resolve) => priceServer?.close(resolve));
});

const nav = (page: Page) => page.getByRole("navigation", { name: "Main navigation" }).first();
const settingsNav = (page: Page) => page.getByRole("navigation", { name: "Settings pages" });

test("an admin manages quotas, settings, prices, error rules, groups and provider health", async ({ page }) => {
  await logIn(page, ADMIN_TOKEN);
  await expect(page).toHaveURL(/\/dashboard$/);

  await test.step("quotas: one compact table of the limits that are set, each entity's card as the drill-down", async () => {
    await nav(page).getByRole("link", { name: "Quotas" }).click();
    await expect(page.getByRole("heading", { name: "Quotas", level: 1 })).toBeVisible();
    await expect(page.getByRole("tab", { name: "All" })).toHaveAttribute("aria-selected", "true");
    const dailyRow = page.getByRole("row").filter({ hasText: USER }).filter({ hasText: "Daily limit" });
    await expect(dailyRow.getByRole("progressbar", { name: `${USER} · Daily limit` })).toHaveAttribute("aria-valuetext", "0%");
    await expect(dailyRow).toContainText("$5.00");
    // Only windows with a limit are listed: the user has none on the weekly window.
    await expect(page.getByRole("row").filter({ hasText: USER }).filter({ hasText: "Weekly limit" })).toHaveCount(0);
    await snap(page, "quotas-table");

    await page.getByRole("tab", { name: "Users" }).click();
    await expect(page).toHaveURL(/tab=users/);
    await page.getByRole("row").filter({ hasText: USER }).first().getByRole("link", { name: USER }).click();
    const card = page.getByRole("region", { name: USER });
    await expect(card.getByRole("progressbar", { name: "Daily limit" })).toHaveAttribute("aria-valuetext", "$0.00 of $5.00");
    await expect(card).toContainText("Resets");
    await expect(card).toContainText("06:00:00");
    await expect(card.getByRole("progressbar", { name: "Total limit" })).toHaveAttribute("aria-valuetext", "$0.00 of $20.00");
    await expect(card).toContainText("Rolling 5 hours");
    await expect(card).toContainText("0 of 30");
    await expect(card).toContainText("$5.00 left");
    await snap(page, "quotas-users");

    await card.getByRole("button", { name: `Reset the total of ${USER}` }).click();
    const dialog = page.getByRole("dialog", { name: "Reset the total spend" });
    await expect(dialog).toContainText("The usage history is kept.");
    await snap(page, "quotas-reset-dialog");
    await dialog.getByRole("button", { name: "Reset total" }).click();
    await expect(dialog).toBeHidden();
    await expect(card).toContainText("Since the reset on");
    await page.keyboard.press("Escape");
    await expect(card).toBeHidden();

    await page.getByRole("tab", { name: "Keys" }).click();
    await expect(page).toHaveURL(/tab=keys/);
    // The key's daily limit is its user's: the row counts against the user's limit.
    const keyRow = page.getByRole("row").filter({ hasText: KEY_NAME }).filter({ hasText: "Daily limit" });
    await expect(keyRow).toContainText(`counts against ${USER}'s limit`);
    await keyRow.getByRole("link", { name: KEY_NAME }).click();
    const keyCard = page.getByRole("region", { name: KEY_NAME });
    await expect(keyCard).toContainText(`Key of ${USER}`);
    await expect(keyCard.getByRole("progressbar", { name: "Daily limit" })).toBeVisible();
    await expect(keyCard.getByText("from user").first()).toBeVisible();
    await snap(page, "quotas-keys");
    await page.keyboard.press("Escape");

    await page.getByRole("tab", { name: "Providers" }).click();
    await expect(page).toHaveURL(/tab=providers/);
    await expect(page.getByRole("row").filter({ hasText: PROVIDER }).filter({ hasText: "Daily limit" })).toContainText("$100.00");
    await snap(page, "quotas-providers");
  });

  await test.step("a key's limits are edited on the users page and show up in its quotas", async () => {
    await nav(page).getByRole("link", { name: "Users" }).click();
    await page.getByRole("link", { name: `Show the API keys of ${USER}` }).click();
    await page.getByRole("button", { name: `Edit key ${KEY_NAME}` }).click();
    const dialog = page.getByRole("dialog", { name: "Edit API key" });
    await dialog.locator("summary", { hasText: "Quotas" }).click();
    await dialog.getByLabel("5-hour limit").fill("-2");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog.getByText("Between 0 and 1000000000.")).toBeVisible();
    await dialog.getByLabel("5-hour limit").fill("2.5");
    await dialog.getByLabel("Daily reset time").fill("18:30");
    await snap(page, "key-edit-dialog");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();

    await page.goto("/dashboard/quotas?tab=keys");
    await page.getByRole("row").filter({ hasText: KEY_NAME }).filter({ hasText: "5-hour limit" }).getByRole("link", { name: KEY_NAME }).click();
    const keyCard = page.getByRole("region", { name: KEY_NAME });
    await expect(keyCard.getByRole("progressbar", { name: "5-hour limit" })).toHaveAttribute("aria-valuetext", "$0.00 of $2.50");
    // The key's daily limit is still its user's, so it keeps the user's reset time.
    await expect(keyCard).toContainText("06:00:00");
    await page.keyboard.press("Escape");
    await expect(keyCard).toBeHidden();
  });

  await test.step("system settings: a change is saved and applies (site title), field errors show", async () => {
    await nav(page).getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("heading", { name: "System settings", level: 1 })).toBeVisible();
    const general = page.getByRole("region", { name: "General and billing" });
    await general.getByLabel("Time zone").fill("Mars/Olympus");
    await general.getByRole("button", { name: "Save" }).click();
    await expect(general.getByText("Not a time zone this server knows")).toBeVisible();
    await general.getByLabel("Time zone").fill("UTC");
    await general.getByLabel("Site title").fill("Admin Pages E2E");
    await general.getByLabel("Price file URL").fill(priceFileUrl);
    await general.getByRole("button", { name: "Save" }).click();
    await expect(general.getByRole("status")).toHaveText("Saved.");
    await page.reload();
    await expect(page.getByRole("complementary").getByText("Admin Pages E2E")).toBeVisible();

    const logs = page.getByRole("region", { name: "Logs" });
    await logs.getByLabel("Keep request logs for (days)").fill("45");
    await logs.getByRole("button", { name: "Save" }).click();
    await expect(logs.getByRole("status")).toHaveText("Saved.");
    const resilience = page.getByRole("region", { name: "Resilience" });
    await resilience.getByLabel("Lowest client versions").fill("claude-cli: latest");
    await resilience.getByRole("button", { name: "Save" }).click();
    await expect(resilience.getByText("Line 1 needs the form: client: 1.0.80.")).toBeVisible();
    await snap(page, "settings");
    expect(await admin("settings/get")).toMatchObject({ siteTitle: "Admin Pages E2E", logRetentionDays: 45, priceSyncUrl: priceFileUrl });

    await page.getByRole("button", { name: "中文" }).click();
    await expect(page.getByRole("heading", { name: "系统设置", level: 1 })).toBeVisible();
    await snap(page, "settings-zh");
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "System settings", level: 1 })).toBeVisible();
  });

  await test.step("prices: add a manual price, search it, sync from LiteLLM (manual kept)", async () => {
    await settingsNav(page).getByRole("link", { name: "Prices" }).click();
    await expect(page.getByRole("heading", { name: "Model prices", level: 1 })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "claude-sonnet-4-5" }).first()).toBeVisible();
    await snap(page, "prices");

    await page.getByRole("button", { name: "Add price" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a model price" });
    await dialog.getByLabel("Model").fill(PRICE_MODEL);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog.getByText("Give at least an input or an output price.")).toBeVisible();
    await dialog.getByLabel("Input").fill("1.5");
    await dialog.getByLabel("Output").fill("6");
    await snap(page, "prices-dialog");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();

    await page.getByLabel("Model contains").fill("e2e-manual");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=e2e-manual/);
    const row = page.getByRole("row").filter({ hasText: PRICE_MODEL });
    await expect(row).toContainText("manual");
    await expect(row).toContainText("$1.5");
    await expect(row).toContainText("$6");

    await page.getByRole("button", { name: "Sync from LiteLLM" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Prices synced" })).toContainText("1 added, 0 updated, 0 unchanged, 1 manual kept, 1 invalid skipped.");
    await snap(page, "prices-sync");
    await page.reload();
    await expect(row).toContainText("$1.5"); // the sync's 0.5 per token did not overwrite it
    await page.getByLabel("Model contains").fill("e2e-synced");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("row").filter({ hasText: "e2e-synced-model" })).toContainText("LiteLLM");
  });

  await test.step("error rules: create a rule and test an error against it", async () => {
    await settingsNav(page).getByRole("link", { name: "Error rules" }).click();
    await expect(page.getByRole("heading", { name: "Error rules", level: 1 })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "prompt is too long" })).toBeVisible();

    await page.getByRole("button", { name: "New rule" }).click();
    const dialog = page.getByRole("dialog", { name: "New error rule" });
    await dialog.getByLabel("Pattern").fill("e2e widget (exploded");
    await chooseOption(page, dialog, "Match", "regular expression");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByText("Not a valid regular expression.")).toBeVisible();
    await dialog.getByLabel("Pattern").fill(RULE);
    await chooseOption(page, dialog, "Match", "contains");
    await dialog.getByLabel("Category").fill("provider_error");
    await dialog.getByLabel("Retry", { exact: true }).click();
    await dialog.getByLabel("Message for the client").fill("The widget service is down; try again later.");
    await dialog.getByLabel("Priority").fill("50");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("row").filter({ hasText: RULE })).toContainText("provider error");

    const tester = page.getByRole("region", { name: "Test an error" });
    await tester.getByLabel("Upstream error").fill(JSON.stringify({ error: { type: "api_error", message: `Upstream says: ${RULE.toUpperCase()}!` } }));
    await tester.getByRole("button", { name: "Test" }).click();
    await expect(tester.getByRole("status")).toContainText(`Matches "${RULE}"`);
    await expect(tester.getByRole("status")).toContainText("retry: Yes");
    await expect(tester.getByRole("status")).toContainText("The widget service is down");
    await snap(page, "error-rules");
    await tester.getByLabel("Upstream error").fill("something else entirely");
    await tester.getByRole("button", { name: "Test" }).click();
    await expect(tester.getByRole("status")).toContainText("No rule matches");
  });

  await test.step("provider groups: create one with a multiplier and edit it", async () => {
    await settingsNav(page).getByRole("link", { name: "Provider groups" }).click();
    await expect(page.getByRole("heading", { name: "Provider groups", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New group" }).click();
    const dialog = page.getByRole("dialog", { name: "New provider group" });
    await dialog.getByLabel("Name").fill("a,b");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByText("A group name cannot contain commas or line breaks.")).toBeVisible();
    await dialog.getByLabel("Name").fill(GROUP);
    await dialog.getByLabel("Cost multiplier").fill("1.5");
    await dialog.getByLabel("Description").fill("Priority lane");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole("row").filter({ hasText: GROUP });
    await expect(row).toContainText("×1.5");
    await row.getByRole("button", { name: `Edit group ${GROUP}` }).click();
    const edit = page.getByRole("dialog", { name: "Edit provider group" });
    await edit.getByLabel("Cost multiplier").fill("2");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit).toBeHidden();
    await expect(row).toContainText("×2");
    await snap(page, "groups");
  });

  await test.step("providers: connection test, breaker opened by a failure, then reset", async () => {
    await nav(page).getByRole("link", { name: "Providers" }).click();
    const row = page.getByRole("row").filter({ hasText: PROVIDER });
    await expect(row.getByText("closed")).toBeVisible();

    await row.getByRole("button", { name: `Test connection to ${PROVIDER}` }).click();
    const dialog = page.getByRole("dialog", { name: "Test connection" });
    await dialog.getByRole("button", { name: "Run test" }).click();
    const result = page.getByRole("dialog", { name: "Connection test" });
    await expect(result.getByText("Reachable")).toBeVisible();
    await expect(result.getByRole("status")).toContainText("200");
    await expect(result.getByRole("status")).toContainText("claude-haiku-4-5");
    await expect(result).not.toContainText("sk-ant-e2e-breaker-0042");
    await snap(page, "provider-test");
    await result.getByRole("button", { name: "Close" }).first().click();
    await expect(result).toBeHidden();

    // One failed request (no usage, so nothing is billed) opens the breaker (threshold 1).
    const enqueue = await fetch(`${FAKE_UPSTREAM_URL}/__fake/enqueue`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ kind: "status", status: 500, message: "upstream exploded" }]),
    });
    expect(enqueue.ok).toBe(true);
    const failed = await fetch(`${HUB_URL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await failed.text();

    await page.reload();
    await expect(row.getByText("open", { exact: true })).toBeVisible();
    await expect(row).toContainText("until");
    await snap(page, "providers-breaker-open");
    await row.getByRole("button", { name: `Reset the breaker of ${PROVIDER}` }).click();
    await expect(row.getByText("closed")).toBeVisible();
    await expect(row.getByRole("button", { name: `Reset the breaker of ${PROVIDER}` })).toHaveCount(0);
  });

  await test.step("providers: the advanced fields are edited and kept", async () => {
    const row = page.getByRole("row").filter({ hasText: PROVIDER });
    await row.getByRole("button", { name: `Edit ${PROVIDER}` }).click();
    const dialog = page.getByRole("dialog", { name: "Edit provider" });
    await dialog.getByText("Advanced").click();
    await dialog.getByLabel("Priority per group").fill("team-e2e = 3");
    await dialog.getByLabel("Active from").fill("00:00");
    await dialog.getByLabel("Active until").fill("23:59");
    await chooseOption(page, dialog, "When the client disconnects", "Drain it to record usage");
    await dialog.getByLabel("Drain for at most (s)").fill("5");
    await dialog.getByLabel("Extra upstream headers").fill("X-Title: e2e hub");
    await dialog.getByLabel("Take conversations back after recovering").click();
    await chooseOption(page, dialog, "MCP passthrough", "glm");
    // A claude provider serves only Claude requests until the admin allows conversion.
    await dialog.getByLabel("Allow format conversion").click();
    await snap(page, "provider-edit-advanced");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();

    const { items } = await admin<{ items: Array<Record<string, unknown>> }>("providers/list", {});
    expect(items.find((p) => p.id === providerId)).toMatchObject({
      groupPriorities: { "team-e2e": 3 },
      activeTimeStart: "00:00",
      activeTimeEnd: "23:59",
      clientAbortPolicy: "drain",
      drainTimeoutMs: 5000,
      // Header values may be secrets: the API names the header and masks its value (decision 0015).
      customHeaders: { "X-Title": "****" },
      reclaimSessions: true,
      mcpPassthroughType: "glm",
      allowFormatConversion: true,
    });

    // Durations are stored in milliseconds and shown again in the units they are typed in.
    await row.getByRole("button", { name: `Edit ${PROVIDER}` }).click();
    await dialog.getByText("Advanced").click();
    await expect(dialog.getByLabel("Drain for at most (s)")).toHaveValue("5");
    await expect(dialog.getByLabel("Open for (min)")).toHaveValue("30");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("the site title is restored", async () => {
    await admin("settings/update", { siteTitle: "Claude Code Hub" });
  });
});

test("a dashboard user sees their own quotas and no settings", async ({ browser, browserConsole }) => {
  const { items } = await admin<{ items: Array<{ id: number; name: string }> }>("users/list", {});
  const user = items.find((u) => u.name === USER)!;
  const { key } = await admin<{ key: string }>("keys/create", { userId: user.id, name: "quota-e2e-web", canLoginWebUi: true });
  const context = await browser.newContext();
  const page = await context.newPage();
  browserConsole.watch(page);
  try {
    await logIn(page, key);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(nav(page).getByRole("link", { name: "Settings" })).toHaveCount(0);
    await nav(page).getByRole("link", { name: "Quotas" }).click();
    await expect(page.getByRole("tab")).toHaveCount(0);
    await expect(page.getByRole("region", { name: "My key: quota-e2e-web" })).toBeVisible();
    await expect(page.getByRole("region", { name: `My account: ${USER}` }).getByRole("progressbar", { name: "Total limit" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Reset the total/ })).toHaveCount(0);
    await snap(page, "quotas-as-user");

    browserConsole.expectError(/status of 403/);
    await page.goto("/dashboard/settings/prices");
    await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  } finally {
    await context.close();
  }
});

test("a key without dashboard access sees its quotas on /my-usage", async ({ browser, browserConsole }) => {
  expect(apiKey, "beforeAll creates the key").not.toBe("");
  const context = await browser.newContext();
  const page = await context.newPage();
  browserConsole.watch(page);
  try {
    await logIn(page, apiKey);
    await expect(page).toHaveURL(/\/my-usage$/);
    const quotas = page.getByRole("region", { name: `My account: ${USER}` });
    await expect(quotas.getByRole("progressbar", { name: "Daily limit" })).toHaveAttribute("aria-valuetext", "$0.00 of $5.00");
    const key = page.getByRole("region", { name: `My key: ${KEY_NAME}` });
    await expect(key.getByRole("progressbar", { name: "5-hour limit" })).toHaveAttribute("aria-valuetext", "$0.00 of $2.50");
    // The key has no RPM limit of its own: its user's applies.
    await expect(key).toContainText(/\d+ of 30/);
    await snap(page, "my-usage-quotas");
  } finally {
    await context.close();
    // Leave the hub as dashboard.spec.ts expects it: no providers.
    await admin("providers/delete", { id: providerId });
  }
});
