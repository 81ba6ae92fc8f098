/**
 * `npm run bench`: performance budgets, one section per subsystem. Each section prints a table and
 * returns its budget checks; the process exits non-zero when any budget fails, so CI can run it.
 * Add a section by appending to SECTIONS.
 *
 *   npm run bench                      every section, full mode (medians of 3 fresh browsers, 60 s proxy load)
 *   npm run bench -- --quick           fewer sizes/runs and shorter load, for iterating
 *   npm run bench -- editor proxy      only these sections
 *   npm run bench -- --readme          also write the results table into README.md's Benchmarks section
 */
import { compileSection } from "./compile";
import { editorSection } from "./editor";
import { autosaveSection, editSection } from "./editing";
import { filesSection } from "./files";
import { loadSection } from "./load";
import { openSection } from "./open";
import { peerSection } from "./peer";
import { proxySection } from "./proxy";
import { runSection } from "./runs";
import type { BenchOptions, BudgetCheck } from "./harness";
import { machineLine, writeReadme } from "./report";

const SECTIONS: { name: string; run: (opts: BenchOptions) => Promise<BudgetCheck[]> | BudgetCheck[] }[] = [
  { name: "compile", run: compileSection },
  { name: "editor", run: editorSection },
  { name: "peer", run: peerSection },
  { name: "edit", run: editSection },
  { name: "load", run: loadSection },
  { name: "run", run: runSection },
  { name: "proxy", run: proxySection },
  { name: "autosave", run: autosaveSection },
  { name: "open", run: openSection },
  { name: "files", run: filesSection },
];

const args = process.argv.slice(2);
const opts: BenchOptions = { quick: args.includes("--quick") };
const only = args.filter((a) => !a.startsWith("--"));
const unknown = only.filter((a) => !SECTIONS.some((s) => s.name === a));
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(", ")}; sections are ${SECTIONS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const started = Date.now();
console.log(machineLine());
let failed = 0;
const results: { section: string; checks: BudgetCheck[] }[] = [];
for (const s of SECTIONS) {
  if (only.length && !only.includes(s.name)) continue;
  console.log(`\n== ${s.name} ==`);
  const checks = await s.run(opts);
  results.push({ section: s.name, checks });
  for (const c of checks) {
    const vs = c.baseline !== undefined ? ` vs baseline ${c.baseline}${c.ratio ? ` (${c.ratio})` : ""}` : "";
    console.log(`${c.pass ? "PASS" : "FAIL"}  ${c.label}: ${c.actual}${vs} (budget ${c.budget})`);
    if (!c.pass) failed++;
  }
}
console.log(`\nbench took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
console.log(failed ? `${failed} budget(s) FAILED` : "all budgets PASS");
if (args.includes("--readme")) writeReadme(results, opts);
process.exitCode = failed ? 1 : 0;
