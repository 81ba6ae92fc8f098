/// <reference types="vitest/config" />
// `npm start` builds with this file, so it imports only dependencies (vite, its React plugin) and
// repository files; vitest's `test` block below is typed by the reference above, not imported.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { availableParallelism } from "node:os";
import { TEST_TIMEOUT_MS } from "./test/harness/slowdown.ts";

// One worker per core for the shared projects: vitest's default (one core left to its main
// process) ran them on one worker on 2 cores, while many files wait on child processes, sockets
// and timers (docs/benchmarks.md#the-unit-suite). The heap, event-loop and latency measurements
// keep one worker, so that no other file runs beside them.
const WORKERS = availableParallelism();
const LOAD_SOAK = ["test/reliability/load01.test.ts", "test/reliability/load03.test.ts"];
// The editor's tests: the .tsx ones run in happy-dom, the .ts ones in node.
const EDITOR_NODE = "test/editor/**/*.test.ts";
const EDITOR_DOM = "test/editor/**/*.test.tsx";
const ISOLATED = [
  "test/editor/run.runtime.test.ts",
  "test/editor/run.thumb.test.tsx",
  "test/editor/shortcuts.test.tsx",
  "test/editor/teach.prompt.lazy.test.tsx",
  "test/editor/lazy.idle.test.ts",
  "test/editor/boot.test.ts",
  "test/server/standin.limits.test.ts",
  // fast-check's poisoning check compares every global with a snapshot taken when the module first
  // loads: in a shared worker, another file that loads ELK first (its bundle sets globalThis.goog)
  // made IMP-03 fail or pass by file order, and restoreGlobals could delete what ELK needs.
  "test/graph/workflowFile.imp.test.ts",
  "test/compiler/compile.property.test.ts",
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
    setupFiles: ["./test/harness/settleImports.ts"],
    // The default output, then a pass/FAIL/MISSING row per reliability case (docs/reliability-cases.md).
    reporters: ["default", ["./test/reliability/reporter.ts", { suite: "unit" }]],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts", "test/**/*.test.tsx", "nodes/**/*.test.ts"],
          exclude: ["test/e2e/**", "node_modules/**", EDITOR_NODE, EDITOR_DOM, ...LOAD_SOAK, ...ISOLATED],
          // The rest import the same pure modules over and over: one module graph per worker instead
          // of one per file took the import phase of 44 of these files from 75 s to 17 s.
          isolate: false,
          maxWorkers: WORKERS,
          // vitest keeps a worker for the next file only when that file is of the same project and
          // environment: each shared project runs in a group of its own, or the files of another
          // project queued between them end the worker.
          sequence: { groupOrder: 0 },
        },
      },
      // The editor's own tests share a module graph per worker too: its state lives on the editor
      // instance, not in modules (docs/codebase.md#editor-state), so a file that makes its own
      // editor sees nothing of another's; each file still gets its own environment. Fresh module
      // graphs made them ~4× slower (docs/benchmarks.md#the-unit-suite).
      {
        extends: true,
        test: {
          name: "unit-editor",
          include: [EDITOR_NODE],
          exclude: ISOLATED,
          isolate: false,
          maxWorkers: WORKERS,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "unit-editor-dom",
          include: [EDITOR_DOM],
          exclude: ISOLATED,
          isolate: false,
          maxWorkers: WORKERS,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: { name: "unit-isolated", include: ISOLATED, maxWorkers: 1, sequence: { groupOrder: 3 } },
      },
      {
        // The soaks measure latency: they run alone, after everything else has finished.
        extends: true,
        test: { name: "soak", include: LOAD_SOAK, maxWorkers: 1, sequence: { groupOrder: 4 } },
      },
    ],
  },
});
