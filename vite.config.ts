import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { TEST_TIMEOUT_MS } from "./test/harness/slowdown";

const LOAD_SOAK = ["test/reliability/load01.test.ts", "test/reliability/load03.test.ts"];
// Files that need a fresh module graph and globals of their own: the editor's (happy-dom, module
// mocks, fake IndexedDB, fake timers) and those that measure the heap.
const ISOLATED = [
  "test/editor/**/*.test.{ts,tsx}",
  "test/server/standin.limits.test.ts",
  "test/reliability/load02.test.ts",
];

export default defineConfig({
  plugins: [react()],
  // Only VITE_-prefixed variables may reach the bundle; FAL_KEY must never be one of them.
  envPrefix: "VITE_",
  resolve: {
    // One zustand: @xyflow/react asks for ^4 and would bring a second copy beside ours; the v5 API
    // it uses (zustand/traditional, zustand/shallow) is the same.
    dedupe: ["zustand"],
    alias: [
      // React 19 has useSyncExternalStore: zustand's import of the shim for older Reacts need not ship it.
      {
        find: /^use-sync-external-store\/shim\/with-selector(\.js)?$/,
        replacement: "use-sync-external-store/with-selector.js",
      },
    ],
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    modulePreload: {
      // index.html keeps its preloads. A chunk loaded on demand fetches the chunks it imports by
      // itself: vite's helper adding a <link rel=modulepreload> for each of them cost 20-60 ms of
      // main thread per import() at load 20, in the idle prefetches right after the first paint
      // (docs/benchmarks.md#the-first-load). The stylesheets of lazy chunks are still added.
      resolveDependencies: (_file, deps, { hostType }) => (hostType === "html" ? deps : []),
    },
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Everything the entry imports statically goes in one chunk: split into a dozen small
          // shared chunks (each gzipped alone) the first load was ~4 kB gzip larger
          // (docs/codebase.md#the-first-load).
          groups: [
            { name: "index", tags: ["$initial"] },
            // The node types' teaching texts load together (the parts that show one show any):
            // one request rather than thirteen.
            { name: "explain", test: /[\\/]nodes[\\/][^\\/]+[\\/]explain\.ts$/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      // changeOrigin: the server only answers to its own Host names (docs/server.md#the-gate);
      // Vite checks the dev server's own Host itself.
      "/api": { target: "http://127.0.0.1:8787", changeOrigin: true },
    },
  },
  test: {
    environment: "node",
    pool: "threads",
    // A hang guard with room for a busy machine (test/harness/slowdown.ts).
    testTimeout: TEST_TIMEOUT_MS,
    // The default output, then a pass/FAIL/MISSING row per reliability case (docs/reliability-cases.md).
    reporters: ["default", ["./test/reliability/reporter.ts", { suite: "unit" }]],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts", "test/**/*.test.tsx", "nodes/**/*.test.ts"],
          exclude: ["test/e2e/**", "node_modules/**", ...LOAD_SOAK, ...ISOLATED],
          // The rest import the same pure modules over and over: one module graph per worker instead
          // of one per file took the import phase of 44 of these files from 75 s to 17 s.
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: "unit-isolated", include: ISOLATED },
      },
      {
        // The soaks measure latency: they run alone, after everything else has finished.
        extends: true,
        test: { name: "soak", include: LOAD_SOAK, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
