// What `npm start` loads at run time must install with `npm install --omit=dev` (a production
// install): every package reachable from the server entry is a dependency, not a devDependency.
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

// Worker entries are modules too, started by URL rather than imported.
const WORKER_URL = /new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g;

function specifiersOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  // TypeScript's own scanner: static, dynamic and re-exports, never a word inside a string.
  const imports = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  return [...imports, ...[...text.matchAll(WORKER_URL)].map((m) => m[1])];
}

/** Bare package names imported by `entry` and every local module it reaches. */
function packagesReachedFrom(entry: string): Map<string, string> {
  const found = new Map<string, string>(); // package → first file importing it
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiersOf(file)) {
      if (spec.startsWith(".")) {
        const base = resolve(dirname(file), spec);
        const local = [base, `${base}.ts`, `${base}.tsx`, resolve(base, "index.ts")].find(
          (p) => existsSync(p) && !p.endsWith("/"),
        );
        if (local && /\.(m?[jt]sx?)$/.test(local)) queue.push(local);
        continue;
      }
      if (spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0])) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (!found.has(name)) found.set(name, file.slice(ROOT.length + 1));
    }
  }
  return found;
}

describe("packaging", () => {
  it("every package npm start imports at run time is a dependency", () => {
    expect(pkg.scripts.start).toContain("src/server/main.ts");
    const reached = packagesReachedFrom(resolve(ROOT, "src/server/main.ts"));
    // The walk really follows the server: the stand-in's image encoders are on it.
    expect([...reached.keys()]).toEqual(expect.arrayContaining(["pngjs", "jpeg-js", "zod"]));
    const notDeps = [...reached].filter(([name]) => !(name in pkg.dependencies)).map(([n, f]) => `${n} (${f})`);
    expect(notDeps).toEqual([]);
    // npm start runs the server through tsx.
    expect(pkg.dependencies).toHaveProperty("tsx");
  });

  it("@xyflow/system is pinned exactly (the minimap uses its internals directly)", () => {
    expect(pkg.dependencies["@xyflow/system"]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
