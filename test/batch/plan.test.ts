import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { planBatch } from "../../src/batch/plan";
import { parseCsv, parseJsonLines, type Table } from "../../src/batch/table";
import { compile } from "../../src/compiler";
import type { WorkflowDocument } from "../../src/graph";
import { build } from "../harness/graph";

function pipeline(prompt = "a {red|green|blue} __animal__", seed: number | undefined = 7): WorkflowDocument {
  return build(registry, (g) => {
    const m = g.node("base_model", { model_name: "stabilityai/stable-diffusion-xl-base-1.0" }, { id: "base" });
    const p = g.node("prompt", { prompt, negative_prompt: "blurry" }, { id: "prompt" });
    const s = g.node("sampler", seed === undefined ? {} : { seed }, { id: "sampler" });
    g.wire(m, "model", s, "model");
    g.wire(p, "conditioning", s, "conditioning");
  });
}

const lists = { animal: "fox\nowl\ncat" };
const table = (text: string): Table => {
  const r = text.trimStart().startsWith("{") ? parseJsonLines(text) : parseCsv(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.table;
};

describe("batch plans", () => {
  it("--count N alone: N runs with their own draws, the same for the same seed", () => {
    const plan = planBatch({ doc: pipeline(), registry, lists, count: 5, seed: 42 });
    expect(plan.ok).toBe(true);
    expect(plan.total).toBe(5);
    const runs = Array.from({ length: 5 }, (_, i) => plan.run(i));
    for (const r of runs) {
      expect(r.values["prompt.prompt"]).toMatch(/^a (red|green|blue) (fox|owl|cat)$/);
      expect(r.document.nodes.find((n) => n.id === "prompt")!.params.prompt).toBe(r.values["prompt.prompt"]);
      expect(r.picks).toHaveLength(1);
      expect(compile(r.document, registry).outputs[0].input!.prompt).toBe(r.values["prompt.prompt"]);
    }
    const again = planBatch({ doc: pipeline(), registry, lists, count: 5, seed: 42 });
    // Run 3 on its own (as a resume computes it) equals run 3 of the whole batch.
    expect(again.run(3)).toEqual(runs[3]);
    const other = planBatch({ doc: pipeline(), registry, lists, count: 5, seed: 43 });
    expect(runs.map((r) => r.values["prompt.prompt"])).not.toEqual(
      Array.from({ length: 5 }, (_, i) => other.run(i).values["prompt.prompt"]),
    );
  });

  it("combinatorial mode: every combination, times count", () => {
    const plan = planBatch({ doc: pipeline(), registry, lists, count: 2, seed: 1, mode: "combinatorial" });
    expect(plan.total).toBe(3 * 3 * 2);
    const prompts = Array.from({ length: plan.total }, (_, i) => plan.run(i).values["prompt.prompt"]);
    expect(new Set(prompts).size).toBe(9);
    expect(prompts.slice(0, 4)).toEqual(["a red fox", "a red fox", "a red owl", "a red owl"]);
  });

  it("a table: one run per row, columns as node.param or a wildcard's name", () => {
    const t = table('prompt.prompt,sampler.seed,animal\n"a {red|blue} __animal__",5,dragon\nplain text,,\n');
    const plan = planBatch({ doc: pipeline(), registry, lists, table: t, count: 2, seed: 9 });
    expect(plan.errors).toEqual([]);
    expect(plan.total).toBe(4);
    const first = plan.run(0);
    expect(first).toMatchObject({ row: 1, repeat: 0 });
    expect(first.values).toMatchObject({ "sampler.seed": 5, __animal__: "dragon" });
    expect(first.values["prompt.prompt"]).toMatch(/^a (red|blue) dragon$/);
    const third = plan.run(2);
    expect(third).toMatchObject({ row: 2, repeat: 0 });
    // An empty cell keeps the workflow's value.
    expect(third.document.nodes.find((n) => n.id === "sampler")!.params.seed).toBe(7);
    expect(third.values["prompt.prompt"]).toBe("plain text");
  });

  it("refuses an unknown column and a value failing its param's schema, at line and column", () => {
    const plan = planBatch({
      doc: pipeline(),
      registry,
      lists,
      table: table("prompt.prompt,sampler.steps,sampler.seed\nfox,1,2\nowl,2,-5\n"),
      seed: 1,
    });
    expect(plan.ok).toBe(false);
    expect(plan.errors[0]).toMatchObject({ line: 1, column: 15 });
    expect(plan.errors[0].message).toMatch(
      /^unknown column "sampler.steps": not a node.param \(node sampler \(sampler\) has no param "steps"/,
    );
    expect(plan.errors[1]).toMatchObject({ line: 3, column: 7, row: 2, nodeId: "sampler", field: "seed" });
    expect(plan.rowErrors.get(2)).toHaveLength(1);
    expect(plan.total).toBe(0);
  });

  it("JSON lines: null removes a param; a wildcard that matches nothing is refused at its cell", () => {
    const ok = planBatch({ doc: pipeline(), registry, lists, table: table('{"sampler.seed":null}'), seed: 1 });
    expect(ok.run(0).document.nodes.find((n) => n.id === "sampler")!.params.seed).toBeUndefined();
    const bad = planBatch({
      doc: pipeline("x"),
      registry,
      lists,
      table: table('{"prompt.prompt":"__nope__"}'),
      seed: 1,
    });
    expect(bad.errors).toEqual([
      expect.objectContaining({ message: "__nope__ matches no wildcard list", line: 1, column: 2, row: 1 }),
    ]);
  });

  it("seed policies: fixed keeps the seed, increment counts up, random draws from the batch seed", () => {
    const seeds = (policy: "fixed" | "increment" | "random") => {
      const plan = planBatch({ doc: pipeline("x"), registry, count: 3, seed: 5, seedPolicy: policy });
      return [0, 1, 2].map((i) => plan.run(i).document.nodes.find((n) => n.id === "sampler")!.params.seed);
    };
    expect(seeds("fixed")).toEqual([7, 7, 7]);
    expect(seeds("increment")).toEqual([7, 8, 9]);
    const random = seeds("random");
    expect(new Set(random).size).toBe(3);
    expect(seeds("random")).toEqual(random);
  });
});
