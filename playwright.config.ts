/**
 * Browser journeys (e2e/*.spec.ts) in the Debian Chromium, headless. Playwright starts the fake
 * Anthropic upstream and the hub from the production build (run `npm run build` first; this
 * config never builds) with a fresh data directory each run, both on 127.0.0.1 only.
 */
import { defineConfig } from "@playwright/test";
import { ADMIN_TOKEN, FAKE_UPSTREAM_PORT, FAKE_UPSTREAM_URL, HUB_PORT, HUB_URL } from "./e2e/support/env.ts";

const DATA_DIR = ".cache/e2e-data";

export default defineConfig({
  testDir: "e2e",
  testMatch: "*.spec.ts",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: HUB_URL,
    locale: "en-US",
    timezoneId: "UTC",
    viewport: { width: 1440, height: 900 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: [
    {
      command: `node --import tsx e2e/fake-upstream/cli.ts --port ${FAKE_UPSTREAM_PORT} --host 127.0.0.1`,
      url: `${FAKE_UPSTREAM_URL}/__fake/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // A fresh embedded database every run, so the journey starts from an empty hub.
      command: `rm -rf ${DATA_DIR} && node dist/server.js`,
      url: `${HUB_URL}/api/health/ready`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        DATA_DIR,
        APP_PORT: String(HUB_PORT),
        APP_HOST: "127.0.0.1",
        ADMIN_TOKEN,
        ENABLE_SECURE_COOKIES: "false",
        LOG_WRITER_FLUSH_MS: "50",
      },
    },
  ],
});
