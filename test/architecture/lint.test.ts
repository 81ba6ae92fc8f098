// The habits CI checks by itself (docs/codebase.md#habits): the lint config really flags what it
// is meant to (a focused test in any of vitest's spellings, the hooks rules, a function over 120
// lines outside the tests, a comment over 120 columns), and `.ci/run` lints and typechecks before it
// tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { ROOT } from "./imports";

const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, ".ci/eslint.config.js") });

/** The rules that report `code` as the file `filePath`, errors only. */
async function errors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.line}:${m.ruleId}`);
}

/** A function of exactly `lines` lines, signature to closing brace. */
const longFunction = (lines: number) =>
  `export function long(): number {\n  let n = 0;\n${"  n += 1;\n".repeat(lines - 4)}  return n;\n}\n`;

describe("the lint config (.ci/eslint.config.js)", () => {
  it("flags a focused test in every spelling vitest takes", async () => {
    // Spelled through `focus` so that this file itself holds no focused test for a scan to find.
    const focus = "only";
    const code = [
      'import { describe, it, test } from "vitest";',
      `it.${focus}("a", () => {});`,
      `describe.${focus}("b", () => {});`,
      `it.${focus}.each([1])("c", () => {});`,
      `test.concurrent.${focus}("d", () => {});`,
      `describe.skipIf(false).${focus}("e", () => {});`,
      'it("kept", () => {});',
      'it.each([1])("kept too", () => {});',
    ].join("\n");
    expect(await errors(code, "test/graph/focus.test.ts")).toEqual([
      "2:no-restricted-syntax",
      "3:no-restricted-syntax",
      "4:no-restricted-syntax",
      "5:no-restricted-syntax",
      "6:no-restricted-syntax",
    ]);
  }, 60_000);

  it("makes the hooks rules errors", async () => {
    const code = [
      'import { useEffect, useState } from "react";',
      "export function View({ on, id }: { on: boolean; id: string }) {",
      "  if (on) useState(0);",
      "  useEffect(() => console.log(id), []);",
      "  return null;",
      "}",
    ].join("\n");
    expect(await errors(code, "src/editor/View.tsx")).toEqual([
      "3:react-hooks/rules-of-hooks",
      "4:react-hooks/exhaustive-deps",
    ]);
  }, 60_000);

  it("holds every function but a test's to 120 lines", async () => {
    expect(await errors(longFunction(120), "src/graph/long.ts")).toEqual([]);
    for (const file of ["src/graph/long.ts", "nodes/lora/long.ts", "src/server/long.ts", "test/bench/long.ts"])
      expect(await errors(longFunction(121), file), file).toEqual(["1:max-lines-per-function"]);
    for (const file of [".ci/long.mjs", "src/cli/long.mjs"])
      expect(await errors(longFunction(121).replace("(): number", "()"), file), file).toEqual([
        "1:max-lines-per-function",
      ]);
    expect(await errors(longFunction(121), "test/graph/long.test.ts")).toEqual([]);
    expect(await errors(longFunction(121), "test/e2e/long.e2e.ts")).toEqual([]);
  }, 60_000);
  it("holds comments to Prettier's 120 columns, and lets strings, templates and regexes run longer", async () => {
    const words = "word ".repeat(25).trim();
    const code = [
      `// ${words}`,
      `export const s = "${words}";`,
      `export const t = \`${words}\`;`,
      `export const r = /${words}/;`,
      `/** ${words} */`,
      "export const n = 1;",
    ].join("\n");
    expect(await errors(code, "src/graph/wide.ts")).toEqual(["1:max-len", "5:max-len"]);
  }, 60_000);
});

describe("CI (.ci/run)", () => {
  it("lints and typechecks before it tests, so the expectTypeOf tests can fail there", () => {
    const run = readFileSync(join(ROOT, ".ci/run"), "utf8");
    // The commands it runs, in order (not the lines that only print them).
    const steps = run
      .split("\n")
      .filter((l) => !/^\s*(#|echo)/.test(l))
      .flatMap((l) => l.match(/\bnpm (run [\w:]+|test|ci)\b/g) ?? []);
    expect(steps).toEqual(["npm ci", "npm run lint", "npm run typecheck", "npm test", "npm run test:e2e"]);
  });
});
