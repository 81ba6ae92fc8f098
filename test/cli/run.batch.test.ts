/**
 * `lora-graph run --batch/--count`, against the real server in stand-in mode: refused batches send
 * nothing, results come one JSON line each, a 429 waits and goes again, and an interrupted batch
 * resumes without sending anything twice (one spawn, for the real SIGTERM).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { execSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, type CliIO } from "../../src/cli/main";
import { nodeIO } from "../../src/cli/io";
import { readImageMetadata, WORKFLOW_KEYWORD } from "../../src/interop/image";
import { startServer, type StartedServer } from "../harness/server";
import { QUEEN, runAndStop } from "./helpers";

const SMALL = ["--set", 'sampler.image_size="square"'];

let srv: StartedServer;
let out: string;
beforeAll(async () => {
  srv = await startServer({ standinOptions: { latencyMs: 150, queueDelayMs: 20 } });
});
afterAll(() => srv.close());
beforeEach(async () => {
  srv.standin!.faults.clear();
  srv.standin!.resetStats();
  out = await mkdtemp(join(tmpdir(), "lora-graph-batch-"));
});
afterEach(() => rm(out, { recursive: true, force: true }));

const calls = () => srv.standin!.stats().calls;

async function cli(argv: string[], signal?: AbortSignal, onStdout?: (all: string) => void) {
  const r = { stdout: "", stderr: "" };
  const io: CliIO = {
    stdout: (s) => {
      r.stdout += s;
      onStdout?.(r.stdout);
    },
    stderr: (s) => void (r.stderr += s),
    read: nodeIO.read,
  };
  const code = await run(argv, { io, env: {}, signal });
  return {
    code,
    ...r,
    lines: r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  };
}

const batch = (...extra: string[]) => cli(["run", QUEEN, "--proxy", srv.proxyUrl, "--out", out, ...SMALL, ...extra]);

async function table(name: string, text: string): Promise<string> {
  const path = join(out, name);
  await writeFile(path, text);
  return path;
}

describe("lora-graph run --batch", () => {
  it("a CSV batch prints one line per result with its row, values, input and files", async () => {
    await writeFile(join(out, "colors.txt"), "red\ngreen\n");
    const rows = await table("rows.csv", 'prompt.prompt,sampler.seed\n"a {tiny|huge} __colors__ queen",1\nan owl,2\n');
    const r = await batch("--batch", rows, "--wildcards", out, "--seed", "7");
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(2);
    const byRow = Object.fromEntries(r.lines.map((l) => [l.row, l]));
    expect(byRow[1].values["prompt.prompt"]).toMatch(/^a (tiny|huge) (red|green) queen$/);
    expect(byRow[1].input.prompt).toBe(byRow[1].values["prompt.prompt"]);
    expect(byRow[1].picks).toEqual([{ list: "colors", value: expect.any(String) }]);
    expect(byRow[2]).toMatchObject({ ok: true, values: { "prompt.prompt": "an owl", "sampler.seed": 2 } });
    expect(byRow[2].input.seed).toBe(2);
    // The image carries the run's workflow with its batch row, so restoring it gives the values back.
    const meta = readImageMetadata(await readFile(byRow[1].files[0]));
    if (!meta.ok) throw new Error(meta.error);
    const workflow = JSON.parse(meta.entries[WORKFLOW_KEYWORD]);
    expect(workflow.meta.batch).toMatchObject({ row: 1, seed: 7, values: byRow[1].values });
    expect(workflow.nodes.find((n: { id: string }) => n.id === "prompt").params.prompt).toBe(
      byRow[1].values["prompt.prompt"],
    );
    expect(r.stderr).toMatch(/^batch: 2\/2 done, 0 running, 0 failed$/m);
    // The same seed draws the same prompt.
    await rm(join(out, "batch-state.jsonl"));
    const again = await batch("--batch", rows, "--wildcards", out, "--seed", "7");
    expect(again.lines.find((l) => l.row === 1).values).toEqual(byRow[1].values);
  });

  it("--workspace: __name__ reads the workspace's wildcards/, nested lists included; --wildcards wins; a cycle names its path", async () => {
    const ws = join(out, "ws");
    await mkdir(join(ws, "wildcards"), { recursive: true });
    await writeFile(join(ws, "wildcards", "beast.txt"), "a __size__ owl\n");
    await writeFile(join(ws, "wildcards", "size.txt"), "tiny\n");
    const own = join(out, "own");
    await mkdir(own);
    await writeFile(join(own, "size.txt"), "huge\n");
    const rows = await table("rows.csv", "prompt.prompt\n__beast__\n");
    const fromWs = await batch("--batch", rows, "--workspace", ws, "--seed", "1");
    expect(fromWs.code, fromWs.stderr).toBe(0);
    expect(fromWs.lines[0].values["prompt.prompt"]).toBe("a tiny owl");
    await rm(join(out, "batch-state.jsonl"));
    const both = await batch("--batch", rows, "--workspace", ws, "--wildcards", own, "--seed", "1");
    expect(both.lines[0].values["prompt.prompt"]).toBe("a huge owl");
    await rm(join(out, "batch-state.jsonl"));
    await writeFile(join(ws, "wildcards", "size.txt"), "__beast__\n");
    const cycle = await batch("--batch", rows, "--workspace", ws, "--seed", "1");
    expect(cycle.code).toBe(1);
    expect(cycle.stderr).toContain("__beast__ → __size__ → __beast__");
    expect(calls().submit).toBe(2);
  });

  it("BAT-03 a malformed table, an unknown column or a bad value is refused at its line and column; nothing is sent", async () => {
    const quote = await batch("--batch", await table("q.csv", 'prompt.prompt\n"open\n'));
    expect(quote.code).toBe(2);
    expect(quote.stderr).toContain("q.csv:2:1: this quote is never closed");
    const col = await batch("--batch", await table("c.csv", "prompt.prompt,sampler.stepz\nfox,3\n"));
    expect(col.code).toBe(1);
    expect(col.stderr).toMatch(/c\.csv:1:15: unknown column "sampler.stepz"/);
    const val = await batch("--batch", await table("v.jsonl", '{"sampler.seed": 1}\n{"sampler.seed": "x"}\n'));
    expect(val.stderr).toMatch(/v\.jsonl:2:2: sampler.seed: /);
    const wild = await batch("--count", "2", "--set", "prompt.prompt=a __nothing__");
    expect(wild.stderr).toMatch(/__nothing__ matches no wildcard list/);
    expect(wild.stderr).toContain("batch refused: nothing was sent");
    expect(calls().submit).toBe(0);
  });

  it("a table with a BOM or CRLF is refused at its line and column, with a command that converts it", async () => {
    // Bytes as Excel's "CSV UTF-8" writes them: a BOM, then CRLF line endings.
    const path = await table("excel.csv", "\ufeffprompt.prompt,sampler.seed\r\nfox,1\r\nowl,2\r\n");
    const r = await batch("--batch", path);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("excel.csv:1:1: the file starts with a byte-order mark (BOM)");
    expect(r.stderr).toContain("excel.csv:1:28: this line ends with CRLF");
    expect(calls().submit).toBe(0);
    // The message's own command, run as printed, makes the file one the batch reads.
    const command = r.stderr.match(/^ {2}(node -e .*)$/m)?.[1];
    expect(command).toBeDefined();
    execSync(command!, { cwd: out, shell: "/bin/sh" });
    expect(await readFile(path, "utf8")).toBe("prompt.prompt,sampler.seed\nfox,1\nowl,2\n");
    const fixed = await batch("--batch", path);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.lines.map((l) => l.values["sampler.seed"]).sort()).toEqual([1, 2]);
  });

  it("a batch over the cap needs --yes", async () => {
    const r = await batch("--count", "3", "--cap", "2");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("this batch makes 3 runs, over the cap of 2; add --yes");
    expect(calls().submit).toBe(0);
    const yes = await batch("--count", "3", "--cap", "2", "--yes", "--concurrency", "3");
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.lines).toHaveLength(3);
  });

  it("BAT-02 a submit refused with 429 waits and goes again; no run is dropped", async () => {
    srv.standin!.faults.add({ op: "submit", kind: "http", status: 429, retryAfterSeconds: 0, times: 2 });
    const r = await batch("--count", "3", "--concurrency", "3");
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.map((l) => l.ok)).toEqual([true, true, true]);
    expect(calls().submit).toBe(5);
  });

  it("BAT-01 Ctrl-C cancels the running requests and sends no more; --resume sends the cancelled ones again", async () => {
    const ctrlC = new AbortController();
    // The second request stays queued, so it is running when Ctrl-C comes.
    srv.standin!.faults.add({ op: "submit", kind: "stuck", on: 2 });
    const args = ["run", QUEEN, "--proxy", srv.proxyUrl, "--out", out, ...SMALL, "--count", "4", "--concurrency", "2"];
    const r = await cli(args, ctrlC.signal, (all) => all.includes("\n") && ctrlC.abort());
    expect(r.code).toBe(130);
    expect(r.lines).toHaveLength(1);
    expect(calls()).toMatchObject({ submit: 2, cancel: 1 });
    expect(r.stderr).toMatch(/request \S+ cancelled/);
    const resumed = await cli([...args, "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.lines.map((l) => l.index).sort()).toEqual([1, 2, 3]);
    expect(calls().submit).toBe(5);
  });

  it("BAT-05 a run whose submit was out when the batch died is sent again by --resume and marked as maybe run twice", async () => {
    const args = ["--count", "2", "--concurrency", "1", "--seed", "3"];
    const first = await batch(...args);
    expect(first.code, first.stderr).toBe(0);
    const statePath = join(out, "batch-state.jsonl");
    const lines = (await readFile(statePath, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { key?: string; sending?: boolean; requestId?: string });
    // Each submit is announced in the state file before it leaves, then confirmed by its id.
    const keys = [...new Set(lines.flatMap((l) => (l.key ? [l.key] : [])))];
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      const mine = lines.filter((l) => l.key === key);
      expect(mine[0]).toEqual({ key, sending: true });
      expect(mine[1]).toMatchObject({ key, requestId: expect.any(String) });
    }
    // A crash right after the second submit left: its id never reached the file.
    const crashed = [...lines.filter((l) => l.key !== keys[1]), { key: keys[1], sending: true }];
    await writeFile(statePath, crashed.map((l) => JSON.stringify(l)).join("\n") + "\n");
    srv.standin!.resetStats();
    const resumed = await batch(...args, "--resume");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(calls().submit).toBe(1);
    expect(resumed.lines).toHaveLength(1);
    expect(resumed.lines[0]).toMatchObject({ ok: true, index: 1, maybeTwice: true });
    expect(resumed.stderr).toMatch(/run 2: .*may run \(and be billed\) twice/);
    expect(first.lines.some((l) => "maybeTwice" in l)).toBe(false);
  });

  it("BAT-01 killed after 5 of 20 results, --resume ends with exactly 20 results and 20 submits", async () => {
    const rows = await table(
      "rows.csv",
      ["prompt.prompt", ...Array.from({ length: 20 }, (_, i) => `"queen {${i}|${i + 100}}"`)].join("\n"),
    );
    const args = ["run", QUEEN, "--proxy", srv.proxyUrl, "--out", out, ...SMALL, "--batch", rows, "--concurrency", "4"];
    const lines = (text: string) => text.split("\n").filter(Boolean).length;
    const killed = await runAndStop([...args, "--seed", "5"], {
      stream: "stdout",
      when: (text) => lines(text) >= 5,
      signal: "SIGTERM",
    });
    expect(killed.code, killed.stderr).toBe(143);
    const before = killed.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(before.length).toBeLessThan(20);

    const resumed = await cli([...args, "--seed", "5", "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const all = [...before, ...resumed.lines];
    expect(all).toHaveLength(20);
    expect(new Set(all.map((l) => l.row))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i + 1)));
    expect(all.every((l) => l.ok)).toBe(true);
    expect(calls().submit).toBe(20);
    // Resuming a different batch with this state file is refused.
    const other = await cli([...args, "--seed", "6", "--resume"]);
    expect(other.stderr).toContain("is the state of another batch");
  });
});
