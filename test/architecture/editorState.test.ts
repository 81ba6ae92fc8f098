// No module-level mutable state in src/editor (docs/codebase.md#editor-state): state hangs on
// the editor instance, so two editors in a page or two tests in a file share nothing. The scan
// reads every top-level declaration with TypeScript's parser; the allowlist below is the only
// state a module may keep, each entry with its reason, and an entry that no longer matches fails.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT, resolveRelative, sourceFiles } from "./imports";

/** `file:name` → why it may live in the module. */
const ALLOWED: Record<string, string> = {
  "src/editor/main.tsx:editor": "the page's entry point: it makes the page's one editor and renders it",
  "src/editor/lazy.ts:idle":
    "the page's one queue of code prefetches, queued as modules load: one main thread and one module cache per page",
  "src/editor/load/loadOffThread.ts:spare":
    "a loader worker started ahead of its job: loaded code (the catalogue and the loader), no editor state",
  "src/editor/persistence/early.ts:earlyDatabase":
    "the page's database connection, asked for before the editor's modules evaluate: one database per origin, " +
    "taken over by the page's one editor (main.tsx)",
  "src/editor/main.tsx:served": "the page's entry point: whether the page's server has a workspace, asked once",
  "src/editor/main.tsx:workspace": "the page's entry point: the page's workspace API, made once from that answer",
  "src/editor/main.tsx:nodeViews": "the page's entry point: the node views' code, fetched once (loaded code)",
};

/**
 * Calls whose result is code-shaped, not state: a cache of loaded code (a chunk fetched once), or
 * a memo of a pure function keyed by immutable objects (src/shared/weakMemo.ts), whose values are
 * what each editor would compute.
 */
const CODE_CACHES = new Set(["onDemand", "lazyPart", "lazy", "definePart", "weakMemo", "weakMemo2"]);
/** Calls that make a store: state, wherever they are called at the top level. */
const STORES = new Set(["createUiStore", "createStore", "createEditorStore", "createEditor"]);
const CONTAINERS = new Set(["Map", "Set", "WeakMap", "WeakSet", "Array"]);

interface Finding {
  key: string;
  why: string;
}

function calleeName(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

/** True when the file writes into `name` (a property, an index, or a mutating method). */
function mutated(text: string, name: string): boolean {
  const n = name.replace(/[$]/g, "\\$");
  return new RegExp(
    `(?<![\\w.])${n}(\\.\\w+|\\[[^\\]]*\\])\\s*(=(?!=)|\\+=|-=|\\+\\+|--)|(?<![\\w.])${n}\\.(push|pop|shift|unshift|splice|sort|reverse|set|add|delete|clear)\\(`,
  ).test(text);
}

const PROMISE_METHODS = new Set(["then", "catch", "finally"]);

/** Whether `sf` declares `name` at its top level as a function that returns a promise. */
function declaresAsync(sf: ts.SourceFile, name: string): boolean {
  const promised = (f: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression) =>
    !!ts.getModifiers(f)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ||
    /^Promise</.test(f.type?.getText(sf) ?? "");
  return sf.statements.some((st) => {
    if (ts.isFunctionDeclaration(st)) return st.name?.text === name && promised(st);
    if (!ts.isVariableStatement(st)) return false;
    return st.declarationList.declarations.some((d) => {
      const init = d.initializer;
      const fn = init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
      return ts.isIdentifier(d.name) && d.name.text === name && !!fn && promised(fn);
    });
  });
}

/** Whether calling `callee` in `sf` gives a promise: declared async there, or in the module it is imported from. */
function callsAsync(sf: ts.SourceFile, file: string, callee: ts.Expression): boolean {
  if (ts.isPropertyAccessExpression(callee))
    return PROMISE_METHODS.has(callee.name.text) || callee.expression.getText(sf) === "Promise";
  if (!ts.isIdentifier(callee)) return false;
  if (declaresAsync(sf, callee.text)) return true;
  for (const st of sf.statements) {
    const named = ts.isImportDeclaration(st) ? st.importClause?.namedBindings : undefined;
    const spec =
      named && ts.isNamedImports(named) ? named.elements.find((e) => e.name.text === callee.text) : undefined;
    if (!spec) continue;
    const from = resolveRelative(
      join(ROOT, file),
      (st as ts.ImportDeclaration).moduleSpecifier.getText(sf).slice(1, -1),
    );
    if (!from) return false;
    const their = ts.createSourceFile(from, readFileSync(from, "utf8"), ts.ScriptTarget.Latest, true);
    return declaresAsync(their, (spec.propertyName ?? spec.name).text);
  }
  return false;
}

/**
 * Whether a top-level declaration holds a promise: a task started as the module loads, whose
 * result every importer shares (a connection, an answer from the server).
 */
function holdsPromise(sf: ts.SourceFile, file: string, d: ts.VariableDeclaration, init: ts.Expression): boolean {
  if (/\bPromise</.test(d.type?.getText(sf) ?? "")) return true;
  if (ts.isNewExpression(init)) return calleeName(init.expression) === "Promise";
  return ts.isCallExpression(init) && callsAsync(sf, file, init.expression);
}

const EDITOR_FILES = sourceFiles(["src/editor"]);
const EDITOR_TEXTS = new Map(EDITOR_FILES.map((f) => [f, readFileSync(join(ROOT, f), "utf8")]));

/**
 * The texts of the files that import `name` from `file` by that name: an exported object is state
 * too when another module writes into it.
 */
function importersOf(file: string, name: string, texts: ReadonlyMap<string, string> = EDITOR_TEXTS): string[] {
  const base = file.replace(/^.*\//, "").replace(/\.tsx?$/, "");
  const named = new RegExp(`import\\s*(?:type\\s*)?\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*["'][^"']*\\b${base}["']`);
  return [...texts].filter(([f, t]) => f !== file && named.test(t)).map(([, t]) => t);
}

function scan(
  file: string,
  text = readFileSync(join(ROOT, file), "utf8"),
  importers: (name: string) => string[] = (name) => importersOf(file, name),
): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Finding[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    const isConst = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
    const exported = !!ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const written = (name: string) =>
      mutated(text, name) || (exported && importers(name).some((other) => mutated(other, name)));
    for (const d of st.declarationList.declarations) {
      const name = ts.isIdentifier(d.name) ? d.name.text : d.name.getText(sf);
      const key = `${file}:${name}`;
      if (!isConst) {
        out.push({ key, why: "a top-level let/var" });
        continue;
      }
      let init = d.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)))
        init = init.expression;
      if (!init) continue;
      const readonlyType = d.type && /^Readonly|^readonly /.test(d.type.getText(sf));
      if (holdsPromise(sf, file, d, init)) out.push({ key, why: "a module-level promise" });
      else if (ts.isNewExpression(init) && CONTAINERS.has(calleeName(init.expression) ?? "") && !readonlyType)
        out.push({ key, why: `a module-level ${calleeName(init.expression)}` });
      else if (ts.isCallExpression(init)) {
        const callee = calleeName(init.expression) ?? "";
        if (STORES.has(callee)) out.push({ key, why: `a module-level store (${callee})` });
        else if (!CODE_CACHES.has(callee) && callee !== "freeze" && written(name))
          out.push({ key, why: "a module-level value written to" });
      } else if ((ts.isArrayLiteralExpression(init) || ts.isObjectLiteralExpression(init)) && written(name))
        out.push({ key, why: "a module-level array or object written to" });
    }
  }
  return out;
}

describe("editor state lives on the editor instance", () => {
  const findings = EDITOR_FILES.flatMap((f) => scan(f, EDITOR_TEXTS.get(f)));

  it("no module in src/editor keeps mutable state, apart from the allowlisted memos", () => {
    const unexpected = findings.filter((f) => !ALLOWED[f.key]).map((f) => `${f.key}: ${f.why}`);
    expect(unexpected).toEqual([]);
  });

  it("every allowlist entry still matches something (the list only shrinks)", () => {
    const found = new Set(findings.map((f) => f.key));
    expect(Object.keys(ALLOWED).filter((k) => !found.has(k))).toEqual([]);
  });

  it("recognises a module-level promise, and not a value made by a plain call", () => {
    const text = [
      "import { openDatabase } from './persistence/db';",
      "async function ask() { return 1; }",
      "const fetched = (): Promise<number> => ask();",
      "const db = openDatabase();",
      "const answer = ask();",
      "const later = fetched();",
      "const chained = make().then((x) => x);",
      "const typed: Promise<number> = make();",
      "const made = new Promise((r) => r(1));",
      "const plain = make();",
    ].join("\n");
    expect(scan("src/editor/main.tsx", text).map((f) => f.key.split(":")[1])).toEqual([
      "db",
      "answer",
      "later",
      "chained",
      "typed",
      "made",
    ]);
  });

  it("flags a hand-written memo table, and not a memo made by weakMemo", () => {
    const found = (text: string) => scan("x.ts", text).map((f) => f.why);
    expect(found("const seen = new WeakMap<object, string>();")).toEqual(["a module-level WeakMap"]);
    expect(found("const byId = new Map();")).toEqual(["a module-level Map"]);
    expect(found("const index = weakMemo((nodes: Node[]) => new Map(nodes.map((n) => [n.id, n])));")).toEqual([]);
    expect(found("export const ancestors = weakMemo2((edges: Edge[], id: string) => walk(edges, id));")).toEqual([]);
    expect(found("let last: Queue | null = null;")).toEqual(["a top-level let/var"]);
  });

  it("counts an exported object written by a module that imports it", () => {
    const texts = new Map([
      ["src/editor/run/state.ts", "export const current = { job: null };"],
      ["src/editor/run/Other.tsx", 'import { current } from "./state";\ncurrent.job = next;'],
      ["src/editor/run/Reader.tsx", 'import { current } from "./state";\nif (current.job) show();'],
    ]);
    const scanWith = (others: Map<string, string>) =>
      scan("src/editor/run/state.ts", texts.get("src/editor/run/state.ts"), (name) =>
        importersOf("src/editor/run/state.ts", name, others),
      ).map((f) => f.why);
    expect(scanWith(texts)).toEqual(["a module-level array or object written to"]);
    texts.delete("src/editor/run/Other.tsx");
    expect(scanWith(texts)).toEqual([]);
  });

  it("recognises a write into a module-level value, and not a read", () => {
    expect(mutated("const a = []; a.push(1);", "a")).toBe(true);
    expect(mutated("const o = { x: 1 }; o.x = 2;", "o")).toBe(true);
    expect(mutated("const o = { x: 1 }; o[k] += 1;", "o")).toBe(true);
    expect(mutated("const o = { x: 1 }; if (o.x === 2) f();", "o")).toBe(false);
  });
});
