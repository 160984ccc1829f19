/**
 * The sensitive-words journey: an admin is told why a bad pattern cannot be saved, adds a word,
 * tries it in the tester, finds the request it refused in the logs (400, blocked by
 * "sensitive word", naming the rule), then disables and deletes it. Then the same user's access
 * lists are set in the user dialog and the hub refuses another model and a blocked client. The
 * lists are cleared and the provider deleted at the end, so other journeys on this hub see none of it.
 */
import { ADMIN_TOKEN, FAKE_UPSTREAM_URL, HUB_URL } from "./support/env.ts";
import { chooseOption, expect, logIn, snap, test } from "./support/fixtures.ts";

const USER = "words-e2e";
const PROVIDER = "words-e2e-provider";
const WORD = "Project Nightingale";

async function admin<T = Record<string, unknown>>(path: string, body: object = {}): Promise<T> {
  const response = await fetch(`${HUB_URL}/api/actions/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.ok, `${path} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

let apiKey = "";
let providerId = 0;

test.beforeAll(async () => {
  const user = await admin<{ id: number }>("users/create", { name: USER });
  apiKey = (await admin<{ key: string }>("keys/create", { userId: user.id, name: "words-e2e-cli" })).key;
  providerId = (await admin<{ id: number }>("providers/create", { name: PROVIDER, url: FAKE_UPSTREAM_URL, key: "sk-ant-e2e-words", providerType: "claude" })).id;
});

test.afterAll(async () => {
  const { items } = await admin<{ items: Array<{ id: number; name: string }> }>("users/list", {});
  const user = items.find((u) => u.name === USER);
  if (user) await admin("users/update", { id: user.id, allowedModels: [], blockedClients: [] });
  if (providerId) await admin("providers/delete", { id: providerId });
});

test("an admin adds a sensitive word, tests it, and finds the request it refused in the logs", async ({ page }) => {
  await logIn(page, ADMIN_TOKEN);
  await expect(page).toHaveURL(/\/dashboard$/);

  await test.step("a pattern RE2 cannot run is refused with the reason; a word is added", async () => {
    await page.goto("/dashboard/settings");
    await page.getByRole("navigation", { name: "Settings pages" }).getByRole("link", { name: "Sensitive words" }).click();
    await expect(page.getByRole("heading", { name: "Sensitive words", level: 1 })).toBeVisible();
    await expect(page.getByText("No sensitive words.")).toBeVisible();

    await page.getByRole("button", { name: "New word" }).click();
    const dialog = page.getByRole("dialog", { name: "New sensitive word" });
    await dialog.getByLabel("Word or pattern").fill("(?=nightingale)");
    await chooseOption(page, dialog, "Match", "regular expression");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByText(/Lookarounds and backreferences are not supported/)).toBeVisible();
    await dialog.getByLabel("Word or pattern").fill(WORD);
    await chooseOption(page, dialog, "Match", "contains");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("row").filter({ hasText: WORD })).toContainText("Enabled");
  });

  await test.step("the tester says which word a text would be refused for", async () => {
    const tester = page.getByRole("region", { name: "Test a text" });
    await tester.getByLabel("Text").fill("What is the status of PROJECT nightingale?");
    await tester.getByRole("button", { name: "Test" }).click();
    await expect(tester.getByRole("status")).toContainText(`Refused by word #`);
    await expect(tester.getByRole("status")).toContainText(WORD);
    await snap(page, "sensitive-words");
    await tester.getByLabel("Text").fill("What is the weather?");
    await tester.getByRole("button", { name: "Test" }).click();
    await expect(tester.getByRole("status")).toContainText("No word matches");
  });

  await test.step("a request containing the word is refused and logged as blocked by it", async () => {
    const response = await fetch(`${HUB_URL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: `Summarise ${WORD} for me` }] }),
    });
    expect(response.status).toBe(400);
    expect((await response.text()).toLowerCase()).not.toContain("nightingale");

    await page.getByRole("navigation", { name: "Main navigation" }).first().getByRole("link", { name: "Logs" }).click();
    await expect(page.getByRole("heading", { name: "Request logs" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: USER });
    await expect(async () => {
      await page.reload();
      await expect(row).toHaveCount(1, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(row).toContainText("400");
    await row.getByRole("link", { name: /Details/ }).click();
    const dialog = page.getByRole("dialog", { name: "Request details" });
    // Named in the reader's words; the hub's code stays on hover.
    await expect(dialog.getByTitle("sensitive_word", { exact: true })).toHaveText("sensitive word");
    await expect(dialog).toContainText(/sensitive word rule #\d+/);
    await snap(page, "sensitive-word-log");
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  await test.step("the word is disabled, then deleted", async () => {
    await page.goto("/dashboard/settings/sensitive-words");
    const row = page.getByRole("row").filter({ hasText: WORD });
    await row.getByRole("button", { name: /Disable word #\d+/ }).click();
    await expect(row).toContainText("Disabled");
    const tester = page.getByRole("region", { name: "Test a text" });
    await tester.getByLabel("Text").fill(WORD);
    await tester.getByRole("button", { name: "Test" }).click();
    await expect(tester.getByRole("status")).toContainText("No word matches");
    await page.getByRole("button", { name: /Delete word #\d+/ }).click();
    await page.getByRole("dialog", { name: "Delete sensitive word" }).getByRole("button", { name: "Delete" }).click();
    await expect(page.getByText("No sensitive words.")).toBeVisible();
  });
});

test("an admin limits a user's models and clients in the user dialog, and the hub refuses the rest", async ({ page }) => {
  await logIn(page, ADMIN_TOKEN);
  await page.getByRole("navigation", { name: "Main navigation" }).first().getByRole("link", { name: "Users" }).click();
  await page.getByRole("button", { name: `Edit ${USER}` }).click();
  const dialog = page.getByRole("dialog", { name: "Edit user" });
  await dialog.getByText("Access", { exact: true }).click();
  await dialog.getByLabel("Allowed models").fill("prefix:claude-haiku");
  await dialog.getByLabel("Blocked clients").fill("codex-cli\nEvilBot");
  await snap(page, "user-access-lists");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();

  const send = (model: string, userAgent: string) =>
    fetch(`${HUB_URL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json", "anthropic-version": "2023-06-01", "user-agent": userAgent },
      body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: "user", content: "hello" }] }),
    });
  const otherModel = await send("claude-sonnet-4-5", "claude-cli/2.0.14 (external, cli)");
  expect(otherModel.status).toBe(403);
  expect(((await otherModel.json()) as { error: { message: string } }).error.message).toBe('This user may not use the model "claude-sonnet-4-5".');
  const blocked = await send("claude-haiku-4-5", "codex_cli_rs/0.46.0");
  expect(blocked.status).toBe(403);
  expect(((await blocked.json()) as { error: { message: string } }).error.message).toContain('blocked by the rule "codex-cli"');
  expect((await send("claude-haiku-4-5", "claude-cli/2.0.14 (external, cli)")).status).toBe(200);

  // The dialog shows what was saved.
  await page.reload();
  await page.getByRole("button", { name: `Edit ${USER}` }).click();
  await expect(page.getByRole("dialog", { name: "Edit user" }).getByLabel("Allowed models")).toHaveValue("prefix:claude-haiku");
});
