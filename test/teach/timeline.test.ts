import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { componentRegistry, type WorkflowDocument } from "../../src/graph";
import { extractComponent } from "../../src/graph/componentEdits";
import { setControlNetWindow, skippedForStrength, timelineFor } from "../../src/teach/timeline";
import { build } from "../harness/graph";

const CANNY = "diffusers/controlnet-canny-sdxl-1.0";
const DEPTH = "diffusers/controlnet-depth-sdxl-1.0";
const IMG = "https://example.com/edges.png";

function pipeline(opts: {
  scheduler?: Record<string, unknown> | null;
  controlnets?: { id: string; params: Record<string, unknown>; bypass?: boolean; label?: string }[];
  init?: boolean;
  mask?: boolean;
  noise_strength?: number;
}): WorkflowDocument {
  return build(registry, (g) => {
    const m = g.node("base_model", { model_name: "stabilityai/stable-diffusion-xl-base-1.0" });
    const p = g.node("prompt", { prompt: "a lighthouse" });
    const s = g.node(
      "sampler",
      { seed: 7, ...(opts.noise_strength !== undefined ? { noise_strength: opts.noise_strength } : {}) },
      { id: "sampler" },
    );
    g.wire(m, "model", s, "model");
    let cond = p;
    for (const cn of opts.controlnets ?? []) {
      const id = g.node("controlnet", { path: CANNY, ...cn.params }, { id: cn.id, bypass: cn.bypass, label: cn.label });
      const img = g.node("image", { url: IMG });
      g.wire(cond, "conditioning", id, "conditioning");
      g.wire(img, "image", id, "image");
      cond = id;
    }
    g.wire(cond, "conditioning", s, "conditioning");
    if (opts.scheduler !== null) {
      const sch = g.node("scheduler", opts.scheduler ?? { scheduler: "Euler", num_inference_steps: 30 }, {
        id: "sched",
      });
      g.wire(sch, "scheduler", s, "scheduler");
    }
    if (opts.init) {
      const init = g.node("image", { url: "https://example.com/photo.png" });
      g.wire(init, "image", s, "init_image");
      if (opts.mask) {
        const mask = g.node("image", { url: "https://example.com/mask.png" });
        g.wire(mask, "image", s, "mask");
      }
    }
  });
}

/** diffusers' rule, written out: step i of n runs the ControlNet iff i/n ≥ start and (i+1)/n ≤ end. */
function activeSteps(n: number, start: number, end: number, offset = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (i / n >= start && (i + 1) / n <= end) out.push(offset + i);
  return out;
}

describe("timelineFor", () => {
  it("draws the wired scheduler and one bar per ControlNet, in the request's controlnets[] order", () => {
    const doc = pipeline({
      controlnets: [
        { id: "canny", params: { end_percentage: 0.6, conditioning_scale: 0.8 }, label: "Canny edges" },
        { id: "depth", params: { path: DEPTH, start_percentage: 0.2 } },
      ],
    });
    const t = timelineFor(doc, registry, "sampler");
    expect(t.mode).toBe("text-to-image");
    expect(t.totalSteps).toBe(30);
    expect(t.schedule.points[0].timestep).toBe(958); // Euler, leading spacing
    expect(t.schedulerNodeId).toBe("sched");

    const compiled = compile(doc, registry).outputs[0];
    expect(compiled.ok).toBe(true);
    expect(t.controlNets.map((c) => c.nodeId)).toEqual([
      compiled.sourceMap["controlnets.0"].nodeId,
      compiled.sourceMap["controlnets.1"].nodeId,
    ]);

    const [canny, depth] = t.controlNets;
    const cannySteps = activeSteps(30, 0, 0.6);
    expect(canny).toMatchObject({
      label: "Canny edges",
      start: 0,
      end: 0.6,
      conditioningScale: 0.8,
      firstStep: cannySteps[0],
      lastStep: cannySteps.at(-1),
      activeSteps: 18,
    });
    const depthSteps = activeSteps(30, 0.2, 1);
    expect(depth).toMatchObject({
      label: "ControlNet controlnet-depth-sdxl-1.0",
      firstStep: depthSteps[0],
      lastStep: 29,
      activeSteps: depthSteps.length,
      conditioningScale: 1,
    });
  });

  it("with a number of bars, builds only those nearest the prompt and counts the rest", () => {
    const controlnets = [0.2, 0.4, 0.6, 0.8, 1].map((end, i) => ({ id: `cn${i}`, params: { end_percentage: end } }));
    const doc = pipeline({ controlnets });
    const all = timelineFor(doc, registry, "sampler");
    expect(all.controlNets).toHaveLength(5);
    expect(all.moreControlNets).toBe(0);
    const two = timelineFor(doc, registry, "sampler", 2);
    expect(two.controlNets).toEqual(all.controlNets.slice(0, 2));
    expect(two.moreControlNets).toBe(3);
    expect(timelineFor(doc, registry, "sampler", 9).controlNets).toEqual(all.controlNets);
  });

  it("image-to-image skips the first steps (diffusers: start at int(N·strength) from the end) and measures ControlNet windows over the steps run", () => {
    expect(skippedForStrength(30, 0.7)).toBe(9);
    expect(skippedForStrength(30, 1)).toBe(0);
    expect(skippedForStrength(30, 0)).toBe(30);
    expect(skippedForStrength(25, 0.5)).toBe(13); // int(12.5) = 12 steps run

    const doc = pipeline({
      init: true,
      noise_strength: 0.7,
      controlnets: [{ id: "canny", params: { start_percentage: 0.2, end_percentage: 0.5 } }],
    });
    const t = timelineFor(doc, registry, "sampler");
    expect(t.mode).toBe("image-to-image");
    expect([t.totalSteps, t.skippedSteps, t.runSteps, t.strength]).toEqual([30, 9, 21, 0.7]);
    const expected = activeSteps(21, 0.2, 0.5, 9);
    expect([t.controlNets[0].firstStep, t.controlNets[0].lastStep, t.controlNets[0].activeSteps]).toEqual([
      expected[0],
      expected.at(-1),
      expected.length,
    ]);
    expect(t.notes.join(" ")).toMatch(/first 9 steps/);

    expect(timelineFor(pipeline({ init: true, mask: true }), registry, "sampler")).toMatchObject({
      mode: "inpaint",
      skippedSteps: 15,
    });
  });

  it("falls back to fal's defaults without a scheduler, and treats a bypassed scheduler as none", () => {
    const none = timelineFor(pipeline({ scheduler: null }), registry, "sampler");
    expect(none.totalSteps).toBe(30);
    expect(none.schedulerNodeId).toBeUndefined();
    expect(none.notes.join(" ")).toMatch(/No Scheduler is wired/);

    const doc = pipeline({ scheduler: { scheduler: "LCM", num_inference_steps: 4 } });
    expect(timelineFor(doc, registry, "sampler").schedule.points.map((p) => p.timestep)).toEqual([999, 759, 499, 259]);
    const bypassed = { ...doc, nodes: doc.nodes.map((n) => (n.id === "sched" ? { ...n, bypass: true } : n)) };
    expect(timelineFor(bypassed, registry, "sampler").totalSteps).toBe(30);
  });

  it("uses custom sigmas' length as the step count", () => {
    const doc = pipeline({
      scheduler: {
        scheduler: "Euler",
        num_inference_steps: 30,
        sigmas: { method: "array", array: [14.6, 6.3, 2.1, 0.8, 0.2, 0] },
      },
    });
    const t = timelineFor(doc, registry, "sampler");
    expect(t.totalSteps).toBe(5);
    expect(t.schedule.points[0].sigma).toBe(14.6);
  });

  it("lists bypassed ControlNets as never acting and warns about windows too narrow for a whole step", () => {
    const doc = pipeline({
      scheduler: { scheduler: "Euler", num_inference_steps: 10 },
      controlnets: [
        { id: "off", params: {}, bypass: true },
        { id: "narrow", params: { start_percentage: 0.52, end_percentage: 0.58 } },
      ],
    });
    const t = timelineFor(doc, registry, "sampler");
    expect(t.controlNets.map((c) => [c.nodeId, c.bypassed, c.activeSteps])).toEqual([
      ["off", true, 0],
      ["narrow", false, 0],
    ]);
    expect(t.notes.join(" ")).toMatch(/never acts: its window 0\.52–0\.58 holds no whole step of 10/);
  });

  it("refuses ids that are not a Sampler output", () => {
    const doc = pipeline({});
    expect(() => timelineFor(doc, registry, "nope")).toThrow(/no node "nope"/);
    expect(() => timelineFor(doc, registry, "sched")).toThrow(/not a Sampler output/);
  });
});

describe("setControlNetWindow", () => {
  const base = pipeline({ controlnets: [{ id: "canny", params: { start_percentage: 0.1, end_percentage: 0.8 } }] });
  const win = (d: WorkflowDocument) => {
    const p = d.nodes.find((n) => n.id === "canny")!.params;
    return [p.start_percentage, p.end_percentage];
  };

  it("returns a new document and leaves the old one untouched", () => {
    const frozen = structuredClone(base);
    const next = setControlNetWindow(base, registry, "canny", { end: 0.6 });
    expect(win(next)).toEqual([0.1, 0.6]);
    expect(base).toEqual(frozen);
    expect(next.nodes.find((n) => n.id === "sampler")).toBe(base.nodes.find((n) => n.id === "sampler"));
    expect(timelineFor(next, registry, "sampler").controlNets[0].lastStep).toBe(activeSteps(30, 0.1, 0.6).at(-1));
  });

  it("clamps to 0…1 and keeps start below end, the dragged edge giving way", () => {
    expect(win(setControlNetWindow(base, registry, "canny", { start: -0.5, end: 1.7 }))).toEqual([0, 1]);
    expect(win(setControlNetWindow(base, registry, "canny", { end: 0.05 }))).toEqual([0.1, 0.11]);
    expect(win(setControlNetWindow(base, registry, "canny", { start: 0.95 }))).toEqual([0.79, 0.8]);
    const top = setControlNetWindow(base, registry, "canny", { start: 1, end: 1 });
    expect(win(top)).toEqual([0.99, 1]);
    const compiled = compile(setControlNetWindow(base, registry, "canny", { start: 0.7, end: 0.2 }), registry)
      .outputs[0];
    expect(compiled.ok).toBe(true); // fal's start < end rule holds whatever is dragged
  });

  it("refuses nodes that are missing or not ControlNets", () => {
    expect(() => setControlNetWindow(base, registry, "ghost", { end: 0.5 })).toThrow(/no node "ghost"/);
    expect(() => setControlNetWindow(base, registry, "sampler", { end: 0.5 })).toThrow(/has no ControlNet window/);
  });
});

describe("timelineFor through components", () => {
  it("sees a scheduler and ControlNets inside an instance, named by the instance on the canvas", () => {
    const doc = pipeline({
      controlnets: [{ id: "canny", params: { end_percentage: 0.6 }, label: "Canny edges" }],
      scheduler: { scheduler: "Euler", num_inference_steps: 20 },
    });
    const flat = timelineFor(doc, registry, "sampler");
    const made = extractComponent(doc, ["canny", "sched"], { name: "Guides" }, registry);
    if (!made.ok) throw new Error(made.reason);
    const types = componentRegistry(registry, made.document.components);
    const t = timelineFor(made.document, types, "sampler");
    expect(t.totalSteps).toBe(20);
    expect(t.schedulerNodeId).toBe(made.instanceId);
    expect(t.controlNets).toHaveLength(1);
    expect(t.controlNets[0]).toMatchObject({
      nodeId: made.instanceId,
      inside: true,
      end: 0.6,
      firstStep: flat.controlNets[0].firstStep,
      lastStep: flat.controlNets[0].lastStep,
    });
  });
});
