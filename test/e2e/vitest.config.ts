import { defineConfig } from "vitest/config";

// Browser tests: real Chromium against the production build (`vite build` runs first, see package.json).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    // One module graph for all files (playwright-core, the server): re-importing them for each of
    // the 24 files took ~22 s of a CI run. Every file still starts its own server and browser.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    reporters: ["default", ["./test/reliability/reporter.ts", { suite: "e2e" }]],
  },
});
