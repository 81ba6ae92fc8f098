/**
 * `npm run test:stress`: the browser suite several times in a row (default 3) with CPU-burning
 * processes beside it (default 2, one per core of the CI machine), then the flake count: every
 * test that failed in any run. CI must pass on a busy machine; this is the proof (README.md, "Tests").
 *
 * The burners are bounded: each stops by itself after `--burn-minutes` (default 45) and all are
 * killed when the runs end or this script is interrupted. Not part of CI (it takes ~3× the suite).
 *
 * @example
 * npm run test:stress                       # 3 runs, 2 burners
 * npm run test:stress -- --runs 1 --burners 1 test/e2e/polish.e2e.ts
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: opts, positionals: files } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    burners: { type: "string", default: "2" },
    "burn-minutes": { type: "string", default: "45" },
  },
  allowPositionals: true,
});
const runs = Math.max(1, Number(opts.runs));
const burnMs = Math.max(1, Number(opts["burn-minutes"])) * 60_000;

// A busy loop that ends by itself: the deadline is checked on every turn.
const BURN = `const end = Date.now() + ${burnMs}; let x = 0; while (Date.now() < end) x = (x * 31 + 7) % 1e9;`;

function startBurners(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ["-e", BURN], { stdio: "ignore" }));
}

function stop(burners: ChildProcess[]) {
  for (const b of burners) if (b.exitCode === null) b.kill("SIGKILL");
}

interface JsonReport {
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

/** Runs a command to its end, its output shown; resolves with its exit code. */
function exec(cmd: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit" });
    child.on("exit", (code) => resolve(code));
    child.on("error", () => resolve(null));
  });
}

async function runSuite(outFile: string): Promise<{ passed: number; failed: string[] }> {
  const args = ["vitest", "run", "--config", "test/e2e/vitest.config.ts", "--reporter=dot", "--reporter=json"];
  const exit = await exec("npx", [...args, `--outputFile.json=${outFile}`, ...files]);
  let report: JsonReport;
  try {
    report = JSON.parse(readFileSync(outFile, "utf8")) as JsonReport;
  } catch {
    return { passed: 0, failed: [`(the run wrote no report; exit ${exit})`] };
  }
  const all = report.testResults.flatMap((f) =>
    f.assertionResults.map((a) => ({ name: `${f.name.replace(process.cwd() + "/", "")} > ${a.fullName}`, ...a })),
  );
  return {
    passed: all.filter((a) => a.status === "passed").length,
    failed: all.filter((a) => a.status === "failed").map((a) => a.name),
  };
}

async function main(): Promise<number> {
  if ((await exec("npx", ["vite", "build", "--sourcemap", "false", "--logLevel", "warn"])) !== 0) {
    console.error("stress: vite build failed");
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), "lora-graph-stress-"));
  const burners = startBurners(Math.max(0, Number(opts.burners)));
  const onSignal = () => {
    stop(burners);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const flaky = new Map<string, number>();
  let passed = 0;
  let failed = 0;
  try {
    for (let i = 1; i <= runs; i++) {
      // The load is printed with each run: on a shared machine it is what a run's result means.
      const load0 = loadavg()[0].toFixed(1);
      const t0 = Date.now();
      console.log(`\n::: stress run ${i}/${runs} with ${burners.length} CPU burners, load ${load0}`);
      const r = await runSuite(join(dir, `run-${i}.json`));
      passed += r.passed;
      failed += r.failed.length;
      for (const name of r.failed) flaky.set(name, (flaky.get(name) ?? 0) + 1);
      const took = Math.round((Date.now() - t0) / 1000);
      console.log(
        `::: run ${i}: ${r.passed} passed, ${r.failed.length} failed, ${took} s, load ${load0} → ${loadavg()[0].toFixed(1)}`,
      );
      for (const name of r.failed) console.log(`:::   failed: ${name}`);
    }
  } finally {
    stop(burners);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nstress: ${runs} runs of the browser suite beside ${burners.length} CPU burners`);
  for (const [name, n] of flaky) console.log(`  flaky (${n}/${runs}): ${name}`);
  console.log(`stress: ${flaky.size} flaky tests, ${failed} failed test runs`);
  console.log(`${passed} passed, ${failed} failed`);
  return flaky.size ? 1 : 0;
}

process.exitCode = await main();
