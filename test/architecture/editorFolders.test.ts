// The editor's folders import in one direction (docs/codebase.md#editor-folders): each folder
// may import only folders listed before it in FOLDER_ORDER, so the folders cannot form a cycle.
// The few imports that still point the other way are listed with their reason; a new one fails,
// and one that is fixed must leave the list.
import { describe, expect, it } from "vitest";
import { cycles } from "./boundaries.ts";
import { importsOf, sourceFiles } from "./imports.ts";

/** Lowest first. `base` is engine.ts and lazy.ts; `app` is the other files at the editor's root. */
export const FOLDER_ORDER = [
  "base",
  "kit",
  "store",
  "shortcuts",
  "load",
  "persistence",
  "library",
  "run",
  "fields",
  "teach",
  "files",
  "batch",
  "components",
  "flow",
  "import",
  "panels",
  "app",
] as const;

/**
 * `from -> to` imports against the order, each with why it is still there. Empty: a folder that
 * needs one above it gets it through the editor (store/importDoor.ts) or from the app's wiring.
 */
const KNOWN_BACK_EDGES: Record<string, string> = {};

function folderOf(file: string): string {
  const parts = file.split("/");
  if (parts.length > 3) return parts[2];
  if (/\/(engine|lazy)\.ts$/.test(file)) return "base";
  return /\/shortcuts\.ts$/.test(file) ? "shortcuts" : "app";
}

const edges = sourceFiles(["src/editor"]).flatMap((file) =>
  importsOf(file)
    .filter((e) => e.file?.startsWith("src/editor/"))
    .map((e) => ({ from: folderOf(file), to: folderOf(e.file!), where: `${file}:${e.line} → ${e.file}` }))
    .filter((e) => e.from !== e.to),
);
const rank = (folder: string) => (FOLDER_ORDER as readonly string[]).indexOf(folder);

describe("editor folders import in one direction", () => {
  it("names every folder of src/editor in the order", () => {
    const unknown = [...new Set(edges.flatMap((e) => [e.from, e.to]))].filter((f) => rank(f) < 0);
    expect(unknown).toEqual([]);
  });

  it("imports only folders below, apart from the known exceptions", () => {
    const upward = edges.filter((e) => rank(e.to) > rank(e.from) && !KNOWN_BACK_EDGES[`${e.from} -> ${e.to}`]);
    expect(upward.map((e) => e.where)).toEqual([]);
  });

  it("every known exception still happens (fixed ones leave the list)", () => {
    const seen = new Set(edges.map((e) => `${e.from} -> ${e.to}`));
    expect(Object.keys(KNOWN_BACK_EDGES).filter((k) => !seen.has(k))).toEqual([]);
  });

  it("has no cycle except through the known exceptions", () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      if (KNOWN_BACK_EDGES[`${e.from} -> ${e.to}`]) continue;
      if (!graph.has(e.from)) graph.set(e.from, new Set());
      graph.get(e.from)!.add(e.to);
    }
    expect(cycles(graph)).toEqual([]);
  });

  // The check must see the imports it judges, or it passes vacuously.
  it("sees imports across folders", () => {
    expect(edges.some((e) => e.from === "flow" && e.to === "store")).toBe(true);
    expect(edges.some((e) => e.from === "persistence" && e.to === "load")).toBe(true);
  });
});
