/**
 * Request filters and the display currency, as an admin uses them: create a provider-scoped
 * filter on /dashboard/settings/filters (a bad path is refused with the reason), try it in the
 * tester, see a real request rewritten on its way to the fake upstream (which records what it
 * received), then switch the display currency to CNY and see today's cost in yuan.
 *
 * It shares the hub with the other specs: it deletes its filter and provider and puts the
 * currency back to USD at the end.
 */
import { ADMIN_TOKEN, FAKE_UPSTREAM_URL, HUB_URL } from "./support/env.ts";
import { chooseOption, expect, logIn, snap, test } from "./support/fixtures.ts";

test.describe.configure({ mode: "serial" });

const FILTER = "e2e team tag";

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
let userId = 0;

test.beforeAll(async () => {
  // A group of its own: the other specs' providers must not serve this user's request (the
  // filter is scoped to this provider).
  userId = (await admin<{ id: number }>("users/create", { name: "filters-e2e", providerGroup: "filters-e2e" })).id;
  apiKey = (await admin<{ key: string }>("keys/create", { userId, name: "filters-e2e-cli" })).key;
  providerId = (
    await admin<{ id: number }>("providers/create", {
      name: "filters-e2e-provider",
      url: FAKE_UPSTREAM_URL,
      key: "sk-ant-e2e-filters-0001",
      providerType: "claude",
      groupTag: "filters-e2e",
    })
  ).id;
});

test.afterAll(async () => {
  const { items } = await admin<{ items: Array<{ id: number }> }>("filters/list");
  for (const f of items) await admin("filters/delete", { id: f.id });
  await admin("settings/update", { currencyDisplay: "USD" });
  await admin("providers/delete", { id: providerId });
});

test("an admin rewrites requests with a filter and reads amounts in CNY", async ({ page }) => {
  await logIn(page, ADMIN_TOKEN);
  await expect(page).toHaveURL(/\/dashboard$/);

  await test.step("create a filter (a bad path is refused with the reason)", async () => {
    await page.goto("/dashboard/settings/filters");
    await expect(page.getByRole("heading", { name: "Request filters", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New filter" }).click();
    const dialog = page.getByRole("dialog", { name: "New request filter" });
    await dialog.getByLabel("Name", { exact: true }).fill(FILTER);
    await dialog.getByLabel("Header name or JSON path").fill("metadata[");
    await dialog.getByLabel("Value / replacement").fill('{"team":"e2e"}');
    await chooseOption(page, dialog, "Scope", "chosen providers", { exact: true });
    await dialog.getByLabel("Provider ids").fill(String(providerId));
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByText(/Invalid path "metadata\[": a '\[' is not closed/)).toBeVisible();
    await dialog.getByLabel("Header name or JSON path").fill("metadata");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("row").filter({ hasText: FILTER })).toContainText("filters-e2e-provider");
  });

  await test.step("the tester shows the sample before and after", async () => {
    const tester = page.getByRole("region", { name: "Try the filters" });
    await chooseOption(page, tester, "Provider", "filters-e2e-provider", { exact: true });
    await tester.getByRole("button", { name: "Run" }).click();
    await expect(tester.getByTestId("filter-before")).toContainText('"user_id":"alice"');
    await expect(tester.getByTestId("filter-after")).toContainText('"metadata":{"team":"e2e"}');
    await expect(tester.getByRole("status")).toContainText(`✓ ${FILTER}`);
    await snap(page, "request-filters");
  });

  await test.step("a real request reaches the upstream rewritten", async () => {
    await fetch(`${FAKE_UPSTREAM_URL}/__fake/reset`, { method: "POST" });
    const res = await fetch(`${HUB_URL}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 20, metadata: { user_id: "alice" }, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    const seen = (await (await fetch(`${FAKE_UPSTREAM_URL}/__fake/requests`)).json()) as Array<{ json?: { metadata?: unknown } }>;
    expect(seen.at(-1)?.json?.metadata).toEqual({ team: "e2e" });
  });

  await test.step("switch the display currency to CNY and see today's cost in yuan", async () => {
    await page.goto("/dashboard/settings");
    await chooseOption(page, page, "Currency display", "CNY");
    await page.getByLabel("Exchange rate (display currency per 1 USD)").fill("7.2");
    await page.getByRole("region", { name: "General and billing" }).getByRole("button", { name: "Save" }).click();
    await expect(page.getByText(/USD × this rate \(set /)).toBeVisible();
    await page.goto("/dashboard");
    await expect(page.getByText(/¥\d/).first()).toBeVisible();
    await snap(page, "overview-cny");
  });
});
