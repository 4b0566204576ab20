// The inbox in a real browser: Debian's Chromium (never a downloaded one), against a real
// `convo serve` that the tests start (SQLite, or PostgreSQL when INBOX_DATABASE_URL is set).
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests",
  // One server and one browser at a time: the machine has two cores.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "../target/inbox-test-results",
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    viewport: { width: 1280, height: 800 },
    screenshot: "only-on-failure",
  },
});
