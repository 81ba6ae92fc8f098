/**
 * `npm run bench`: performance budgets, one section per subsystem. Each section prints a table and
 * returns its budget checks; the process exits non-zero when any budget fails, so CI can run it.
 * Add a section by appending to SECTIONS.
 */
import { compileSection } from "./compile";
import type { BudgetCheck } from "./harness";

const SECTIONS: { name: string; run: () => Promise<BudgetCheck[]> | BudgetCheck[] }[] = [{ name: "compile", run: compileSection }];

const only = process.argv.slice(2);
let failed = 0;
for (const s of SECTIONS) {
  if (only.length && !only.includes(s.name)) continue;
  console.log(`\n== ${s.name} ==`);
  const checks = await s.run();
  for (const c of checks) {
    console.log(`${c.pass ? "PASS" : "FAIL"}  ${c.label}: ${c.actual} (budget ${c.budget})`);
    if (!c.pass) failed++;
  }
}
console.log(failed ? `\n${failed} budget(s) FAILED` : "\nall budgets PASS");
process.exitCode = failed ? 1 : 0;
