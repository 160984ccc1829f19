/**
 * The e2e test object: every page is watched for console errors and uncaught exceptions, and a
 * test fails if any appear that it did not announce with `browserConsole.expectError(...)`.
 */
import { test as base, expect, type Locator, type Page } from "@playwright/test";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export interface ConsoleWatch {
  /** Also watch a page of another browser context. */
  watch(page: Page): void;
  /** One error matching this is expected (e.g. the 401 of a wrong password). */
  expectError(pattern: RegExp): void;
}

export const test = base.extend<{ browserConsole: ConsoleWatch }>({
  browserConsole: [
    async ({ page }, use) => {
      const errors: string[] = [];
      const expected: RegExp[] = [];
      const watch = (p: Page) => {
        p.on("console", (message) => {
          if (message.type() === "error") errors.push(`${message.text()} [${message.location().url}]`);
        });
        p.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
      };
      watch(page);
      await use({ watch, expectError: (pattern) => expected.push(pattern) });
      for (const pattern of expected) {
        const index = errors.findIndex((e) => pattern.test(e));
        if (index >= 0) errors.splice(index, 1);
      }
      expect(errors, "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

const SCREENSHOTS = fileURLToPath(new URL("../screenshots/", import.meta.url));

/** A full-page screenshot in e2e/screenshots/<name>.png (gitignored), once the page has settled. */
export async function snap(page: Page, name: string) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** Logs in through the /login form, as a person would. */
export async function logIn(page: Page, token: string) {
  await page.goto("/login");
  await page.getByLabel("Admin token or API key").fill(token);
  await page.getByRole("button", { name: "Log in" }).click();
}

/**
 * Chooses an option of one of the dashboard's selects (Radix Select): opens it by its label and
 * clicks the option by its visible name. The list is rendered in a portal at the end of the
 * page, outside any dialog, so the option is looked up on the page, not in `scope`.
 */
export async function chooseOption(page: Page, scope: Page | Locator, label: string | RegExp, option: string, labelOptions: { exact?: boolean } = {}) {
  const trigger = scope.getByLabel(label, labelOptions);
  await trigger.click();
  await page.getByRole("listbox").getByRole("option", { name: option, exact: true }).click();
  await expect(page.getByRole("listbox")).toBeHidden();
  await expect(trigger).toHaveText(option);
}
