import { defineConfig } from "vitest/config";

// Browser tests: real Chromium against the production build (`vite build` runs first, see package.json).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    pool: "forks",
    // Two files at a time, each with a Chromium of its own: one file leaves much of two cores idle
    // while it waits on the page and the stand-in (docs/benchmarks.md#the-browser-suite).
    maxWorkers: 2,
    // One module graph for all files (playwright-core, the server): re-importing them for each of
    // the 24 files took ~22 s of a CI run. Every file still starts its own server.
    isolate: false,
    // One Chromium per worker; each file connects to its worker's and makes its own contexts.
    globalSetup: ["./test/e2e/globalSetup.ts"],
    // A hang guard, not a speed check: every wait in a test has its own, shorter timeout. The longest
    // stories make ~100 round trips to the page, each slowed alike by a busy machine: frames'
    // Ctrl+Shift+G tests took 16 s at load 14 and ran past 60 s at load 38, with no step waiting
    // on a moment (docs/benchmarks.md#the-browser-suite).
    testTimeout: 120_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    // expect.poll's default is 1 s. Polls wait on a condition, but on a busy machine a click's
    // re-render can take longer than that (bigopen.e2e's wire selection failed so at load ~5 with
    // two CPU burners). A longer ceiling only matters when the condition is slow to come true.
    expect: { poll: { timeout: 10_000 } },
    reporters: ["default", ["./test/reliability/reporter.ts", { suite: "e2e" }]],
  },
});
