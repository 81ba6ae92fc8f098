import { defineConfig } from "vitest/config";

// Browser tests: real Chromium against the production build (`vite build` runs first, see package.json).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    reporters: ["default", ["./test/reliability/reporter.ts", { suite: "e2e" }]],
  },
});
