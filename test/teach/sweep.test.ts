import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { componentRegistry, loadWorkflow, serializeWorkflow, type WorkflowDocument } from "../../src/graph";
import { extractComponent } from "../../src/graph/componentEdits";
import {
  contactSheetLayout,
  expandSweep,
  intRange,
  isAblatable,
  listValues,
  MAX_SWEEP_CELLS,
  range,
  toggleGroups,
} from "../../src/teach/sweep";
import { build } from "../harness/graph";

const PIXEL = "https://huggingface.co/nerijs/pixel-art-xl/resolve/main/pixel-art-xl.safetensors";
const GRAIN = "https://example.com/loras/film-grain-xl.safetensors";

function twoLoras(samplerParams: Record<string, unknown> = { seed: 11 }): WorkflowDocument {
  return build(registry, (g) => {
    const m = g.node("base_model", { model_name: "stabilityai/stable-diffusion-xl-base-1.0" }, { id: "base" });
    const a = g.node("lora", { path: PIXEL, scale: 0.8 }, { id: "pixel", label: "Pixel art" });
    const b = g.node("lora", { path: GRAIN, scale: 0.5 }, { id: "grain" });
    const p = g.node("prompt", { prompt: "a fox in the snow" }, { id: "prompt" });
    const sch = g.node("scheduler", { scheduler: "Euler", num_inference_steps: 30 }, { id: "sched" });
    const s = g.node("sampler", samplerParams, { id: "sampler" });
    g.wire(m, "model", a, "model");
    g.wire(a, "model", b, "model");
    g.wire(b, "model", s, "model");
    g.wire(p, "conditioning", s, "conditioning");
    g.wire(sch, "scheduler", s, "scheduler");
  });
}

const inputOf = (cell: { compiled: { outputs: { input?: Record<string, unknown> }[] } }) =>
  cell.compiled.outputs[0].input!;

describe("value helpers", () => {
  it("range gives evenly spaced values, both ends included, without float noise", () => {
    expect(range(0, 1.2, 7)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]);
    expect(range(1, 15, 8)).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
    expect(range(0.1, 0.3, 3)).toEqual([0.1, 0.2, 0.3]);
    expect(range(5, 5, 1)).toEqual([5]);
    expect(() => range(0, 1, 0)).toThrow(/steps must be a whole number of at least 1, got 0/);
    expect(() => range(Number.NaN, 1, 3)).toThrow(/finite/);
    expect(intRange(10, 40, 4)).toEqual([10, 20, 30, 40]);
    expect(intRange(1, 3, 5)).toEqual([1, 2, 3]);
  });

  it("listValues reads numbers, booleans and names", () => {
    expect(listValues("7.5, 4 ,12")).toEqual([7.5, 4, 12]);
    expect(listValues("Euler; DPM++ 2M Karras\nDDIM")).toEqual(["Euler", "DPM++ 2M Karras", "DDIM"]);
    expect(listValues("true, false, -0.5, .5, 1e3")).toEqual([true, false, -0.5, 0.5, 1000]);
    expect(listValues(" , ,")).toEqual([]);
  });
});

describe("expandSweep", () => {
  it("makes one compiled document per value, patched immutably, all with the same seed", () => {
    const doc = twoLoras();
    const before = structuredClone(doc);
    const r = expandSweep(doc, registry, { axes: [{ nodeId: "pixel", param: "scale", values: range(0, 1, 5) }] });
    expect(r.errors).toEqual([]);
    expect(r.cells.map((c) => [c.x, c.y, c.label.x])).toEqual([
      [0, 0, "0"],
      [1, 0, "0.25"],
      [2, 0, "0.5"],
      [3, 0, "0.75"],
      [4, 0, "1"],
    ]);
    expect(r.cells.map((c) => (inputOf(c).loras as { scale: number }[])[0].scale)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(new Set(r.cells.map((c) => inputOf(c).seed))).toEqual(new Set([11]));
    expect(r.cells.every((c) => c.ok)).toBe(true);
    expect(r.requestCount).toBe(5);
    expect(r.titles.x).toBe("Pixel art · Scale");
    expect(doc).toEqual(before);
  });

  it("crosses two axes into a grid, first axis across, second down", () => {
    const r = expandSweep(twoLoras(), registry, {
      axes: [
        { nodeId: "sched", param: "scheduler", values: ["Euler", "DPM++ 2M Karras", "DDIM"] },
        { nodeId: "sched", param: "num_inference_steps", values: [10, 30] },
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.cells).toHaveLength(6);
    const cell = r.cells.find((c) => c.x === 1 && c.y === 1)!;
    expect(cell.label).toEqual({ x: "DPM++ 2M Karras", y: "30" });
    expect(inputOf(cell)).toMatchObject({ scheduler: "DPM++ 2M Karras", num_inference_steps: 30 });
    expect(inputOf(r.cells[0])).toMatchObject({ scheduler: "Euler", num_inference_steps: 10 });
    expect(r.titles).toEqual({ x: "Scheduler · Scheduler", y: "Scheduler · Steps" });
  });

  it("null leaves a param unset, which means fal's default", () => {
    const r = expandSweep(twoLoras(), registry, {
      axes: [{ nodeId: "sched", param: "scheduler", values: [null, "DDIM"] }],
    });
    expect(r.cells[0].label.x).toBe("default");
    expect(inputOf(r.cells[0])).not.toHaveProperty("scheduler");
    expect(inputOf(r.cells[1]).scheduler).toBe("DDIM");
  });

  it(`refuses more than ${MAX_SWEEP_CELLS} cells`, () => {
    const r = expandSweep(twoLoras(), registry, {
      axes: [
        { nodeId: "sampler", param: "guidance_scale", values: range(1, 9, 9) },
        { nodeId: "pixel", param: "scale", values: range(0, 1, 8) },
      ],
    });
    expect(r.cells).toEqual([]);
    expect(r.requestCount).toBe(0);
    expect(r.errors[0].message).toBe("This sweep makes 72 cells (9 × 8); the limit is 64. Use fewer values.");
  });

  it("refuses values the param's schema refuses, naming the axis, the value and the reason", () => {
    const r = expandSweep(twoLoras(), registry, {
      axes: [{ nodeId: "sampler", param: "guidance_scale", values: [5, 25, "high"] }],
    });
    expect(r.cells).toEqual([]);
    expect(r.errors.map((e) => e.value)).toEqual([25, "high"]);
    expect(r.errors[0].message).toMatch(/^Axis 1 \(Sampler output · Guidance \(CFG\)\): 25 must be at most 20$/);
    expect(r.errors[1].message).toMatch(/Axis 1 .*high/);

    const steps = expandSweep(twoLoras(), registry, {
      axes: [
        { nodeId: "pixel", param: "scale", values: [0.5] },
        { nodeId: "sched", param: "num_inference_steps", values: [2.5] },
      ],
    });
    expect(steps.errors[0]).toMatchObject({ axis: 1, value: 2.5 });
    expect(steps.errors[0].message).toMatch(/^Axis 2 \(Scheduler · Steps\): 2\.5 must be a whole number/);
  });

  it("refuses missing nodes, unknown params, required params left unset and the same target twice", () => {
    const msg = (spec: Parameters<typeof expandSweep>[2]) =>
      expandSweep(twoLoras(), registry, spec)
        .errors.map((e) => e.message)
        .join(" | ");
    expect(msg({ axes: [{ nodeId: "ghost", param: "scale", values: [1] }] })).toMatch(
      /node "ghost", which is not in the workflow/,
    );
    expect(msg({ axes: [{ nodeId: "pixel", param: "weight", values: [1] }] })).toMatch(
      /Pixel art has no parameter "weight" \(it has path, scale\)/,
    );
    expect(msg({ axes: [{ nodeId: "pixel", param: "path", values: [null] }] })).toMatch(/cannot be left unset/);
    expect(msg({ axes: [{ nodeId: "pixel", param: "scale", values: [] }] })).toMatch(/has no values/);
    expect(
      msg({
        axes: [
          { nodeId: "pixel", param: "scale", values: [1] },
          { nodeId: "pixel", param: "scale", values: [0] },
        ],
      }),
    ).toMatch(/Axis 2 sweeps pixel scale again/);
    expect(msg({ axes: [] as never })).toMatch(/one or two axes, got 0/);
    expect(msg({ axes: [{ kind: "toggle", nodeIds: ["sampler"] }] })).toMatch(/Sampler output cannot be switched off/);
  });

  it("picks one deterministic seed when the Sampler has none, and says so", () => {
    const spec = { axes: [{ nodeId: "pixel", param: "scale", values: [0.2, 0.9] }] } as const;
    const a = expandSweep(twoLoras({}), registry, spec);
    const b = expandSweep(twoLoras({}), registry, spec);
    expect(a.seed).toBeTypeOf("number");
    expect(a.seed).toBe(b.seed);
    expect(a.cells.map((c) => inputOf(c).seed)).toEqual([a.seed, a.seed]);
    expect(a.notes[0]).toMatch(new RegExp(`no seed, so every cell uses seed ${a.seed}`));

    const forced = expandSweep(twoLoras(), registry, { ...spec, seed: 1234 });
    expect(forced.cells.map((c) => inputOf(c).seed)).toEqual([1234, 1234]);
    expect(expandSweep(twoLoras(), registry, { ...spec, seed: -1 }).errors[0].message).toMatch(
      /seed must be a whole number/,
    );

    const seeds = expandSweep(twoLoras({}), registry, {
      axes: [{ nodeId: "sampler", param: "seed", values: [1, 2, 3] }],
    });
    expect(seeds.cells.map((c) => inputOf(c).seed)).toEqual([1, 2, 3]);
  });

  describe("seeds reach a Sampler inside a component", () => {
    const spec = { axes: [{ nodeId: "pixel", param: "scale", values: [0.2, 0.9] }] } as const;
    /** `twoLoras` with the Sampler (and the scheduler) made into a component, nested `depth` deep. */
    function wrapped(samplerParams: Record<string, unknown>, depth = 1) {
      let doc = twoLoras(samplerParams);
      let ids = ["sched", "sampler"];
      for (let i = 0; i < depth; i++) {
        const made = extractComponent(
          doc,
          ids,
          { name: `Generator ${i}` },
          componentRegistry(registry, doc.components),
        );
        if (!made.ok) throw new Error(made.reason);
        doc = made.document;
        ids = [made.instanceId];
      }
      return { doc, types: componentRegistry(registry, doc.components) };
    }

    it("an inner Sampler with no seed gets the sweep's picked seed, at any depth", () => {
      for (const depth of [1, 2]) {
        const { doc, types } = wrapped({}, depth);
        const r = expandSweep(doc, types, spec);
        expect(r.errors).toEqual([]);
        expect(r.seed).toBeTypeOf("number");
        expect(r.cells.map((c) => inputOf(c).seed)).toEqual([r.seed, r.seed]);
        expect(r.notes[0]).toMatch(/no seed, so every cell uses seed/);
        // The cell's components carry the seed with a hash that matches, and the document is untouched.
        const again = loadWorkflow(serializeWorkflow(r.cells[0].document), registry);
        expect(again.ok && again.warnings.filter((w) => w.code === "component-hash-mismatch")).toEqual([]);
        expect(expandSweep(doc, types, spec).seed).toBe(r.seed);
        expect(JSON.stringify(doc)).not.toContain(`"seed":${r.seed}`);
      }
    });

    it("the sweep's own seed wins over an inner Sampler's seed, exposed and overridden or not", () => {
      for (const depth of [1, 2]) {
        const { doc, types } = wrapped({ seed: 11 }, depth);
        expect(expandSweep(doc, types, spec).cells.map((c) => inputOf(c).seed)).toEqual([11, 11]);
        expect(expandSweep(doc, types, spec).seed).toBe(11);
        const forced = expandSweep(doc, types, { ...spec, seed: 1234 });
        expect(forced.cells.map((c) => inputOf(c).seed)).toEqual([1234, 1234]);
      }
      const { doc, types } = wrapped({ seed: 11 });
      const outer = doc.nodes.find((n) => n.type.startsWith("component:"))!;
      const key = Object.keys(types.get(outer.type)!.params).find((k) => k.endsWith("seed"))!;
      expect(key).toBeDefined(); // extract exposed the seed, since it differs from the default
      outer.params = { ...outer.params, [key]: 99 };
      expect(expandSweep(doc, types, spec).cells.map((c) => inputOf(c).seed)).toEqual([99, 99]);
      const forced = expandSweep(doc, types, { ...spec, seed: 1234 });
      expect(forced.cells.map((c) => inputOf(c).seed)).toEqual([1234, 1234]);
      expect(forced.seed).toBe(1234);
      // Sweeping the exposed seed itself is a seed sweep: nothing else is written.
      const seeds = expandSweep(doc, types, { axes: [{ nodeId: outer.id, param: key, values: [1, 2] }] });
      expect(seeds.cells.map((c) => inputOf(c).seed)).toEqual([1, 2]);
      expect(seeds.notes).toEqual([]);
    });
  });

  it("a toggle axis switches each node off in turn (ablation), or every combination", () => {
    const r = expandSweep(twoLoras(), registry, { axes: [{ kind: "toggle", nodeIds: ["pixel", "grain"] }] });
    expect(r.cells.map((c) => c.label.x)).toEqual(["all on", "without Pixel art", "without LoRA film-grain-xl"]);
    expect(r.cells.map((c) => (inputOf(c).loras as { path: string }[]).map((l) => l.path))).toEqual([
      [PIXEL, GRAIN],
      [GRAIN],
      [PIXEL],
    ]);

    const all = expandSweep(twoLoras(), registry, {
      axes: [{ kind: "toggle", nodeIds: ["pixel", "grain"], mode: "all" }],
    });
    expect(all.cells.map((c) => (inputOf(c).loras as unknown[] | undefined)?.length ?? 0)).toEqual([2, 1, 1, 0]);
    expect(all.cells.at(-1)!.label.x).toBe("all off");

    const one = expandSweep(twoLoras(), registry, {
      axes: [
        { kind: "toggle", nodeIds: ["grain"] },
        { nodeId: "pixel", param: "scale", values: [0.4, 1] },
      ],
    });
    expect(one.cells.map((c) => `${c.label.x}/${c.label.y}`)).toEqual([
      "LoRA film-grain-xl on/0.4",
      "LoRA film-grain-xl off/0.4",
      "LoRA film-grain-xl on/1",
      "LoRA film-grain-xl off/1",
    ]);
  });

  it("keeps cells that do not compile, marks them and explains why", () => {
    const doc = build(registry, (g) => {
      const m = g.node("base_model", { model_name: "stabilityai/stable-diffusion-xl-base-1.0" });
      const p = g.node("prompt", { prompt: "a house" });
      const img = g.node("image", { url: "https://example.com/edges.png" });
      const cn = g.node(
        "controlnet",
        { path: "diffusers/controlnet-canny-sdxl-1.0", end_percentage: 0.8 },
        { id: "canny" },
      );
      const s = g.node("sampler", { seed: 3 });
      g.wire(m, "model", s, "model");
      g.wire(p, "conditioning", cn, "conditioning");
      g.wire(img, "image", cn, "image");
      g.wire(cn, "conditioning", s, "conditioning");
    });
    const r = expandSweep(doc, registry, {
      axes: [{ nodeId: "canny", param: "start_percentage", values: [0, 0.5, 0.9] }],
    });
    expect(r.cells.map((c) => c.ok)).toEqual([true, true, false]);
    expect(r.requestCount).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ cell: 2 });
    expect(r.errors[0].message).toMatch(/^Cell "0\.9" does not compile: .*start_percentage/);
  });
});

describe("contactSheetLayout", () => {
  it("lays a 3 × 2 grid out with column labels above, row labels left, and no overlaps", () => {
    const cells = [0, 1].flatMap((y) => [0, 1, 2].map((x) => ({ x, y, label: { x: `x${x}`, y: `row ${y}` } })));
    const l = contactSheetLayout(
      cells,
      { width: 100, height: 80 },
      { gap: 10, fontSize: 10, padding: 5, titles: { x: "Scale", y: "Steps" } },
    );
    expect(l.images).toHaveLength(6);
    for (const a of l.images) {
      expect(a.x).toBeGreaterThan(0);
      expect(a.y).toBeGreaterThan(0);
      expect(a.x + a.width).toBeLessThanOrEqual(l.width);
      expect(a.y + a.height).toBeLessThanOrEqual(l.height);
      for (const b of l.images) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart).toBe(true);
      }
    }
    const img = (x: number, y: number) => l.images[cells.findIndex((c) => c.x === x && c.y === y)];
    expect(img(1, 0).x - img(0, 0).x).toBe(110);
    expect(img(0, 1).y - img(0, 0).y).toBe(90);
    const cols = l.labels.filter((t) => t.role === "column");
    expect(cols.map((t) => t.text)).toEqual(["x0", "x1", "x2"]);
    cols.forEach((t, x) => {
      expect(t.x).toBe(img(x, 0).x + 50);
      expect(t.y).toBeLessThan(img(x, 0).y);
    });
    const rows = l.labels.filter((t) => t.role === "row");
    expect(rows.map((t) => [t.text, t.y])).toEqual([
      ["row 0", img(0, 0).y + 40],
      ["row 1", img(0, 1).y + 40],
    ]);
    rows.forEach((t) => expect(t.x).toBeLessThan(img(0, 0).x));
    expect(l.labels.filter((t) => t.role.startsWith("title")).map((t) => t.text)).toEqual(["Scale", "Steps"]);
  });

  it("leaves no row-label margin for a one-axis sweep", () => {
    const l = contactSheetLayout(
      [
        { x: 0, y: 0, label: { x: "a" } },
        { x: 1, y: 0, label: { x: "b" } },
      ],
      { width: 64, height: 64 },
      { padding: 4, gap: 4 },
    );
    expect(l.images[0].x).toBe(4);
    expect(l.width).toBe(4 + 64 + 4 + 64 + 4);
    expect(l.labels.some((t) => t.role === "row")).toBe(false);
  });
});

describe("which nodes an ablation offers to switch off", () => {
  it("offers the types that add to the request and pass their input through, from their definitions", () => {
    const titles = registry
      .list()
      .filter(isAblatable)
      .map((d) => d.title);
    expect(titles).toEqual(["LoRA", "Embedding", "IP-Adapter", "IC-Light", "ControlNet"]);
  });

  it("groups the document's switchable nodes by type", () => {
    expect(toggleGroups(twoLoras(), registry)).toEqual([
      { one: "LoRA", many: "LoRA nodes", nodeIds: ["pixel", "grain"] },
    ]);
  });
});
