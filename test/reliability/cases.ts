/**
 * The reliability and security cases, read from the table in docs/reliability-cases.md ("Cases"), which
 * is the one list of them. A test covers a case when the id appears in its name (describe + it);
 * the reporter and the catalogue test key on exactly that.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface ReliabilityCase {
  id: string;
  title: string;
  /** The test files the doc names for this case, relative to the repository root. */
  tests: string[];
}

export const CASES_DOC = resolve(import.meta.dirname, "../../docs/reliability-cases.md");

/** A table row whose first cell is a case id: `| IMP-01 | title | what it guards | tests |`. */
const ROW = /^\|\s*([A-Z]+-\d\d)\s*\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$/;

/** The cases of a reliability doc, in its order. Throws on a doc without any, so a broken table cannot pass. */
export function parseCases(markdown: string): ReliabilityCase[] {
  const cases: ReliabilityCase[] = [];
  for (const line of markdown.split("\n")) {
    const m = ROW.exec(line.trim());
    if (!m) continue;
    const tests = [...m[4].matchAll(/`([^`]+)`/g)].map((t) => t[1]);
    cases.push({ id: m[1], title: m[2].trim(), tests });
  }
  if (cases.length === 0) throw new Error(`${CASES_DOC}: no case rows found in the "Cases" table`);
  return cases;
}

export const CASES: readonly ReliabilityCase[] = parseCases(readFileSync(CASES_DOC, "utf8"));

/** Matches a case id as a whole token, so "IMP-0" or "IMP-011" never count as "IMP-01". */
export function idPattern(id: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9-])${id}(?![0-9])`);
}

/** The ids a test name carries. */
export function idsIn(name: string): string[] {
  return CASES.filter((c) => idPattern(c.id).test(name)).map((c) => c.id);
}
