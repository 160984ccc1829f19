/**
 * The operations pages journey: real requests through the hub (a Claude Code-like client with a
 * session id; one upstream failure that opens the provider's breaker), then the admin reads the
 * overview's charts, the sessions page (a session's requests, unbinding it), the leaderboard
 * (periods, dimensions, what members see) and the availability page (success, latency, error
 * classes, the breaker and its history); a member then sees only their own figures and is
 * refused the availability page.
 *
 * Runs after dashboard.spec.ts on the same hub: it adds usage, and deletes its provider at the end.
 */
import type { Page } from "@playwright/test";
import { ADMIN_TOKEN, FAKE_UPSTREAM_URL, HUB_URL } from "./support/env.ts";
import { expect, logIn, snap, test } from "./support/fixtures.ts";

test.describe.configure({ mode: "serial" });

const USER = "ops-e2e-user";
const PROVIDER = "ops-e2e-pool";
const SESSION = "ops-e2e-session-0001";
const MODEL = "claude-sonnet-4-5";
const GROUP = "ops-e2e";

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

/** One Claude Code-like request of the session; resolves to the hub's status. */
async function request(): Promise<number> {
  const res = await fetch(`${HUB_URL}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json", "x-claude-code-session-id": SESSION, "user-agent": "claude-cli/2.0.14 (external, cli)" },
    body: JSON.stringify({ model: MODEL, max_tokens: 20, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.text();
  return res.status;
}

test.beforeAll(async () => {
  // A group of their own, so the requests go to this spec's provider and no other spec's.
  const user = await admin<{ id: number }>("users/create", { name: USER, providerGroup: GROUP });
  apiKey = (await admin<{ key: string }>("keys/create", { userId: user.id, name: `${USER}-laptop`, canLoginWebUi: true })).key;
  providerId = (
    await admin<{ id: number }>("providers/create", {
      name: PROVIDER,
      url: FAKE_UPSTREAM_URL,
      key: "sk-ant-e2e-ops-0042",
      providerType: "claude",
      groupTag: GROUP,
      circuitBreakerFailureThreshold: 1,
      maxRetryAttempts: 1,
    })
  ).id;
  const usage = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 3000 };
  const enqueue = await fetch(`${FAKE_UPSTREAM_URL}/__fake/enqueue`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([
      { kind: "success", usage },
      { kind: "success", usage },
      { kind: "status", status: 500, message: "upstream exploded" },
    ]),
  });
  expect(enqueue.ok).toBe(true);
  expect(await request()).toBe(200);
  expect(await request()).toBe(200);
  // The third fails upstream: a counted failure that opens the breaker (threshold 1).
  expect(await request()).toBeGreaterThanOrEqual(500);
});

test.afterAll(async () => {
  await admin("leaderboard/setMemberView", { memberView: "self" });
  await admin("providers/resetBreaker", { id: providerId });
  await admin("providers/delete", { id: providerId });
});

const nav = (page: Page) => page.getByRole("navigation", { name: "Main navigation" }).first();

test("an admin reads the overview, sessions, leaderboard and availability", async ({ page }) => {
  await logIn(page, ADMIN_TOKEN);
  await expect(page).toHaveURL(/\/dashboard$/);

  await test.step("the overview charts today's traffic and switches span and split", async () => {
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await expect(page.getByText("Requests today")).toBeVisible();
    await expect(page.getByRole("figure", { name: "Requests, errors and cost" }).locator(".recharts-bar-rectangle path").first()).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: USER })).toContainText("3");
    await expect(page.getByRole("row").filter({ hasText: PROVIDER })).toBeVisible();
    await snap(page, "ops-overview-today");
    await page.getByRole("navigation", { name: "Period" }).getByRole("link", { name: "7 days" }).click();
    await expect(page).toHaveURL(/span=7d/);
    await page.getByRole("navigation", { name: "Split by" }).getByRole("link", { name: "Providers" }).click();
    await expect(page).toHaveURL(/split=provider/);
    await expect(page.getByRole("figure", { name: "Cost by model or provider" })).toBeVisible();
    await expect(page.locator(".recharts-legend-item-text").filter({ hasText: PROVIDER }).first()).toBeVisible();
    await snap(page, "ops-overview-7d-providers");
  });

  await test.step("the sessions page lists the session, its requests, and unbinds it", async () => {
    await nav(page).getByRole("link", { name: "Sessions" }).click();
    await expect(page.getByRole("heading", { name: "Sessions", level: 1 })).toBeVisible();
    const row = page.getByRole("table", { name: "Sessions" }).getByRole("row").filter({ hasText: USER });
    await expect(row).toContainText("claude-cli/2.0.14");
    await expect(row).toContainText(MODEL);
    await expect(row).toContainText(PROVIDER);
    await expect(page.getByRole("figure", { name: "Per provider" })).toBeVisible();
    await snap(page, "ops-sessions");

    await row.getByRole("link", { name: `Requests of session ${SESSION}` }).click();
    const requests = page.getByRole("table", { name: "The session's requests" });
    await expect(requests.getByRole("row")).toHaveCount(4); // header + 3 requests
    await expect(requests).toContainText("200");
    await snap(page, "ops-session-requests");
    await requests.getByRole("row").nth(1).getByRole("link").click();
    await expect(page).toHaveURL(/\/dashboard\/logs\/.+/);
    await page.goBack();

    await page.getByRole("button", { name: `Unbind session ${SESSION} from its provider` }).click();
    await expect(page.getByRole("table", { name: "Sessions" }).getByRole("row").filter({ hasText: USER })).toContainText("not bound");
  });

  await test.step("the leaderboard ranks by period and dimension, and the admin sets what members see", async () => {
    await nav(page).getByRole("link", { name: "Leaderboard" }).click();
    await expect(page.getByRole("heading", { name: "Leaderboard", level: 1 })).toBeVisible();
    const board = page.getByRole("table", { name: "Leaderboard" });
    await expect(board.getByRole("row").filter({ hasText: USER })).toContainText("3");
    await page.getByRole("navigation", { name: "Sort by" }).getByRole("link", { name: "Cache hits" }).click();
    await expect(board.getByRole("row").filter({ hasText: USER })).toContainText("%");
    await page.getByRole("navigation", { name: "Rank" }).getByRole("link", { name: "Models" }).click();
    await expect(board.getByRole("row").filter({ hasText: MODEL })).toBeVisible();
    await page.getByRole("navigation", { name: "Period" }).getByRole("link", { name: "This month" }).click();
    await expect(page).toHaveURL(/period=month/);
    await expect(board.getByRole("row").filter({ hasText: MODEL })).toBeVisible();
    await snap(page, "ops-leaderboard-models-month");

    // A range that ends before it starts is refused, with today shown instead.
    await page.getByLabel("From", { exact: true }).fill("2026-12-05");
    await page.getByLabel("To", { exact: true }).fill("2026-12-01");
    await page.getByRole("button", { name: "Show range" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "That range cannot be shown" })).toBeVisible();

    await page.getByLabel("Anonymized ranks").check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByLabel("Anonymized ranks")).toBeChecked();
    await snap(page, "ops-leaderboard-admin");
  });

  await test.step("the availability page shows success, latency, error classes and the breaker's history", async () => {
    await nav(page).getByRole("link", { name: "Availability" }).click();
    await expect(page.getByRole("heading", { name: "Availability", level: 1 })).toBeVisible();
    const row = page.getByRole("table", { name: "Availability" }).getByRole("row").filter({ hasText: PROVIDER });
    await expect(row).toContainText("66.7%");
    await expect(page.getByRole("figure", { name: "Success rate over time" })).toBeVisible();
    const breaker = page.getByRole("table", { name: "Circuit breakers" }).getByRole("row").filter({ hasText: PROVIDER });
    await expect(breaker).toContainText("open");
    // The breaker watch looks every 10 seconds: reload until it has recorded the opening.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("table", { name: "Circuit breakers" }).getByRole("row").filter({ hasText: PROVIDER })).toContainText("closed → open", { timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await page.getByRole("navigation", { name: "Period" }).getByRole("link", { name: "Last hour" }).click();
    await expect(page.getByRole("table", { name: "Availability" }).getByRole("row").filter({ hasText: PROVIDER })).toContainText("66.7%");
    await page.getByRole("navigation", { name: "Per" }).getByRole("link", { name: "Models" }).click();
    await expect(page.getByRole("table", { name: "Availability" }).getByRole("row").filter({ hasText: MODEL })).toBeVisible();
    await snap(page, "ops-availability");
  });

  await test.step("the pages read in Chinese", async () => {
    await nav(page).getByRole("link", { name: "Leaderboard" }).click();
    await page.getByRole("button", { name: "中文" }).click();
    await expect(page.getByRole("heading", { name: "排行榜", level: 1 })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "主导航" }).first().getByRole("link", { name: "可用性" })).toBeVisible();
    await snap(page, "ops-leaderboard-zh");
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "Leaderboard", level: 1 })).toBeVisible();
  });
});

test("a member sees their own figures and no availability page", async ({ browser, browserConsole }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  browserConsole.watch(page);
  await logIn(page, apiKey);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("Your own traffic, cost and errors", { exact: false })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: USER })).toContainText("3");
  await expect(page.getByText(PROVIDER)).toHaveCount(0);
  await expect(nav(page).getByRole("link", { name: "Availability" })).toHaveCount(0);

  await nav(page).getByRole("link", { name: "Leaderboard" }).click();
  // The admin chose anonymized ranks: the member's own line is named, nobody else's is.
  await expect(page.getByText("Other users' names are hidden.")).toBeVisible();
  await expect(page.getByRole("table", { name: "Leaderboard" }).getByRole("row").filter({ hasText: USER })).toContainText("you");
  await expect(page.getByRole("navigation", { name: "Rank" }).getByRole("link", { name: "Providers" })).toHaveCount(0);
  await snap(page, "ops-leaderboard-member");

  await nav(page).getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByRole("table", { name: "Sessions" }).getByRole("row").filter({ hasText: USER })).toBeVisible();
  await expect(page.getByRole("button", { name: /Unbind/ })).toHaveCount(0);
  await expect(page.getByText(PROVIDER)).toHaveCount(0);
  await snap(page, "ops-sessions-member");

  browserConsole.expectError(/status of 403/);
  await page.goto("/dashboard/availability");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await context.close();
});
