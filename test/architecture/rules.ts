/**
 * The dependency direction of docs/codebase.md ("Dependency direction"), as data. The boundary
 * test (boundaries.test.ts) checks every import of src/ and nodes/ against it.
 *
 * To add a rule: add or change an area below (first match wins, so put the more specific path
 * first), then say the same in docs/codebase.md. Tests (`*.test.ts`, `*.e2e.ts`) are outside
 * every area: they may import anything.
 *
 * A direction inside a folder is more areas: e.g. `{ path: "src/editor/store", mayImport:
 * ["src/graph", …] }` placed before `src/editor`, and "src/editor/store" added to the mayImport of
 * the editor areas allowed to use it.
 */

/** Packages the pure core may use: they run unchanged in the browser and in Node. */
export const CORE_PACKAGES = ["zod", "immer", "elkjs", "fflate"] as const;

/** Packages that need a browser (React, the DOM, IndexedDB). */
export const BROWSER_PACKAGES = ["react", "react-dom", "@xyflow/*", "idb"] as const;

/** Node's built-in modules, written `node:x` or bare. */
export const NODE_BUILTINS = "node:*";

export interface Area {
  /**
   * Files whose path starts with this. `*` stands for one path segment and makes one area per
   * folder it matches: `nodes/*` is a separate area for each node type.
   */
  path: string;
  /** What lives here, for messages and the doc. */
  what: string;
  /** Runs in the browser and in Node alike: no React, DOM or Node module (and typechecked without them). */
  pure?: boolean;
  /** Areas (their `path` as written here) whose files this area may import. Its own files are always allowed. */
  mayImport: readonly string[];
  /** Packages it may import (`only`), or may import all but (`not`). `*` matches a scope or a builtin. */
  packages: { only: readonly string[] } | { not: readonly string[] };
  /**
   * The one file other areas may import (the public API); `*` as in `path`. Without it, any file
   * of the area may be imported by those allowed to.
   */
  entry?: string;
}

/** A pure-core area: runs in the browser and in Node, with the core packages only. */
function pure(path: string, what: string, mayImport: readonly string[], entry?: string): Area {
  return { path, what, pure: true, mayImport, packages: { only: CORE_PACKAGES }, entry };
}

/** What the two user-facing programs, the editor and the CLI, may build on. */
const APP_MAY_IMPORT = [
  "src/graph",
  "src/compiler",
  "src/teach",
  "src/batch",
  "src/interop",
  "src/examples",
  "src/fal",
  "src/shared",
  "nodes/index.ts",
];

export const AREAS: readonly Area[] = [
  { ...pure("src/shared", "tiny helpers for both sides (an abortable sleep, weak memos)", []), packages: { only: [] } },
  pure("src/graph", "the document, ports, params, canConnect, loader and migrations", ["src/shared"]),
  pure("src/interop", "other tools' formats (image metadata, …)", ["src/graph", "src/shared"]),
  pure(
    "src/compiler",
    "compile, the fal request schema, the importer, layout",
    ["src/graph", "src/shared"],
    "src/compiler/index.ts",
  ),
  pure("src/teach", "schedules, the denoising timeline, prompt weights, sweeps, request diffs", [
    "src/graph",
    "src/compiler",
    "src/shared",
  ]),
  pure("src/batch", "batches: wildcards, CSV and JSON-lines tables, param paths, the run plan", [
    "src/graph",
    "src/shared",
  ]),
  pure("src/examples", "example workflows and lessons (data)", ["src/graph", "src/teach"]),
  pure("nodes/index.ts", "the catalogue: every node definition, registered explicitly", [
    "src/graph",
    "nodes/categories.ts",
    "nodes/*",
  ]),
  pure("nodes/categories.ts", "the palette's categories and their colours (data every node type points at)", [
    "src/graph",
  ]),
  pure("nodes/*", "one node type", ["src/graph", "nodes/categories.ts"], "nodes/*/definition.ts"),
  {
    path: "src/fal",
    what: "the runner, the only user of @fal-ai/client",
    mayImport: ["src/graph", "src/shared"],
    packages: { only: ["@fal-ai/client"] },
  },
  {
    path: "src/editor",
    what: "the React app",
    mayImport: APP_MAY_IMPORT,
    packages: { not: [NODE_BUILTINS, "@fal-ai/client"] },
  },
  {
    path: "src/cli",
    what: "the lora-graph command",
    mayImport: APP_MAY_IMPORT,
    packages: { not: [...BROWSER_PACKAGES, "@fal-ai/client"] },
  },
  {
    path: "src/server",
    what: "the HTTP server, the fal proxy, the offline stand-in",
    mayImport: ["src/graph", "src/compiler", "src/interop", "src/shared"],
    packages: { not: [...BROWSER_PACKAGES, "@fal-ai/client"] },
  },
];

/** Packages only one area may import, whatever the areas' own lists say. */
export const PACKAGE_OWNERS: Readonly<Record<string, string>> = {
  "@fal-ai/client": "src/fal",
};

/** Areas nothing else may import: they are entry points (their own tests aside). */
export const TOP_AREAS = ["src/editor", "src/cli", "src/server"] as const;

/**
 * Imports that break a rule today, each with the work that removes it. The test fails on an
 * exception that no longer matches anything, so this list only shrinks.
 */
export const KNOWN_EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [];
