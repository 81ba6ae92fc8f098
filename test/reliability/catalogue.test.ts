// The 30 cases of reliability.md §6 each have at least one test carrying the id, and the
// reporter's table says pass / FAIL / MISSING correctly.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CASES, idPattern, idsIn } from "./cases.ts";
import { renderTable, staticCoverage, verdict, type CaseTally } from "./reporter.ts";

describe("reliability catalogue", () => {
  it("lists exactly the 30 ids of reliability.md §6, in its order", () => {
    const spec = resolve(import.meta.dirname, "../../../shared/docs/reliability.md");
    const doc = existsSync(spec) ? (readFileSync(spec, "utf8").split("## 6.")[1] ?? "") : "";
    const inDoc = [...doc.matchAll(/\*\*((?:IMP|AUTO|CMP|PRX|EXE|LOAD)-\d\d)\b/g)].map((m) => m[1]);
    // The spec lives outside the repository; where it is absent the id list still has to be complete.
    if (inDoc.length > 0) expect(CASES.map((c) => c.id)).toEqual(inDoc);
    expect(CASES).toHaveLength(30);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(30);
  });

  it("every case has a test whose name carries its id (none MISSING)", () => {
    const cov = staticCoverage();
    const missing = CASES.filter((c) => !cov.unit.has(c.id) && !cov.e2e.has(c.id)).map((c) => c.id);
    expect(missing).toEqual([]);
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
    expect(lines).toHaveLength(2 + 30 + 1 + 1);
    expect(lines[0]).toMatch(/npm test\s+test:e2e \(90 s ago\)\s+result/);
    expect(lines.find((l) => l.startsWith("IMP-01"))).toMatch(/FAIL 1\/5\s+pass 1\s+FAIL$/);
    expect(lines.find((l) => l.startsWith("IMP-02"))).toMatch(/not run\s+—\s+not run$/);
    expect(lines.find((l) => l.startsWith("LOAD-02"))).toMatch(/—\s+—\s+MISSING$/);
    expect(verdicts["IMP-01"]).toBe("FAIL");
    expect(lines.at(-2)).toMatch(/^30 cases: 0 pass, 1 FAIL, 28 MISSING, 1 not run$/);
    expect(lines.at(-1)).toContain("IMP-01 failed: x.test.ts › IMP-01 broke");
  });
});
