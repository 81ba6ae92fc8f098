// The dependency direction of docs/codebase.md, checked on every import of src/ and nodes/:
// the pure core uses no React, DOM or Node module, each area imports only the areas the table in
// rules.ts lets it, the compiler and each node type are used only through their entry file,
// @fal-ai/client stays in src/fal, nothing imports the editor, the CLI or the server, and the
// top folders import each other without cycles.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkImports, cycles, folderGraph, placeOf, topFolder } from "./boundaries.ts";
import { importsOf, packageOf, ROOT, sourceFiles, type ImportEdge } from "./imports.ts";
import { AREAS, KNOWN_EXCEPTIONS, PACKAGE_OWNERS, TOP_AREAS } from "./rules.ts";

const FILES = sourceFiles(["src", "nodes"]);
const IMPORTS = new Map(FILES.map((f) => [f, importsOf(f)]));

describe("import boundaries (docs/codebase.md#dependency-direction)", () => {
  const { violations, staleExceptions } = checkImports({
    imports: IMPORTS,
    areas: AREAS,
    packageOwners: PACKAGE_OWNERS,
    exceptions: KNOWN_EXCEPTIONS,
  });

  it("every import follows the rules", () => {
    expect(violations).toEqual([]);
  });

  it("every known exception still happens (fixed ones leave the list)", () => {
    expect(staleExceptions).toEqual([]);
  });

  it("the top folders import each other without cycles", () => {
    const found = cycles(folderGraph(IMPORTS)).map((group) => describeCycle(group, IMPORTS));
    expect(found).toEqual([]);
  });

  // The scan must see the code it judges, or every rule passes vacuously.
  it("reads the imports it is meant to judge", () => {
    expect(FILES).toContain("src/editor/main.tsx");
    expect(FILES).toContain("nodes/lora/definition.ts");
    expect(FILES.some((f) => f.endsWith(".test.ts"))).toBe(false);
    const main = IMPORTS.get("src/editor/main.tsx")!;
    expect(main.some((e) => e.pkg === "react-dom")).toBe(true);
    expect(main.some((e) => e.file === "nodes/index.ts")).toBe(true);
    const runner = IMPORTS.get("src/fal/runner.ts")!;
    expect(runner.some((e) => e.pkg === "@fal-ai/client")).toBe(true);
    // Dynamic imports and worker URLs count too.
    const offThread = IMPORTS.get("src/editor/load/loadOffThread.ts")!;
    expect(offThread.some((e) => e.file === "src/editor/load/loadWorker.ts")).toBe(true);
    const engine = IMPORTS.get("src/editor/engine.ts")!;
    expect(engine.some((e) => e.file === "src/compiler/index.ts")).toBe(true);
  });
});

describe("the rules table (test/architecture/rules.ts)", () => {
  it("names only areas that exist, and each area has files", () => {
    const paths = new Set(AREAS.map((a) => a.path));
    const unknown = AREAS.flatMap((a) => a.mayImport.filter((p) => !paths.has(p)).map((p) => `${a.path} → ${p}`));
    expect(unknown).toEqual([]);
    const empty = AREAS.filter((a) => !FILES.some((f) => placeOf(f, AREAS)?.area === a)).map((a) => a.path);
    expect(empty).toEqual([]);
  });

  it("each top folder has a README saying what lives there and what it may import", () => {
    const folders = [...new Set(FILES.map(topFolder))];
    const missing = folders.filter((d) => !/\*\*May import/.test(readIfExists(join(ROOT, d, "README.md"))));
    expect(folders).toEqual(expect.arrayContaining(["src/graph", "src/editor", "nodes"]));
    expect(missing).toEqual([]);
  });

  it("lets nothing import the editor, the CLI or the server", () => {
    // Sub-areas of a top area (src/editor/store…) may import each other; nothing outside may.
    const outside = (a: { path: string }, top: string) => a.path !== top && !a.path.startsWith(`${top}/`);
    const upward = AREAS.flatMap((a) =>
      TOP_AREAS.filter((top) => outside(a, top) && a.mayImport.some((p) => p === top || p.startsWith(`${top}/`))).map(
        (top) => `${a.path} → ${top}`,
      ),
    );
    expect(upward).toEqual([]);
  });

  it("keeps the compiler away from nodes/, and node types on src/graph and the category table", () => {
    const area = (path: string) => AREAS.find((a) => a.path === path)!;
    expect(area("src/compiler").mayImport.some((p) => p.startsWith("nodes"))).toBe(false);
    expect(area("nodes/*").mayImport).toEqual(["src/graph", "nodes/categories.ts"]);
    expect(area("nodes/*").entry).toBe("nodes/*/definition.ts");
    expect(area("src/compiler").entry).toBe("src/compiler/index.ts");
  });

  it("has no cycle between areas", () => {
    const graph = new Map(AREAS.map((a) => [a.path, new Set(a.mayImport)]));
    expect(cycles(graph)).toEqual([]);
  });

  it("typechecks every pure area without the DOM library or Node's types (npm run typecheck)", () => {
    const config = readFileSync(join(ROOT, "test/architecture/tsconfig.core.json"), "utf8");
    const include = JSON.parse(config.replace(/^\s*\/\/.*$/gm, "")).include.map((path: string) =>
      path.replace(/^\.\.\/\.\.\//, ""),
    ) as string[];
    const pure = AREAS.filter((a) => a.pure).map((a) => a.path.split("/*")[0].replace(/\/[^/]+\.ts$/, ""));
    expect(include).toEqual(expect.arrayContaining([...new Set(pure)]));
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toContain("-p test/architecture/tsconfig.core.json");
  });
});

// Each rule, fed code that breaks it, must say so: otherwise a bug in the checker would let
// every real violation through.
describe("the checker", () => {
  const edge = (from: string, to: string, line = 1): ImportEdge =>
    to.includes("/") && !to.startsWith("@")
      ? { from, specifier: `./${to}`, line, file: to }
      : { from, specifier: to, line, pkg: packageOf(to) };
  const check = (imports: Record<string, string[]>, exceptions: { from: string; to: string }[] = []) =>
    checkImports({
      imports: new Map(Object.entries(imports).map(([f, tos]) => [f, tos.map((t) => edge(f, t))])),
      areas: AREAS,
      packageOwners: PACKAGE_OWNERS,
      exceptions,
    });
  const one = (imports: Record<string, string[]>) => {
    const { violations } = check(imports);
    expect(violations).toHaveLength(1);
    return violations[0];
  };

  it("accepts what the table allows", () => {
    expect(
      check({
        "src/editor/x.tsx": ["react", "src/compiler/index.ts", "nodes/index.ts", "src/graph/ports.ts"],
        "src/compiler/x.ts": ["zod", "src/graph/index.ts"],
        "nodes/lora/definition.ts": ["nodes/lora/migrations.ts", "src/graph/index.ts"],
        "src/server/x.ts": ["node:http", "src/compiler/index.ts"],
      }).violations,
    ).toEqual([]);
  });

  it("refuses React, the DOM's packages and Node modules in the pure core", () => {
    expect(one({ "src/graph/x.ts": ["react"] })).toMatch(/src\/graph is pure .* not the package react/);
    expect(one({ "nodes/lora/definition.ts": ["idb"] })).toMatch(/not the package idb/);
    expect(one({ "src/teach/x.ts": ["node:fs"] })).toMatch(/not a Node module node:fs/);
  });

  it("refuses compiler internals outside the compiler, and nodes/ inside it", () => {
    expect(one({ "src/editor/x.ts": ["src/compiler/compile.ts"] })).toMatch(/only through src\/compiler\/index.ts/);
    expect(one({ "src/cli/x.ts": ["src/compiler/falSchema.ts"] })).toMatch(/only through src\/compiler\/index.ts/);
    expect(one({ "src/compiler/x.ts": ["nodes/index.ts"] })).toMatch(
      /src\/compiler may import .*, not nodes\/index.ts/,
    );
  });

  it("keeps a node in its folder, reaching out only into src/graph", () => {
    expect(one({ "nodes/lora/definition.ts": ["nodes/prompt/definition.ts"] })).toMatch(
      /nodes\/\* may import src\/graph, nodes\/categories.ts, not nodes\/\* \(nodes\/prompt\)/,
    );
    expect(one({ "nodes/lora/definition.ts": ["src/compiler/index.ts"] })).toMatch(/not src\/compiler/);
    expect(one({ "nodes/index.ts": ["nodes/lora/view.ts"] })).toMatch(/only through nodes\/lora\/definition.ts/);
  });

  it("refuses imports of the editor, the CLI and the server", () => {
    expect(one({ "src/cli/x.ts": ["src/server/standin/index.ts"] })).toMatch(/not src\/server/);
    expect(one({ "src/server/x.ts": ["src/cli/main.ts"] })).toMatch(/not src\/cli/);
    expect(one({ "src/graph/x.ts": ["src/editor/App.tsx"] })).toMatch(/not src\/editor/);
  });

  it("keeps @fal-ai/client in src/fal, and the browser out of the server", () => {
    expect(one({ "src/editor/x.ts": ["@fal-ai/client"] })).toMatch(/only src\/fal may import @fal-ai\/client/);
    expect(one({ "src/server/x.ts": ["@xyflow/react"] })).toMatch(/src\/server may not use @xyflow\/react/);
    expect(one({ "src/editor/x.ts": ["node:fs"] })).toMatch(/src\/editor may not use node:fs/);
  });

  it("reports files outside every area, unresolved imports and stale exceptions", () => {
    expect(one({ "src/newfolder/x.ts": [] })).toMatch(/belongs to no area/);
    expect(one({ "nodes/helpers.ts": [] })).toMatch(/belongs to no area/);
    const unresolved = checkImports({
      imports: new Map([["src/graph/x.ts", [{ from: "src/graph/x.ts", specifier: "./gone", line: 3 }]]]),
      areas: AREAS,
      packageOwners: PACKAGE_OWNERS,
      exceptions: [],
    });
    expect(unresolved.violations).toEqual([expect.stringMatching(/^src\/graph\/x.ts:3 .*resolves to no file/)]);
    const excepted = check({ "src/graph/x.ts": ["react"] }, [{ from: "src/graph/x.ts", to: "react" }]);
    expect(excepted.violations).toEqual([]);
    expect(check({}, [{ from: "a.ts", to: "b.ts" }]).staleExceptions).toHaveLength(1);
  });

  it("finds cycles between folders", () => {
    const imports = new Map<string, ImportEdge[]>([
      ["src/a/x.ts", [edge("src/a/x.ts", "src/b/y.ts")]],
      ["src/b/y.ts", [edge("src/b/y.ts", "src/c/z.ts")]],
      ["src/c/z.ts", [edge("src/c/z.ts", "src/a/x.ts")]],
      ["src/d/w.ts", [edge("src/d/w.ts", "src/a/x.ts")]],
    ]);
    expect(cycles(folderGraph(imports))).toEqual([["src/a", "src/b", "src/c"]]);
    expect(topFolder("nodes/lora/definition.ts")).toBe("nodes");
  });
});

/** "src/a → src/b (src/a/x.ts:3), src/b → src/a (…)": one example import per step of the cycle. */
function describeCycle(group: string[], imports: ReadonlyMap<string, readonly ImportEdge[]>): string {
  const steps: string[] = [];
  for (const from of group) {
    for (const [file, edges] of imports) {
      if (topFolder(file) !== from) continue;
      const e = edges.find((x) => x.file && group.includes(topFolder(x.file)) && topFolder(x.file) !== from);
      if (e) {
        steps.push(`${from} → ${topFolder(e.file!)} (${file}:${e.line})`);
        break;
      }
    }
  }
  return steps.join(", ");
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}
