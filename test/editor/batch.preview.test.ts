// The batch window's preview grid: every row before anything is sent, each failing row marked with
// why, at the column to blame: a value its param refuses, a wildcard matching nothing, a request
// the compiler refuses; and a column that is neither a param nor a list marked at its header.
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { loadWorkflow, type WorkflowDocument } from "../../src/graph";
import { starterDocument } from "../../src/editor/starter";
import { estimateSeconds, prepareBatch, type BatchSetup } from "../../src/editor/batch/batchRun";
import type { RunRecord } from "../../src/editor/run/types";
import { rowFaults } from "../../src/editor/batch/previewGrid";

function starter(): WorkflowDocument {
  const r = loadWorkflow(structuredClone(starterDocument), registry);
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.document;
}

const setup = (text: string, patch: Partial<BatchSetup> = {}): BatchSetup => ({
  id: "",
  title: "t",
  graph: "",
  lists: { colors: "red\nblue" },
  count: 1,
  concurrency: 1,
  seed: 1,
  seedPolicy: "fixed",
  mode: "random",
  table: { name: "rows.csv", text },
  ...patch,
});

describe("the batch preview grid", () => {
  it("lists every row, marking each failing cell with why, and compiles the good rows too", () => {
    const csv = [
      "prompt.prompt,sampler.seed,sampler.image_size",
      "a __colors__ cloak,1,",
      "fine,-5,",
      "__nope__,3,",
      'ok,4,"{""width"": 3, ""height"": 512}"',
      "last,5,",
    ].join("\n");
    const p = prepareBatch(registry, starter(), setup(csv));
    expect(p.requestCount).toBe(0);
    expect(p.runs).toEqual([]);
    const rows = p.grid.rows;
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(p.grid.columns).toEqual(["prompt.prompt", "sampler.seed", "sampler.image_size"]);
    expect(rows[0]).toMatchObject({ runs: 1, bad: {}, problems: [] });
    expect(rows[0].drawn).toMatch(/^a (red|blue) cloak$/);
    expect(rows[1].bad).toEqual({ "sampler.seed": expect.stringMatching(/at least 0/) });
    expect(rows[2].bad).toEqual({ "prompt.prompt": expect.stringMatching(/__nope__ matches no wildcard list/) });
    // The schema takes any number; the compiler refuses it, and the grid says at which column.
    expect(rows[3].bad).toEqual({ "sampler.image_size": expect.stringMatching(/does not compile: .*multiple of 8/) });
    expect(rows[4]).toMatchObject({ runs: 1, bad: {}, problems: [] });
    expect(rowFaults(rows[1])[0]).toMatch(/^sampler\.seed: /);
    expect(rowFaults(rows[3])[0]).toMatch(/^sampler\.image_size: does not compile/);
    expect(p.errors.join("\n")).toMatch(/row 2 \(line 3, column 6\)/);
    expect(p.errors.join("\n")).toMatch(/#4 does not compile/);
  });

  it("marks an unknown column at its header and still shows the rows", () => {
    const p = prepareBatch(registry, starter(), setup("prompt.prompt,lora.path\nfine,x\n"));
    expect(p.grid.badColumns).toEqual({ "lora.path": expect.stringMatching(/unknown column "lora.path"/) });
    expect(p.grid.rows).toHaveLength(1);
  });

  it("shows one line per run without a table, with the values drawn", () => {
    const doc = starter();
    const prompt = doc.nodes.find((n) => n.id === "prompt")!;
    prompt.params.prompt = "a {red|green} hat";
    const p = prepareBatch(registry, doc, setup("", { table: undefined, count: 3 }));
    expect(p.requestCount).toBe(3);
    expect(p.grid.rows.map((r) => r.n)).toEqual([1, 2, 3]);
    for (const r of p.grid.rows) expect(r.drawn).toMatch(/^a (red|green) hat$/);
  });

  it("a ready table says so for every row, each with its run count", () => {
    const p = prepareBatch(registry, starter(), setup("prompt.prompt\none\ntwo\n", { count: 2 }));
    expect(p.requestCount).toBe(4);
    expect(p.grid.rows.map((r) => [r.n, r.runs, rowFaults(r)])).toEqual([
      [1, 2, []],
      [2, 2, []],
    ]);
  });
});

describe("the time estimate before a batch is sent", () => {
  const took = (seconds: number, extra: Partial<RunRecord> = {}) =>
    ({ status: "completed", createdAt: 1000, finishedAt: 1000 + seconds * 1000, ...extra }) as RunRecord;

  it("is the median of the last 20 finished runs, times the requests over the concurrency", () => {
    const runs = [took(10), took(2), took(4), took(100, { status: "failed" }), took(50, { cachedFrom: "x" })];
    // Median of 10, 2, 4 is 4 s; 7 requests 2 at a time make 4 rounds.
    expect(estimateSeconds(runs, 7, 2)).toBe(16);
    expect(estimateSeconds([...Array(20).fill(took(1)), took(99)], 1, 1)).toBe(1);
  });

  it("is undefined without a finished run to go by", () => {
    expect(estimateSeconds([took(5, { status: "failed" })], 3, 1)).toBeUndefined();
  });
});
