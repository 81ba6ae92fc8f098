/**
 * Vitest reporter that ends a run with one row per reliability case (docs/reliability-cases.md#cases):
 * pass / FAIL / MISSING at a glance, for `npm test` and for `npm run test:e2e`.
 *
 * Each suite writes its results to test-results/reliability-<suite>.json after a full run, and
 * shows the other suite's last saved results next to its own, so either command prints the
 * combined picture. A case with no test in either suite is MISSING (the catalogue test fails
 * on that too, so it cannot go unnoticed).
 *
 * Register in a vitest config: `reporters: ["default", ["./test/reliability/reporter.ts", { suite: "unit" }]]`.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { CASES, idPattern } from "./cases.ts";

export type Suite = "unit" | "e2e";
const OTHER: Record<Suite, Suite> = { unit: "e2e", e2e: "unit" };
const LABEL: Record<Suite, string> = { unit: "npm test", e2e: "test:e2e" };

export interface CaseTally {
  passed: number;
  failed: number;
  skipped: number;
  /** Names of failing tests, for the line under the table. */
  failures: string[];
}

export interface SuiteRecord {
  suite: Suite;
  finishedAt: number;
  results: Record<string, CaseTally>;
}

const ROOT = resolve(import.meta.dirname, "../..");
const OUT_DIR = join(ROOT, "test-results");

/** Which suite a test file belongs to, by the include patterns of the two configs. */
function suiteOf(file: string): Suite | null {
  if (/\.e2e\.ts$/.test(file)) return "e2e";
  if (/\.test\.tsx?$/.test(file)) return "unit";
  return null;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

const TEST_DECL = /\b(?:it|test|describe)(?:\.each\(|\.skip|\.only|\.concurrent)?\s*\(|^\s*\][^(]*\)\s*\(|^\s*\]\)\(/;

/**
 * For each case id, the test files (relative to the root, sorted) whose test or suite names carry
 * it. Only lines that declare a test or suite count, so an id in a comment does not.
 */
export function filesByCase(root = ROOT): Map<string, string[]> {
  const out = new Map<string, string[]>(CASES.map((c) => [c.id, []]));
  const files: string[] = [];
  for (const dir of ["test", "nodes"]) walk(join(root, dir), files);
  for (const f of files.sort()) {
    if (!suiteOf(f)) continue;
    if (f.endsWith("catalogue.test.ts")) continue; // names every id on purpose
    const text = readFileSync(f, "utf8")
      .split("\n")
      .filter((l) => TEST_DECL.test(l))
      .join("\n");
    for (const c of CASES) if (idPattern(c.id).test(text)) out.get(c.id)!.push(relative(root, f));
  }
  return out;
}

/** Case ids that appear in each suite's test names (a test exists, whether or not it ran). */
export function staticCoverage(root = ROOT): Record<Suite, Set<string>> {
  const found: Record<Suite, Set<string>> = { unit: new Set(), e2e: new Set() };
  for (const [id, files] of filesByCase(root)) for (const f of files) found[suiteOf(f)!].add(id);
  return found;
}

/** Tally the finished tests of a run by the case ids in their names. */
export function tally(modules: ReadonlyArray<TestModule>): Record<string, CaseTally> {
  const out: Record<string, CaseTally> = {};
  for (const m of modules) {
    for (const t of m.children.allTests()) {
      const name = t.fullName;
      const state = t.result().state;
      for (const c of CASES) {
        if (!idPattern(c.id).test(name)) continue;
        const r = (out[c.id] ??= { passed: 0, failed: 0, skipped: 0, failures: [] });
        if (state === "passed") r.passed += 1;
        else if (state === "failed") {
          r.failed += 1;
          r.failures.push(`${relative(ROOT, m.moduleId)} › ${name}`);
        } else r.skipped += 1;
      }
    }
  }
  return out;
}

function cell(t: CaseTally | undefined, hasTests: boolean, ran: boolean): string {
  if (!hasTests) return "—";
  if (!ran) return "not run";
  if (!t) return "not run";
  if (t.failed > 0) return `FAIL ${t.failed}/${t.passed + t.failed}`;
  if (t.passed > 0) return `pass ${t.passed}`;
  return "skipped";
}

export type Verdict = "pass" | "FAIL" | "MISSING" | "not run";

export function verdict(tallies: Array<CaseTally | undefined>, hasTests: boolean): Verdict {
  if (!hasTests) return "MISSING";
  if (tallies.some((t) => t && t.failed > 0)) return "FAIL";
  if (tallies.some((t) => t && t.passed > 0)) return "pass";
  return "not run";
}

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

function readRecord(suite: Suite): SuiteRecord | null {
  try {
    const r = JSON.parse(readFileSync(join(OUT_DIR, `reliability-${suite}.json`), "utf8")) as SuiteRecord;
    return r && r.suite === suite && typeof r.results === "object" ? r : null;
  } catch {
    return null;
  }
}

/** The table as lines of text (exported for the catalogue test). */
export function renderTable(
  suite: Suite,
  live: Record<string, CaseTally>,
  other: SuiteRecord | null,
  coverage: Record<Suite, Set<string>>,
  now = Date.now(),
): { lines: string[]; verdicts: Record<string, Verdict> } {
  const o = OTHER[suite];
  const head = [
    "case",
    "",
    LABEL[suite],
    other ? `${LABEL[o]} (${age(now - other.finishedAt)} ago)` : LABEL[o],
    "result",
  ];
  const rows: string[][] = [];
  const verdicts: Record<string, Verdict> = {};
  for (const c of CASES) {
    const mine = live[c.id];
    const theirs = other?.results[c.id];
    const has = coverage.unit.has(c.id) || coverage.e2e.has(c.id) || !!mine;
    const v = verdict([mine, theirs], has);
    verdicts[c.id] = v;
    rows.push([
      c.id,
      c.title,
      cell(mine, coverage[suite].has(c.id) || !!mine, true),
      cell(theirs, coverage[o].has(c.id), !!other),
      v,
    ]);
  }
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((x, i) => x.padEnd(width[i]))
      .join("  ")
      .trimEnd();
  const lines = [line(head), width.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  const counts = Object.values(verdicts).reduce<Record<string, number>>((a, v) => ((a[v] = (a[v] ?? 0) + 1), a), {});
  lines.push(
    `${CASES.length} cases: ${["pass", "FAIL", "MISSING", "not run"].map((k) => `${counts[k] ?? 0} ${k}`).join(", ")}` +
      (other ? "" : ` (no saved ${LABEL[o]} results yet: run it for the combined table)`),
  );
  for (const c of CASES)
    for (const f of [...(live[c.id]?.failures ?? []), ...otherFailures(other, c.id)])
      lines.push(`  ${c.id} failed: ${f}`);
  return { lines, verdicts };
}

function otherFailures(other: SuiteRecord | null, id: string): string[] {
  return other?.results[id]?.failures.map((f) => `[${LABEL[other.suite]}] ${f}`) ?? [];
}

export default class ReliabilityReporter implements Reporter {
  private vitest!: Vitest;
  private readonly suite: Suite;

  constructor(options: { suite?: Suite } = {}) {
    this.suite = options.suite ?? "unit";
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const live = tally(modules);
    // Only a complete run may stand in for its suite in the other suite's table.
    const all = await this.vitest.globTestSpecifications().catch(() => []);
    const complete = !this.vitest.config.testNamePattern && modules.length >= new Set(all.map((s) => s.moduleId)).size;
    if (!complete && Object.keys(live).length === 0) return; // a focused run with no case tests: stay quiet
    if (complete) {
      mkdirSync(OUT_DIR, { recursive: true });
      const record: SuiteRecord = { suite: this.suite, finishedAt: Date.now(), results: live };
      writeFileSync(join(OUT_DIR, `reliability-${this.suite}.json`), JSON.stringify(record, null, 2));
    }
    const { lines } = renderTable(this.suite, live, readRecord(OTHER[this.suite]), staticCoverage());
    const title = `Reliability cases (docs/reliability-cases.md)${complete ? "" : " — partial run"}`;
    process.stdout.write(`\n${title}\n${lines.join("\n")}\n\n`);
  }
}
