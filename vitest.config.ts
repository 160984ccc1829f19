import { defineConfig } from "vitest/config";

// Unit tests sit beside the code (*.test.ts); tests that need the machine's PostgreSQL and
// Redis are *.integration.test.ts; SDK end-to-end tests live in e2e/*.test.ts. Browser
// journeys (e2e/*.spec.ts) belong to Playwright, not to Vitest.
export default defineConfig({
  test: {
    include: ["server/**/*.test.ts", "app/**/*.test.ts", "e2e/**/*.test.ts", "prisma/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test-support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
