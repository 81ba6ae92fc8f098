/** The machine line printed with every run, and the README "Benchmarks" table. */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { CHROMIUM_PATH } from "../harness/browser";
import type { BenchOptions, BudgetCheck } from "./harness";

let chromiumVersion: string | undefined;
function chromium(): string {
  if (chromiumVersion === undefined) {
    try {
      chromiumVersion = execFileSync(CHROMIUM_PATH, ["--version"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      chromiumVersion = "chromium not found";
    }
  }
  return chromiumVersion;
}

export function machineLine(): string {
  const cpus = os.cpus();
  const cores = os.availableParallelism?.() ?? cpus.length;
  return `${cpus[0]?.model.trim() ?? "unknown cpu"}, ${cores} cores, node ${process.version}, ${chromium()}, load average ${os.loadavg()[0].toFixed(2)}`;
}

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

/** Replaces the text between the bench markers in README.md with this run's table. */
export function writeReadme(results: { section: string; checks: BudgetCheck[] }[], opts: BenchOptions): void {
  const cell = (s: string | undefined) => (s ?? "").replace(/\|/g, "\\|");
  const lines = [
    START,
    `Measured ${new Date().toISOString().slice(0, 10)} on: ${machineLine()}${opts.quick ? " (--quick: 1 run each, shortened load)" : ""}.`,
    "",
    "| Section | Figure | Ours | Baseline | Ratio | Budget | Result |",
    "|---|---|---|---|---|---|---|",
    ...results.flatMap((r) =>
      r.checks.map(
        (c) =>
          `| ${r.section} | ${cell(c.label)} | ${cell(c.actual)} | ${cell(c.baseline)} | ${cell(c.ratio)} | ${cell(c.budget)} | ${c.pass ? "PASS" : "**FAIL**"} |`,
      ),
    ),
    END,
  ];
  const readme = readFileSync("README.md", "utf8");
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    console.warn(`README.md has no ${START} … ${END} block; table not written`);
    return;
  }
  writeFileSync("README.md", readme.slice(0, a) + lines.join("\n") + readme.slice(b + END.length));
  console.log("README.md Benchmarks table updated");
}
