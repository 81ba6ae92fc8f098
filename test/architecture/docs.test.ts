// Knowledge the code relies on lives in the repository (docs/codebase.md#habits): comments
// point at docs/ by path and heading, never at notes, issues or sections outside the repository,
// and every such pointer, like every local link in the Markdown files, leads somewhere real.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { ROOT } from "./imports.ts";

const SKIP_DIRS = new Set(["node_modules", "dist", "coverage", "test-results", "workspace"]);

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (SKIP_DIRS.has(name) || name.startsWith(".")) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (keep(name)) out.push(relative(ROOT, p).split("\\").join("/"));
    }
  };
  if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return out.sort();
}

const CODE = /\.(ts|tsx|mts|mjs|js|cjs|css|html)$/;
const THIS_FILE = "test/architecture/docs.test.ts";
const CODE_FILES = [
  ...["src", "nodes", "test", "scripts"].flatMap((d) => filesUnder(d, (n) => CODE.test(n))),
  ...readdirSync(ROOT).filter((n) => CODE.test(n) || n.startsWith("tsconfig")),
  // CI's own scripts and configs (the lint config, the commit-subject check), and its run script.
  ...filesUnder(".ci", (n) => CODE.test(n) || n === "run"),
].filter((f) => f !== THIS_FILE && existsSync(join(ROOT, f)));
const MARKDOWN = [
  ...readdirSync(ROOT).filter((n) => n.endsWith(".md")),
  ...["docs", "src", "nodes", "test"].flatMap((d) => filesUnder(d, (n) => n.endsWith(".md"))),
];

/** Citations of knowledge kept outside the repository, each with what to write instead. */
const OUTSIDE: { pattern: RegExp; instead: string; commentsOnly?: boolean }[] = [
  {
    pattern: /(?<![\w/.-])(reliability|fal-protocol|anchors|interop|architecture)\.md/,
    instead: "cite docs/<name>.md#heading",
  },
  { pattern: /shared\/docs/, instead: "write it into docs/ and cite that" },
  { pattern: /\bissues? #\d+/i, instead: "say what the issue asked, or cite docs/…#heading" },
  {
    pattern: /(?<!RFC \d+ )§/,
    instead: "cite a heading (docs/<name>.md#heading), not a section number",
    // A § in a string is data (a test's byte marker), not a citation.
    commentsOnly: true,
  },
];

/**
 * The comments of a TypeScript or JavaScript source, each with its line: from the parsed tree,
 * so `//` inside a string or template is not taken for one.
 */
function commentsOf(text: string, fileName = "x.ts"): { text: string; line: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const seen = new Map<number, { text: string; line: number }>();
  const add = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? [])
      seen.set(r.pos, { text: text.slice(r.pos, r.end), line: source.getLineAndCharacterOfPosition(r.pos).line + 1 });
  };
  const visit = (node: ts.Node) => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    node.forEachChild(visit);
  };
  visit(source);
  add(ts.getLeadingCommentRanges(text, source.endOfFileToken.pos));
  return [...seen.values()];
}

/** Where each pattern may match in a file: every line, or (for commentsOnly) its comments. */
function citationsIn(file: string, text: string): string[] {
  const scriptish = /\.(ts|tsx|mts|mjs|js|cjs)$/.test(file);
  // Parsing a file for its comments costs far more than the scan itself: only when a
  // comments-only pattern occurs somewhere in the text can a comment of it match.
  const parse = scriptish && OUTSIDE.some((o) => o.commentsOnly && o.pattern.test(text));
  const comments = parse ? commentsOf(text, file) : [];
  const lines = text.split("\n").map((line, i) => ({ text: line, line: i + 1 }));
  const found: string[] = [];
  for (const { pattern, instead, commentsOnly } of OUTSIDE) {
    for (const chunk of commentsOnly && scriptish ? comments : lines) {
      for (const [j, line] of chunk.text.split("\n").entries()) {
        const m = pattern.exec(line);
        if (m) found.push(`${file}:${chunk.line + j}: "${m[0]}": ${instead}`);
      }
    }
  }
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdownFile: string): Set<string> {
  const text = readFileSync(join(ROOT, markdownFile), "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1])));
}

/** "" when `path#anchor` (relative to the root) names an existing file and heading, else why not. */
function brokenTarget(path: string, anchor: string | undefined): string {
  const file = path.replace(/^\.\//, "");
  if (!existsSync(join(ROOT, file))) return `${file} does not exist`;
  if (anchor === undefined) return "";
  if (!file.endsWith(".md")) return `${file} has no headings to link to`;
  return anchorsOf(file).has(anchor) ? "" : `${file} has no heading for #${anchor}`;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

describe("docs belong in the repository", () => {
  it("no code cites notes, issues or sections outside the repository", () => {
    // Every place code lives is read: the sources, the tests, the root configs and CI's scripts.
    expect(CODE_FILES).toEqual(
      expect.arrayContaining(["src/server/main.ts", "vite.config.ts", ".ci/run", ".ci/eslint.config.js"]),
    );
    const found = CODE_FILES.flatMap((f) => citationsIn(f, readFileSync(join(ROOT, f), "utf8")));
    expect(found).toEqual([]);
  });

  it("every docs/… or README pointer in the code names a file and heading that exist", () => {
    const broken: string[] = [];
    let pointers = 0;
    for (const f of CODE_FILES) {
      const text = readFileSync(join(ROOT, f), "utf8");
      for (const m of text.matchAll(/\b((?:docs|src|nodes|test)\/[\w./-]+\.md|README\.md)(?:#([\w-]+))?/g)) {
        pointers++;
        const why = brokenTarget(m[1], m[2]);
        if (why) broken.push(`${f}:${lineOf(text, m.index)}: ${m[0]}: ${why}`);
      }
    }
    expect(pointers).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });

  it("every local link in the Markdown files leads to a file and heading that exist", () => {
    expect(MARKDOWN).toEqual(expect.arrayContaining(["README.md", "docs/codebase.md", "src/server/README.md"]));
    const broken: string[] = [];
    for (const f of MARKDOWN) {
      const text = readFileSync(join(ROOT, f), "utf8").replace(/```[\s\S]*?```/g, (b) => b.replace(/[^\n]/g, " "));
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split("#") as [string, string | undefined];
        const file =
          path === ""
            ? f
            : relative(ROOT, resolve(ROOT, dirname(f), path))
                .split("\\")
                .join("/");
        const why = brokenTarget(file, anchor);
        if (why) broken.push(`${f}:${lineOf(text, m.index)}: (${target}): ${why}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("derives anchors as GitHub does", () => {
    expect(slug("The fal-ai/lora request")).toBe("the-fal-ailora-request");
    expect(slug("Deep, big and hostile JSON")).toBe("deep-big-and-hostile-json");
    expect(slug("Dependency direction")).toBe("dependency-direction");
  });

  it("finds what it forbids", () => {
    const hits = (s: string) => OUTSIDE.filter((o) => o.pattern.test(s)).length;
    expect(hits("// see reliability.md §3")).toBe(2);
    expect(hits("// issue #5: initial JS")).toBe(1);
    expect(hits("// ../shared/docs/anchors.md")).toBe(1);
    expect(hits("// docs/reliability-cases.md#losing-work")).toBe(0);
    expect(hits("// RFC 9110 §7.6.1")).toBe(0);
    expect(citationsIn("a.ts", 'const marker = "§";\n/** see §3 */\nconst s = "issue #5";')).toEqual([
      'a.ts:3: "issue #5": say what the issue asked, or cite docs/…#heading',
      'a.ts:2: "§": cite a heading (docs/<name>.md#heading), not a section number',
    ]);
    const comments = commentsOf("const u = `a//b ${x} c//d`; // real\n/* two */ f(); /** three §1 */\n");
    expect(comments.map((c) => [c.text, c.line])).toEqual([
      ["// real", 1],
      ["/* two */", 2],
      ["/** three §1 */", 2],
    ]);
    expect(brokenTarget("docs/reliability-cases.md", "no-such-heading")).toMatch(/no heading/);
    expect(brokenTarget("docs/reliability-cases.md", "cases")).toBe("");
  });
});
