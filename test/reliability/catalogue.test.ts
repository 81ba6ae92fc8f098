// Every case of docs/reliability-cases.md has at least one test carrying its id, the doc lists exactly
// the files those tests are in, and the reporter's table says pass / FAIL / MISSING correctly.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CASES, CASES_DOC, idPattern, idsIn, parseCases } from "./cases.ts";
import { filesByCase, renderTable, staticCoverage, verdict, type CaseTally } from "./reporter.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("reliability catalogue", () => {
  it("reads the cases from the doc's table, each id once", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(CASES.map((c) => c.id)).toContain("IMP-01");
    expect(CASES.map((c) => c.id)).toContain("LOAD-02");
    const ids = CASES.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const c of CASES) expect(c.title, c.id).not.toBe("");
  });

  it("parses a row's title and test files, and refuses a doc without a table", () => {
    const doc = "| Case | Title | Guards | Tests |\n|---|---|---|---|\n| ZZ-01 | a title | what | `a.ts`, `b/c.ts` |\n";
    expect(parseCases(doc)).toEqual([{ id: "ZZ-01", title: "a title", tests: ["a.ts", "b/c.ts"] }]);
    expect(() => parseCases("no table here")).toThrow(/no case rows/);
  });

  it("every case has a test whose name carries its id (none MISSING)", () => {
    const cov = staticCoverage();
    const missing = CASES.filter((c) => !cov.unit.has(c.id) && !cov.e2e.has(c.id)).map((c) => c.id);
    expect(missing).toEqual([]);
  });

  it("the doc's Tests column lists exactly the files whose test names carry the id", () => {
    const found = filesByCase();
    const wrong: string[] = [];
    for (const c of CASES) {
      const listed = [...c.tests].sort();
      const actual = found.get(c.id) ?? [];
      for (const f of listed) {
        if (!existsSync(resolve(ROOT, f))) wrong.push(`${c.id}: ${f} is listed but does not exist`);
        else if (!actual.includes(f)) wrong.push(`${c.id}: ${f} is listed but no test name in it carries ${c.id}`);
      }
      for (const f of actual)
        if (!listed.includes(f)) wrong.push(`${c.id}: tests in ${f} carry the id; add the file to its row`);
    }
    expect(wrong, `fix the "Cases" table of ${CASES_DOC}`).toEqual([]);
  });

  it("ids match as whole tokens only", () => {
    expect(idsIn("IMP-01 / IMP-08: markup")).toEqual(["IMP-01", "IMP-08"]);
    expect(idsIn("IMP-011 and XIMP-01 and IMP-0")).toEqual([]);
    expect(idPattern("EXE-04").test("(EXE-04)")).toBe(true);
  });

  it("the table marks failures, passes, untested and unrun cases", () => {
    const t = (passed: number, failed: number): CaseTally => ({
      passed,
      failed,
      skipped: 0,
      failures: failed ? ["x.test.ts › IMP-01 broke"] : [],
    });
    expect(verdict([t(3, 1), t(2, 0)], true)).toBe("FAIL");
    expect(verdict([t(3, 0), undefined], true)).toBe("pass");
    expect(verdict([undefined, undefined], true)).toBe("not run");
    expect(verdict([undefined, undefined], false)).toBe("MISSING");

    const coverage = { unit: new Set(["IMP-01", "IMP-02"]), e2e: new Set(["IMP-01"]) };
    const other = { suite: "e2e" as const, finishedAt: 0, results: { "IMP-01": t(1, 0) } };
    const { lines, verdicts } = renderTable("unit", { "IMP-01": t(4, 1) }, other, coverage, 90_000);
    expect(lines).toHaveLength(2 + CASES.length + 1 + 1);
    expect(lines[0]).toMatch(/npm test\s+test:e2e \(90 s ago\)\s+result/);
    expect(lines.find((l) => l.startsWith("IMP-01"))).toMatch(/FAIL 1\/5\s+pass 1\s+FAIL$/);
    expect(lines.find((l) => l.startsWith("IMP-02"))).toMatch(/not run\s+—\s+not run$/);
    expect(lines.find((l) => l.startsWith("LOAD-02"))).toMatch(/—\s+—\s+MISSING$/);
    expect(verdicts["IMP-01"]).toBe("FAIL");
    expect(lines.at(-2)).toBe(`${CASES.length} cases: 0 pass, 1 FAIL, ${CASES.length - 2} MISSING, 1 not run`);
    expect(lines.at(-1)).toContain("IMP-01 failed: x.test.ts › IMP-01 broke");
  });
});
