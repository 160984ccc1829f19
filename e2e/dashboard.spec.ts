/**
 * The dashboard journey: an admin logs in, creates a user, an API key and a provider through
 * the UI; a real Anthropic SDK client sends requests with that key through the hub to the fake
 * upstream; the admin finds them in the logs with their decision chain; the key (without
 * dashboard access) logs in and sees only its own usage page.
 */
import Anthropic from "@anthropic-ai/sdk";
import { ADMIN_TOKEN, FAKE_UPSTREAM_URL, HUB_URL } from "./support/env.ts";
import { chooseOption, expect, logIn, snap, test } from "./support/fixtures.ts";

test.describe.configure({ mode: "serial" });

const USER = "alice-e2e";
const KEY_NAME = "alice-laptop";
const PROVIDER = "fake-anthropic";
const MODEL = "claude-sonnet-4-6";
// Usage the fake upstream reports, so the log rows have recognisable numbers.
const USAGE = { inputTokens: 1234, outputTokens: 567, cacheReadTokens: 890 };

/** The key read from the show-once dialog, used by the SDK and by the second test. */
let apiKey = "";

test("an admin sets up a user, a key and a provider, and follows a request through the logs", async ({ page, context, browserConsole }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: HUB_URL });

  await test.step("login page rejects a wrong token, accepts the admin token", async () => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Claude Code Hub" })).toBeVisible();
    await snap(page, "login");

    browserConsole.expectError(/status of 401/);
    await page.getByLabel("Admin token or API key").fill("not-the-token");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Login failed" })).toBeVisible();
    await snap(page, "login-failed");

    await logIn(page, ADMIN_TOKEN);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await expect(page.getByText("Requests today")).toBeVisible();
    // admin-pages.spec.ts (same hub) billed nothing, but its failed request counts: "requests"
    // include failures, and a user whose requests all failed is among the top users.
    await expect(page.getByText("No usage yet today.").or(page.getByRole("cell", { name: "quota-e2e" })).first()).toBeVisible();
    await snap(page, "overview-empty");
  });

  await test.step("create a user (with a validation error first)", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).first().getByRole("link", { name: "Users" }).click();
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "New user" });
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByText("Required.")).toBeVisible();

    await dialog.getByLabel("Name", { exact: true }).fill(USER);
    await dialog.getByLabel("Description").fill("Created by the e2e journey");
    await chooseOption(page, dialog, "Role", "User");
    await snap(page, "users-create-dialog");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole("row").filter({ hasText: USER });
    await expect(row).toBeVisible();
    await expect(row.getByText("Enabled")).toBeVisible();
    await snap(page, "users");
  });

  await test.step("create an API key and read it from the show-once dialog", async () => {
    await page.getByRole("link", { name: `Show the API keys of ${USER}` }).click();
    await expect(page.getByRole("heading", { name: `API keys of ${USER}` })).toBeVisible();
    await expect(page.getByText("This user has no API keys.")).toBeVisible();

    await page.getByRole("button", { name: "New key" }).click();
    const dialog = page.getByRole("dialog", { name: "New API key" });
    await dialog.getByLabel("Key name").fill(KEY_NAME);
    // Left off on purpose: this key may only open /my-usage (checked in the second test).
    await expect(dialog.getByLabel("Can log in to the dashboard")).not.toBeChecked();
    await dialog.getByRole("button", { name: "Create" }).click();

    const created = page.getByRole("dialog", { name: "API key created" });
    await expect(created.getByText("This key will not be shown again.")).toBeVisible();
    apiKey = await created.getByLabel("Your new API key").inputValue();
    expect(apiKey).toMatch(/^sk-/);
    await created.getByRole("button", { name: "Copy" }).click();
    await expect(created.getByText("Copied to the clipboard")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(apiKey);
    await snap(page, "users-key-created");

    await created.getByRole("button", { name: "I have saved it" }).click();
    await expect(created).toBeHidden();
    const keyRow = page.getByRole("row").filter({ hasText: KEY_NAME });
    await expect(keyRow).toBeVisible();
    // Only the masked key is listed, never the key itself.
    await expect(page.getByText(apiKey)).toHaveCount(0);
    await expect(keyRow.getByText("No", { exact: true })).toBeVisible();
    await snap(page, "users-keys");

    // Disable and enable again (the key is used below).
    await keyRow.getByRole("button", { name: `Disable: ${KEY_NAME}` }).click();
    await expect(keyRow.getByText("Disabled")).toBeVisible();
    await keyRow.getByRole("button", { name: `Enable: ${KEY_NAME}` }).click();
    await expect(keyRow.getByText("Enabled")).toBeVisible();
  });

  await test.step("create a provider pointing at the fake upstream", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).first().getByRole("link", { name: "Providers" }).click();
    await expect(page.getByRole("heading", { name: "Providers", level: 1 })).toBeVisible();
    await expect(page.getByText("No providers yet.")).toBeVisible();
    await page.getByRole("button", { name: "New provider" }).click();
    const dialog = page.getByRole("dialog", { name: "New provider" });
    await dialog.getByLabel("Name", { exact: true }).fill(PROVIDER);
    await chooseOption(page, dialog, "Type", "claude");
    await dialog.getByLabel("URL", { exact: true }).fill(FAKE_UPSTREAM_URL);
    await dialog.getByLabel("API key", { exact: true }).fill("sk-ant-fake-upstream-key-0001");
    await dialog.getByText("Advanced").click();
    await expect(dialog.getByLabel("First byte, streaming (s)")).toBeVisible();
    await snap(page, "providers-create-dialog");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog).toBeHidden();

    const row = page.getByRole("row").filter({ hasText: PROVIDER });
    await expect(row).toBeVisible();
    await expect(row.getByText(FAKE_UPSTREAM_URL)).toBeVisible();
    await expect(row.getByText("sk-ant-fake-upstream-key-0001")).toHaveCount(0);
    await expect(row).toContainText("0001");
    await snap(page, "providers");

    // The upstream key is write-only: editing with the field left empty keeps it.
    await row.getByRole("button", { name: `Edit ${PROVIDER}` }).click();
    const edit = page.getByRole("dialog", { name: "Edit provider" });
    await expect(edit.getByLabel("API key", { exact: true })).toHaveValue("");
    await expect(edit.getByText("Leave empty to keep the current key.")).toBeVisible();
    await edit.getByLabel("Weight").fill("5");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit).toBeHidden();
    await expect(row.getByRole("cell", { name: "5", exact: true })).toBeVisible();
    await expect(row).toContainText("0001");
  });

  await test.step("a real SDK client sends a request and a stream with the new key", async () => {
    // Two answers with known usage, one per request.
    const enqueue = await fetch(`${FAKE_UPSTREAM_URL}/__fake/enqueue`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { kind: "success", usage: USAGE },
        { kind: "success", usage: USAGE },
      ]),
    });
    expect(enqueue.ok).toBe(true);

    const client = new Anthropic({ baseURL: HUB_URL, apiKey, maxRetries: 0 });
    const message = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "Hello" }] });
    expect(message.content[0]).toMatchObject({ type: "text" });
    expect(message.usage.output_tokens).toBe(USAGE.outputTokens);

    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "Hello again" }] });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("end_turn");
  });

  await test.step("the logs list both requests with user, model, tokens and cost", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).first().getByRole("link", { name: "Logs" }).click();
    await expect(page.getByRole("heading", { name: "Request logs" })).toBeVisible();
    const rows = page.getByRole("row").filter({ hasText: USER });
    // The log writer flushes in the background; reload until both rows are there.
    await expect(async () => {
      await page.reload();
      await expect(rows).toHaveCount(2, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });

    for (const row of await rows.all()) {
      await expect(row).toContainText(KEY_NAME);
      await expect(row).toContainText(PROVIDER);
      await expect(row).toContainText(MODEL);
      await expect(row).toContainText("1,234");
      await expect(row).toContainText("567");
      await expect(row).toContainText("890");
      await expect(row).toContainText(/\$0\.\d{2}/);
      await expect(row).toContainText("200");
    }
    await expect(rows.filter({ hasText: "stream" })).toHaveCount(1);
    await snap(page, "logs");

    // Filters go into the URL and keep matching rows.
    await chooseOption(page, page, "User", USER);
    await page.getByLabel("Status code").fill("200");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/userId=\d+/);
    await expect(page).toHaveURL(/statusCode=200/);
    await expect(rows).toHaveCount(2);
    await page.getByLabel("Status code").fill("500");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText("No requests match.")).toBeVisible();
    await page.getByRole("link", { name: "Reset" }).click();
    await expect(rows).toHaveCount(2);

    // A chosen filter shows again once the page has loaded it from the URL, and the "All"
    // option submits nothing again (Radix needs a stand-in value for it, which must not leak).
    await chooseOption(page, page, "User", USER);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/userId=\d+/);
    await expect(page.getByLabel("User")).toHaveText(USER);
    await chooseOption(page, page, "User", "All");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).not.toHaveURL(/userId=/);
    await expect(page.getByLabel("User")).toHaveText("All");

    // The selects work from the keyboard: Enter opens the list, an arrow moves, Enter chooses.
    const pageSize = page.getByRole("combobox", { name: "Rows per page" });
    await pageSize.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("option", { name: "50", exact: true })).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(page.getByRole("option", { name: "100", exact: true })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(pageSize).toHaveText("100");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/pageSize=100/);
    await page.getByRole("link", { name: "Reset" }).click();
    await expect(page).toHaveURL(/\/dashboard\/logs$/);
  });

  await test.step("a request's detail shows the cost breakdown and the decision chain", async () => {
    await page.getByRole("row").filter({ hasText: USER }).first().getByRole("link", { name: /Details/ }).click();
    const dialog = page.getByRole("dialog", { name: "Request details" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("heading", { name: "Tokens and cost" })).toBeVisible();
    await expect(dialog.getByText(`Priced as ${MODEL}`)).toBeVisible();
    await expect(dialog.getByRole("heading", { name: "Decision chain" })).toBeVisible();
    const candidate = dialog.getByRole("table", { name: "Candidates" }).getByRole("row").filter({ hasText: PROVIDER });
    await expect(candidate).toContainText("100%");
    const attempt = dialog.getByRole("table", { name: "Attempts" }).getByRole("row").filter({ hasText: PROVIDER });
    await expect(attempt).toContainText("first choice");
    await expect(attempt).toContainText("200");
    await snap(page, "log-detail");
    await dialog.getByRole("heading", { name: "Decision chain" }).scrollIntoViewIfNeeded();
    await snap(page, "log-detail-chain");
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(/\/dashboard\/logs$/);
  });

  await test.step("the overview counts today's requests", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).first().getByRole("link", { name: "Overview" }).click();
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: USER })).toContainText("2");
    await expect(page.locator(".recharts-bar-rectangle path").first()).toBeVisible();
    await snap(page, "overview");
  });

  await test.step("the language switches to Chinese and back", async () => {
    await page.getByRole("button", { name: "中文" }).click();
    await expect(page.getByRole("heading", { name: "概览", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "供应商" }).first()).toBeVisible();
    await snap(page, "overview-zh");
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  });

  await test.step("an unknown page is a friendly 404", async () => {
    browserConsole.expectError(/status of 404/);
    await page.goto("/dashboard/no-such-page");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await snap(page, "not-found");
  });

  await test.step("logging out ends the session", async () => {
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await snap(page, "logged-out");
    await page.goto("/dashboard/users");
    await expect(page).toHaveURL(/\/login$/);
  });
});

test("a key without dashboard access sees only its own usage", async ({ browser, browserConsole }) => {
  expect(apiKey, "the first test creates the key").not.toBe("");
  const context = await browser.newContext();
  const page = await context.newPage();
  browserConsole.watch(page);

  await logIn(page, apiKey);
  await expect(page).toHaveURL(/\/my-usage$/);
  await expect(page.getByRole("heading", { name: "My usage" })).toBeVisible();
  await expect(page.getByText(USER, { exact: true })).toBeVisible();
  await expect(page.getByText(KEY_NAME, { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Today" })).toContainText(/Requests\s*2(?!\d)/);
  await expect(page.getByRole("region", { name: "All time" })).toContainText(/Output tokens\s*1,134(?!\d)/);
  await expect(page.getByRole("row").filter({ hasText: MODEL })).toHaveCount(2);
  // Shows no dashboard navigation and keeps the key out of the dashboard.
  await expect(page.getByRole("link", { name: "Providers" })).toHaveCount(0);
  await snap(page, "my-usage");

  await page.goto("/dashboard/logs");
  await expect(page).toHaveURL(/\/my-usage$/);

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});

test("a user's key with dashboard access sees only that user, read-only", async ({ browser, browserConsole }) => {
  // Seeded through the admin REST API: the UI path for keys is covered by the first test.
  const admin = async (path: string, body: object) => {
    const response = await fetch(`${HUB_URL}/api/actions/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.ok, `${path} answered ${response.status}`).toBe(true);
    return response.json();
  };
  const { items } = (await admin("users/list", {})) as { items: Array<{ id: number; name: string }> };
  const alice = items.find((u) => u.name === USER);
  expect(alice, "the first test creates the user").toBeDefined();
  const { key } = (await admin("keys/create", { userId: alice!.id, name: "alice-dashboard", canLoginWebUi: true })) as { key: string };

  const context = await browser.newContext();
  const page = await context.newPage();
  browserConsole.watch(page);

  await logIn(page, key);
  await expect(page).toHaveURL(/\/dashboard$/);
  const nav = page.getByRole("navigation", { name: "Main navigation" }).first();
  await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Providers" })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: USER })).toContainText("2");
  await snap(page, "overview-as-user");

  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page.getByText("Your account and API keys (read-only).")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: USER })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "New user" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: `Edit ${USER}` })).toHaveCount(0);
  // Their own keys are listed straight away, without management buttons.
  await expect(page.getByRole("heading", { name: `API keys of ${USER}` })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: KEY_NAME })).toBeVisible();
  await expect(page.getByRole("button", { name: "New key" })).toHaveCount(0);
  await snap(page, "users-as-user");

  browserConsole.expectError(/status of 403/);
  await page.goto("/dashboard/providers");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await snap(page, "providers-forbidden");
  await context.close();
});

test("an admin reading Chinese gets the hub's refusals in Chinese", async ({ browser, browserConsole }) => {
  // The first visit follows Accept-Language, as a Chinese browser sends it.
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  browserConsole.watch(page);
  try {
    await page.goto("/login");
    await page.locator("input[name=token]").fill(ADMIN_TOKEN);
    await page.locator("form[method=post] button[type=submit]").last().click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await page.goto("/dashboard/providers");
    await page.getByRole("button", { name: "新建供应商" }).click();
    const dialog = page.getByRole("dialog", { name: "新建供应商" });
    await dialog.getByLabel("名称", { exact: true }).fill(PROVIDER);
    await chooseOption(page, dialog, "类型", "claude");
    await dialog.getByLabel("URL", { exact: true }).fill(FAKE_UPSTREAM_URL);
    await dialog.getByLabel("API Key", { exact: true }).fill("sk-ant-fake-upstream-key-0002");
    await dialog.getByText("高级设置").click();
    // Durations in human units, named in Chinese.
    await expect(dialog.getByLabel("熔断时长（分钟）")).toHaveValue("30");
    await dialog.getByRole("button", { name: "创建" }).click();
    // The hub refuses the duplicate name with a coded error, which the dashboard says in Chinese.
    await expect(dialog.getByRole("alert")).toHaveText("已存在同名供应商。");
    await snap(page, "providers-duplicate-zh");
    await dialog.getByRole("button", { name: "取消" }).click();

    await test.step("a sensitive-word pattern RE2 cannot run is refused in a Chinese sentence, the engine's words inside it", async () => {
      await page.goto("/dashboard/settings/sensitive-words");
      await page.getByRole("button", { name: "新建敏感词" }).click();
      const words = page.getByRole("dialog", { name: "新建敏感词" });
      await words.getByLabel("词语或模式").fill("(?=nightingale)");
      await chooseOption(page, words, "匹配方式", "正则表达式");
      await words.getByRole("button", { name: "创建" }).click();
      await expect(words.getByRole("alert")).toHaveText("请修正标出的字段。");
      await expect(words.getByText("该模式不是有效的 RE2 正则表达式（不支持环视和反向引用）。正则引擎的说明：error parsing regexp: invalid or unsupported Perl syntax: `(?=`")).toBeVisible();
      await expect(words).not.toContainText("服务器消息");
      await snap(page, "sensitive-word-invalid-zh");
      await words.getByRole("button", { name: "取消" }).click();
    });
  } finally {
    await context.close();
  }
});
