/**
 * Every import of the repository's source, resolved: which file imports which file or package,
 * at which line. The boundary test and the packaging test both read the code through this.
 *
 * Why not dependency-cruiser: it would bring a large dependency tree for what TypeScript's own
 * scanner (`ts.preProcessFile`: static, dynamic, type-only and re-exports, never a word inside a
 * string) plus relative-path resolution already give; the rules themselves are ours either way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

export const ROOT = resolve(import.meta.dirname, "../..");

/** One import as written in a source file. */
export interface ImportEdge {
  /** Importing file, relative to the root, with forward slashes. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
  /** A repository file (relative to the root) for relative specifiers, else undefined. */
  file?: string;
  /** The npm package (`react`, `@xyflow/react`) or `node:<builtin>` for bare specifiers. */
  pkg?: string;
}

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const TEST_FILE = /\.(test|e2e)\.tsx?$|\.test-d\.ts$/;
// Worker entries are modules too, started by URL rather than imported (other `new URL(…,
// import.meta.url)` name files that are read, not run).
const WORKER_URL = /new (?:Shared)?Worker\(\s*new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g;

/** Source files under `dirs` (relative to the root), tests excluded, sorted. */
export function sourceFiles(dirs: readonly string[], root = ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (SOURCE.test(name) && !name.endsWith(".d.ts") && !TEST_FILE.test(name)) out.push(toRel(p, root));
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return out.sort();
}

function toRel(abs: string, root: string): string {
  return relative(root, abs).split("\\").join("/");
}

/** `react-dom/client` → `react-dom`, `@xyflow/react/dist/base.css` → `@xyflow/react`, `fs` → `node:fs`. */
export function packageOf(specifier: string): string {
  if (specifier.startsWith("node:")) return `node:${specifier.slice(5).split("/")[0]}`;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return builtinModules.includes(name) ? `node:${name}` : name;
}

/** The file a relative specifier names, as TypeScript and Vite resolve it here; undefined if none. */
export function resolveRelative(fromAbs: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromAbs), specifier.replace(/\?.*$/, ""));
  const stem = base.replace(/\.(js|mjs)$/, "");
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${stem}.ts`, `${stem}.mts`, join(base, "index.ts")];
  return candidates.find((p) => existsSync(p) && statSync(p).isFile());
}

/** The imports of one file (path relative to the root). */
export function importsOf(file: string, root = ROOT): ImportEdge[] {
  const abs = join(root, file);
  const text = readFileSync(abs, "utf8");
  const found = ts.preProcessFile(text, true, true).importedFiles.map((f) => ({ specifier: f.fileName, pos: f.pos }));
  for (const m of text.matchAll(WORKER_URL)) found.push({ specifier: m[1], pos: m.index! });
  return found.map(({ specifier, pos }) => {
    const line = text.slice(0, pos).split("\n").length;
    if (!specifier.startsWith(".")) return { from: file, specifier, line, pkg: packageOf(specifier) };
    const target = resolveRelative(abs, specifier);
    return { from: file, specifier, line, file: target && toRel(target, root) };
  });
}

/** Packages reached from `entry` through the repository files it imports, with the first importer of each. */
export function packagesReachedFrom(entry: string, root = ROOT): Map<string, string> {
  const found = new Map<string, string>();
  walk(entry, (file) =>
    importsOf(file, root).flatMap((edge) => {
      if (edge.file && SOURCE.test(edge.file)) return [edge.file];
      if (edge.pkg && !found.has(edge.pkg)) found.set(edge.pkg, file);
      return [];
    }),
  );
  return found;
}

/** Every file reached from `entry` through `next`, each visited once. */
function walk(entry: string, next: (file: string) => string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...next(file));
  }
  return seen;
}

/**
 * The repository files `entry` reaches through imports that stay in the built code: static
 * imports and re-exports, not `import type` (nor one naming types only), not `import()`. The
 * bundler puts every one of them in the entry's chunk (docs/codebase.md#the-first-load).
 */
export function staticallyReached(entry: string, root = ROOT): Set<string> {
  return walk(entry, (file) => {
    const abs = join(root, file);
    const sf = ts.createSourceFile(abs, readFileSync(abs, "utf8"), ts.ScriptTarget.Latest, false);
    return sf.statements.flatMap(keptSpecifier).flatMap((spec) => {
      const target = spec.startsWith(".") ? resolveRelative(abs, spec) : undefined;
      return target && SOURCE.test(target) ? [toRel(target, root)] : [];
    });
  });
}

/** The module a top-level statement imports or re-exports in the built code, if any. */
function keptSpecifier(s: ts.Statement): string[] {
  const named = (n: ts.NamedImportBindings | ts.NamedExportBindings | undefined) =>
    n &&
    (ts.isNamedImports(n) || ts.isNamedExports(n)) &&
    n.elements.length > 0 &&
    n.elements.every((e) => e.isTypeOnly);
  if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
    const c = s.importClause;
    if (c && (c.isTypeOnly || (!c.name && named(c.namedBindings)))) return [];
    return [s.moduleSpecifier.text];
  }
  if (ts.isExportDeclaration(s) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
    if (s.isTypeOnly || named(s.exportClause)) return [];
    return [s.moduleSpecifier.text];
  }
  return [];
}
