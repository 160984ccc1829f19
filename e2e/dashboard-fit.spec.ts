/**
 * The dashboard fits (issue 11): at 1440×900 and 390×844, in English and Chinese, no page scrolls
 * sideways, the phone navigation works, the logs' Status column is on screen, 403 and 404 stay
 * inside the dashboard frame, and a member sees no provider name anywhere (not in the page, not
 * in the data the page carries). A screenshot of every page is kept in the test output.
 *
 * This spec runs its own hub (own embedded database) so its users, requests and spend do not
 * change what the other journeys expect of the shared one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page, TestInfo } from "@playwright/test";
import { FAKE_UPSTREAM_URL, FIT_HUB_PORT } from "./support/env.ts";
import { expect, test } from "./support/fixtures.ts";

test.describe.configure({ mode: "serial" });

const PORT = FIT_HUB_PORT;
const HUB = `http://127.0.0.1:${PORT}`;
const TOKEN = "e2e-fit-admin-token";
const PROVIDER = "secret-pool-fit";
const MODEL = "claude-sonnet-4-6";

const VIEWPORTS = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
const LANGS = ["en", "zh-CN"] as const;

const TEXT = {
  en: { menu: "Open the menu", logs: "Logs", status: "Status", notFound: "Page not found", noAccess: "No access", dark: "Switch to dark mode", light: "Switch to light mode", pickDate: "Pick from a calendar", calendar: "Calendar", today: "Today", apply: "Apply", timeZone: "Time zone", providerCreated: "Created a provider", from: "From", to: "To", showRange: "Show range", candidates: "Candidates", priceSync: "Price sync at", groupMultiplier: "group multiplier", priceMultiplier: "Price multiplier", upstreamError: "upstream answered an error", upstream: "upstream" },
  "zh-CN": { menu: "打开菜单", logs: "日志", status: "状态", notFound: "页面不存在", noAccess: "无权访问", dark: "切换到深色模式", light: "切换到浅色模式", pickDate: "从日历中选择", calendar: "日历", today: "今天", apply: "应用", timeZone: "时区", providerCreated: "创建供应商", from: "从", to: "到", showRange: "显示该范围", candidates: "候选供应商", priceSync: "价格同步时间", groupMultiplier: "分组系数", priceMultiplier: "价格倍率", upstreamError: "上游返回了错误", upstream: "上游" },
} as const;

let hub: ChildProcess | undefined;
let dataDir = "";
let memberKey = "";
let memberRequestId = "";
let memberSuccessId = "";
let aliceId = 0;
let bobId = 0;

async function admin<T = Record<string, unknown>>(route: string, body: object = {}): Promise<T> {
  const response = await fetch(`${HUB}/api/actions/${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.ok, `${route} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

/** One request through the hub; the fake upstream answers with `behaviour`. */
async function send(key: string, behaviour: object) {
  const enqueue = await fetch(`${FAKE_UPSTREAM_URL}/__fake/enqueue`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([behaviour]) });
  expect(enqueue.ok).toBe(true);
  const response = await fetch(`${HUB}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, max_tokens: 32, messages: [{ role: "user", content: "Hello" }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function waitReady() {
  for (let i = 0; i < 600; i++) {
    if (hub?.exitCode !== null && hub?.exitCode !== undefined) throw new Error(`hub exited with ${hub.exitCode}`);
    try {
      if ((await fetch(`${HUB}/api/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("hub did not become ready");
}

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "cch-fit-"));
  hub = spawn(process.execPath, ["dist/server.js"], {
    stdio: ["ignore", "ignore", "ignore"],
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      APP_PORT: String(PORT),
      APP_HOST: "127.0.0.1",
      ADMIN_TOKEN: TOKEN,
      ENABLE_SECURE_COOKIES: "false",
      LOG_WRITER_FLUSH_MS: "50",
    } as unknown as NodeJS.ProcessEnv, // NODE_ENV left unset, as the shared e2e hub runs
  });
  await waitReady();

  await admin("providers/create", { name: PROVIDER, url: FAKE_UPSTREAM_URL, key: "sk-ant-fit-0001", providerType: "claude", groupTag: "fit-vip" });
  const alice = await admin<{ id: number }>("users/create", { name: "alice-fit", limitDailyUsd: 0.05, limit5hUsd: 1, providerGroup: "fit-vip" });
  const bob = await admin<{ id: number }>("users/create", { name: "bob-fit", limitMonthlyUsd: 50, providerGroup: "fit-vip" });
  aliceId = alice.id;
  bobId = bob.id;
  const carol = await admin<{ id: number }>("users/create", { name: "carol-fit-failing", providerGroup: "fit-vip" });
  memberKey = (await admin<{ key: string }>("keys/create", { userId: alice.id, name: "alice-web", canLoginWebUi: true })).key;
  const bobKey = (await admin<{ key: string }>("keys/create", { userId: bob.id, name: "bob-cli" })).key;
  const carolKey = (await admin<{ key: string }>("keys/create", { userId: carol.id, name: "carol-cli" })).key;

  const usage = { inputTokens: 1200, outputTokens: 800 };
  expect(await send(memberKey, { kind: "success", usage })).toBe(200);
  expect(await send(memberKey, { kind: "status", status: 400, message: "upstream says: account fit-vip-7 is over its budget" })).toBeGreaterThanOrEqual(400);
  expect(await send(bobKey, { kind: "success", usage })).toBe(200);
  expect(await send(carolKey, { kind: "status", status: 400, message: "bad request" })).toBeGreaterThanOrEqual(400);

  // The log writer flushes in the background.
  await expect(async () => {
    const list = await admin<{ total: number; items: Array<{ requestId: string; keyName: string | null; statusCode: number }> }>("logs/list", {});
    expect(list.total).toBe(4);
    memberRequestId = list.items.find((i) => i.keyName === "alice-web")!.requestId;
    memberSuccessId = list.items.find((i) => i.keyName === "alice-web" && i.statusCode === 200)!.requestId;
  }).toPass({ timeout: 15_000 });
});

test.afterAll(async () => {
  if (hub && hub.exitCode === null) {
    const exited = new Promise((resolve) => hub!.once("exit", resolve));
    hub.kill("SIGTERM");
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function openAs(browser: Browser, token: string, lang: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, baseURL: HUB, locale: lang === "en" ? "en-US" : "zh-CN", timezoneId: "UTC" });
  const page = await context.newPage();
  // The language comes from Accept-Language on the first visit (no cookie is set here).
  await page.goto("/login");
  await page.locator("input[name=token]").fill(token);
  await page.locator("form[method=post] button[type=submit]").last().click();
  await expect(page).not.toHaveURL(/\/login/);
  return { context, page };
}

/** Fails if the page is wider than the window (a sideways scroll). */
async function expectFits(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `page width at ${page.url()}`).toBeLessThanOrEqual(innerWidth);
}

/**
 * Text on the page whose colour is too close to its background (WCAG contrast under 3:1, the
 * bar for large text and chart labels), as "ratio text".
 */
async function lowContrastTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (css: string) => {
      const m = css.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0.5) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const el = walker.currentNode.parentElement;
      const text = walker.currentNode.textContent?.trim();
      if (!el || !text || el.closest("[aria-hidden=true], .sr-only")) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const color = rgba(getComputedStyle(el).color);
      if (!color) continue;
      const [hi, lo] = [luminance(color), luminance(background(el))].sort((x, y) => y - x);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 3) found.push(`${ratio.toFixed(2)} ${text.slice(0, 40)}`);
    }
    return found;
  });
}

async function visit(page: Page, url: string, shot: string, info: TestInfo) {
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  await expectFits(page);
  await page.screenshot({ path: info.outputPath(`${shot}.png`), fullPage: true });
}

for (const lang of LANGS) {
  for (const viewport of VIEWPORTS) {
    const tag = `${lang}-${viewport.name}`;

    test(`admin pages fit at ${viewport.width}px in ${lang}`, async ({ browser, browserConsole }, info) => {
      const { context, page } = await openAs(browser, TOKEN, lang, viewport);
      browserConsole.watch(page);
      try {
        await expect(page.locator("html")).toHaveAttribute("lang", lang);
        for (const [url, name] of [
          ["/dashboard", "overview"],
          ["/dashboard/users", "users"],
          [`/dashboard/users/${aliceId}`, "user-detail"],
          ["/dashboard/providers", "providers"],
          ["/dashboard/quotas", "quotas"],
          ["/dashboard/settings", "settings"],
          ["/dashboard/sessions", "sessions"],
          ["/dashboard/leaderboard", "leaderboard"],
          ["/dashboard/availability", "availability"],
          ["/dashboard/audit", "audit"],
        ]) {
          await visit(page, url, `${tag}-admin-${name}`, info);
          // Readable in the light theme too (a chart legend in the series' amber was 2.3:1 on white).
          if (viewport.name === "desktop") expect(await lowContrastTexts(page), url).toEqual([]);
        }

        // The audit log names what was done in the reader's language (the code on hover).
        await page.goto("/dashboard/audit");
        await expect(page.getByTitle("providers.create").first()).toHaveText(TEXT[lang].providerCreated);

        // The time-zone setting is searched, not scrolled through.
        await page.goto("/dashboard/settings");
        await page.getByRole("combobox", { name: TEXT[lang].timeZone }).fill("shang");
        await expect(page.getByRole("option", { name: /Asia\/Shanghai/ })).toBeVisible();
        await page.screenshot({ path: info.outputPath(`${tag}-time-zone-picker.png`) });
        await page.getByRole("combobox", { name: TEXT[lang].timeZone }).press("Escape");
        // Times of day are typed as HH:mm, not native time inputs (whose AM/PM follows the browser).
        await expect(page.locator("input[type=time], input[type=date], input[type=datetime-local]")).toHaveCount(0);
        const priceSync = page.getByRole("textbox", { name: TEXT[lang].priceSync });
        await priceSync.fill("9:30");
        await priceSync.blur();
        await expect(priceSync).toHaveValue("09:30");

        await visit(page, "/dashboard/logs", `${tag}-admin-logs`, info);
        const status = page.getByRole("columnheader", { name: TEXT[lang].status, exact: true });
        if (viewport.name === "desktop") {
          // Beside the time, on screen without scrolling the table.
          await expect(status).toBeInViewport({ ratio: 1 });
        } else {
          await expect(status).toBeVisible();
        }

        // The date picker speaks the dashboard's language (not the browser's), and filters by what is picked.
        await page.getByRole("button", { name: TEXT[lang].pickDate }).first().click();
        const calendar = page.getByRole("dialog", { name: TEXT[lang].calendar });
        await expect(calendar).toBeVisible();
        if (lang === "zh-CN") await expect(calendar).toContainText("年");
        else await expect(calendar).not.toContainText("年");
        await page.screenshot({ path: info.outputPath(`${tag}-date-picker.png`) });
        await calendar.getByRole("button", { name: TEXT[lang].today }).click();
        await expect(calendar).toBeHidden();
        await page.getByRole("button", { name: TEXT[lang].apply }).click();
        await expect(page).toHaveURL(/from=/);

        // A request's error type and its attempts' failures are named, not shown as the hub's codes.
        await visit(page, `/dashboard/logs/${encodeURIComponent(memberRequestId)}`, `${tag}-admin-log-detail`, info);
        const detail = page.getByRole("dialog");
        await expect(detail).toContainText(TEXT[lang].upstreamError);
        await expect(detail).not.toContainText("upstream_http_error");
        if (lang === "zh-CN") await expect(detail).not.toContainText("upstream answered");

        // The leaderboard's range of days is picked from the same calendar, not a native date input.
        await visit(page, "/dashboard/leaderboard", `${tag}-admin-leaderboard-range`, info);
        await expect(page.locator("input[type=date]")).toHaveCount(0);
        await page.getByRole("button", { name: TEXT[lang].pickDate }).first().click();
        const dayCalendar = page.getByRole("dialog", { name: TEXT[lang].calendar });
        if (lang === "zh-CN") await expect(dayCalendar).toContainText("年");
        else await expect(dayCalendar).not.toContainText("年");
        await dayCalendar.getByRole("button", { name: TEXT[lang].today }).click();
        const from = page.getByRole("textbox", { name: TEXT[lang].from, exact: true });
        await expect(from).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
        const day = await from.inputValue();
        await page.getByRole("textbox", { name: TEXT[lang].to, exact: true }).fill(day);
        await page.getByRole("button", { name: TEXT[lang].showRange }).click();
        await expect(page).toHaveURL(new RegExp(`period=custom&from=${day}&to=${day}`));

        browserConsole.expectError(/status of 404/);
        await visit(page, "/dashboard/no-such-page", `${tag}-admin-404`, info);
        await expect(page.getByRole("heading", { name: TEXT[lang].notFound })).toBeVisible();
        // Inside the frame: the navigation is still there.
        if (viewport.name === "desktop") await expect(page.getByRole("navigation").getByRole("link", { name: TEXT[lang].logs, exact: true })).toBeVisible();
        else await expect(page.getByRole("button", { name: TEXT[lang].menu })).toBeVisible();

        if (viewport.name === "desktop") {
          // Dark mode: switched from the top bar, remembered across pages.
          await page.goto("/dashboard");
          await page.getByRole("button", { name: TEXT[lang].dark }).click();
          await expect(page.locator("html")).toHaveClass(/dark/);
          await page.goto("/dashboard/logs");
          await expect(page.locator("html")).toHaveClass(/dark/);
          await page.screenshot({ path: info.outputPath(`${tag}-dark-logs.png`), fullPage: true });
          // Readable in the dark: chart legends (the first series was navy) and failure counts (red-700) included.
          for (const [url, name] of [
            ["/dashboard", "overview"],
            ["/dashboard/logs", "logs"],
            [`/dashboard/logs/${encodeURIComponent(memberRequestId)}`, "log-detail"],
            ["/dashboard/users", "users"],
            ["/dashboard/quotas", "quotas"],
            ["/dashboard/sessions", "sessions"],
            ["/dashboard/availability", "availability"],
            ["/dashboard/providers", "providers"],
          ]) {
            await visit(page, url, `${tag}-dark-${name}`, info);
            expect(await lowContrastTexts(page), url).toEqual([]);
          }
          await page.getByRole("button", { name: TEXT[lang].light }).click();
          await expect(page.locator("html")).not.toHaveClass(/dark/);
        }

        if (viewport.name === "phone") {
          await page.goto("/dashboard");
          await page.getByRole("button", { name: TEXT[lang].menu }).click();
          const drawer = page.getByRole("dialog");
          await expect(drawer).toBeVisible();
          await page.screenshot({ path: info.outputPath(`${tag}-drawer.png`) });
          await drawer.getByRole("link", { name: TEXT[lang].logs, exact: true }).click();
          await expect(page).toHaveURL(/\/dashboard\/logs$/);
          await expect(drawer).toBeHidden();
        }
      } finally {
        await context.close();
      }
    });

    test(`a member sees no provider name, at ${viewport.width}px in ${lang}`, async ({ browser, browserConsole }, info) => {
      const { context, page } = await openAs(browser, memberKey, lang, viewport);
      browserConsole.watch(page);
      try {
        for (const [url, name] of [
          ["/dashboard", "overview"],
          ["/dashboard/logs", "logs"],
          [`/dashboard/logs/${encodeURIComponent(memberRequestId)}`, "log-detail"],
          ["/dashboard/quotas", "quotas"],
          [`/dashboard/users/${aliceId}`, "user-detail"],
          ["/my-usage", "my-usage"],
        ]) {
          await visit(page, url, `${tag}-member-${name}`, info);
          // The whole document, including the data the page was hydrated from.
          const html = await page.content();
          expect(html, url).not.toContain(PROVIDER);
          // Nor the provider group, nor the upstream's own error text (which names an account).
          expect(html, url).not.toContain("fit-vip");
        }
        // Their request's detail: no routing tables, the provider is "upstream" in their language, the error type named.
        await visit(page, `/dashboard/logs/${encodeURIComponent(memberRequestId)}`, `${tag}-member-log-detail-dialog`, info);
        const detail = page.getByRole("dialog");
        await expect(detail.getByRole("table", { name: TEXT[lang].candidates })).toHaveCount(0);
        await expect(detail).toContainText(TEXT[lang].upstreamError);
        await expect(detail).not.toContainText("upstream_http_error");
        if (lang === "zh-CN") await expect(detail).not.toContainText("upstream");
        else await expect(detail.getByText(TEXT[lang].upstream, { exact: true }).first()).toBeVisible();

        // A priced request: the member sees the price multiplier, not the provider's and group's parts of it.
        await visit(page, `/dashboard/logs/${encodeURIComponent(memberSuccessId)}`, `${tag}-member-log-detail-priced`, info);
        await expect(page.getByRole("dialog")).toContainText(TEXT[lang].priceMultiplier);
        await expect(page.getByRole("dialog")).not.toContainText(TEXT[lang].groupMultiplier);

        // The setup card carries this hub's base URL for the member's clients.
        await page.goto("/my-usage");
        await expect(page.getByText("ANTHROPIC_BASE_URL").first()).toBeVisible();
        await expect(page.locator("pre").first()).toContainText(HUB);

        browserConsole.expectError(/status of 403/);
        await visit(page, "/dashboard/settings", `${tag}-member-403`, info);
        await expect(page.getByRole("heading", { name: TEXT[lang].noAccess })).toBeVisible();

        // Another person's page is not found (the hub says so, not just the page).
        browserConsole.expectError(/status of 404/);
        await visit(page, `/dashboard/users/${bobId}`, `${tag}-member-404`, info);
        await expect(page.getByRole("heading", { name: TEXT[lang].notFound })).toBeVisible();
      } finally {
        await context.close();
      }
    });
  }
}
