// The inbox's benchmark (scripts/bench-inbox): Playwright drives Debian's Chromium against a
// `convo serve` that the script started on a large data set. Figures are written to a report;
// nothing here asserts a time.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "bench",
  testMatch: "*.bench.ts",
  workers: 1,
  timeout: 30 * 60_000,
  reporter: [["list"]],
  outputDir: "../target/inbox-bench-results",
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    viewport: { width: 1280, height: 800 },
  },
});
