/**
 * Checks imports against the areas of rules.ts. Pure functions over already-scanned imports, so
 * the boundary test can also feed them made-up code and see each rule fail.
 */
import type { ImportEdge } from "./imports.ts";
import type { Area } from "./rules.ts";

const DOC = "docs/codebase.md#dependency-direction";

/** A file's area and the concrete folder or file it matched (`nodes/lora` for `nodes/*`). */
export interface Placement {
  area: Area;
  instance: string;
}

/** `*` is one path segment. A pattern naming a file (`nodes/index.ts`) matches it; any other is a folder. */
function patternRegex(pattern: string, asFolder: boolean): RegExp {
  const body = pattern
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(asFolder ? `^(${body})/` : `^(${body})$`);
}

/** The first area whose path covers `file`, or undefined. */
export function placeOf(file: string, areas: readonly Area[]): Placement | undefined {
  for (const area of areas) {
    const m = patternRegex(area.path, !/\.[a-z]+$/.test(area.path)).exec(file);
    if (m) return { area, instance: m[1] };
  }
  return undefined;
}

/** Whether a package name matches an entry of a list (`@xyflow/*`, `node:*`, `zod`). */
export function packageMatches(pkg: string, entries: readonly string[]): boolean {
  return entries.some((e) => (e.endsWith("*") ? pkg.startsWith(e.slice(0, -1)) : pkg === e));
}

export interface CheckInput {
  /** Every checked file (relative to the root) with its imports. */
  imports: ReadonlyMap<string, readonly ImportEdge[]>;
  areas: readonly Area[];
  packageOwners: Readonly<Record<string, string>>;
  exceptions: readonly { from: string; to: string }[];
}

export interface CheckResult {
  violations: string[];
  /** Exceptions that matched no import: the work they waited for is done, so they should go. */
  staleExceptions: string[];
}

/** One message per import that breaks a rule, naming the file, line, target and rule. */
export function checkImports({ imports, areas, packageOwners, exceptions }: CheckInput): CheckResult {
  const violations: string[] = [];
  const used = new Set<number>();
  const excepted = (from: string, to: string) => {
    const i = exceptions.findIndex((e) => e.from === from && e.to === to);
    if (i >= 0) used.add(i);
    return i >= 0;
  };
  for (const [file, edges] of imports) {
    const here = placeOf(file, areas);
    if (!here) {
      violations.push(`${file} belongs to no area: add one to test/architecture/rules.ts (${DOC})`);
      continue;
    }
    for (const edge of edges) {
      const at = `${file}:${edge.line} imports "${edge.specifier}"`;
      const problem = edge.pkg
        ? packageProblem(here.area, edge.pkg, packageOwners)
        : fileProblem(here, edge.file, areas);
      if (problem && !excepted(file, edge.file ?? edge.pkg ?? edge.specifier)) {
        violations.push(`${at}${edge.file ? ` (${edge.file})` : ""}: ${problem} (${DOC})`);
      }
    }
  }
  const staleExceptions = exceptions
    .filter((_, i) => !used.has(i))
    .map((e) => `${e.from} → ${e.to} no longer happens: remove it from KNOWN_EXCEPTIONS`);
  return { violations, staleExceptions };
}

function packageProblem(area: Area, pkg: string, owners: Readonly<Record<string, string>>): string | undefined {
  const owner = owners[pkg];
  if (owner !== undefined && owner !== area.path) return `only ${owner} may import ${pkg}`;
  if (owner === area.path) return undefined;
  const p = area.packages;
  if ("only" in p && !packageMatches(pkg, p.only)) {
    const kind = pkg.startsWith("node:") ? "a Node module" : "the package";
    const allowed = p.only.length > 0 ? p.only.join(", ") : "no package";
    return area.pure
      ? `${area.path} is pure (browser and Node alike) and may use ${allowed}, not ${kind} ${pkg}; a new pure package goes in CORE_PACKAGES`
      : `${area.path} may use ${allowed}, not ${kind} ${pkg}`;
  }
  if ("not" in p && packageMatches(pkg, p.not)) return `${area.path} may not use ${pkg}`;
  return undefined;
}

function fileProblem(here: Placement, target: string | undefined, areas: readonly Area[]): string | undefined {
  if (target === undefined) return "which resolves to no file";
  const there = placeOf(target, areas);
  if (!there) return `${target} belongs to no area`;
  if (there.instance === here.instance) return undefined;
  const name = there.area.path.includes("*") ? `${there.area.path} (${there.instance})` : there.area.path;
  if (!here.area.mayImport.includes(there.area.path)) {
    const allowed = here.area.mayImport.length > 0 ? here.area.mayImport.join(", ") : "nothing outside itself";
    return `${here.area.path} may import ${allowed}, not ${name}`;
  }
  const entry = there.area.entry;
  if (entry && !patternRegex(entry, false).test(target)) {
    return `other areas use ${name} only through ${entry.replace("*", there.instance.split("/").at(-1)!)}`;
  }
  return undefined;
}

/** Strongly connected groups (more than one member) of a directed graph: its cycles. */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** `src/editor/run/x.ts` → `src/editor`, `nodes/lora/definition.ts` → `nodes`. */
export function topFolder(file: string): string {
  const parts = file.split("/");
  return parts[0] === "src" ? parts.slice(0, 2).join("/") : parts[0];
}

/** Folder-level import graph (self-imports left out), from file-level imports. */
export function folderGraph(
  imports: ReadonlyMap<string, readonly ImportEdge[]>,
  folderOf: (file: string) => string = topFolder,
): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, edges] of imports) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, new Set());
    for (const e of edges) {
      if (!e.file) continue;
      const to = folderOf(e.file);
      if (to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}
