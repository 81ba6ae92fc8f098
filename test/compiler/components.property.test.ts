/**
 * Property tests for components (docs/components.md#extract-and-inline): for random valid
 * pipelines and random node subsets, extracting a component keeps the compiled requests exactly,
 * inlining gives the original graph back (ids and positions aside), and nested components compile
 * like the flat graph.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { defaultParams, edgeId, type ParamSpec, type WorkflowDocument } from "../../src/graph";
import { extractComponent, inlineAll, inlineInstance } from "../../src/graph/componentEdits";

const CANDIDATES: unknown[] = [
  0,
  0.3,
  0.8,
  1,
  1.5,
  7.5,
  20,
  30,
  512,
  1024,
  true,
  false,
  "stabilityai/stable-diffusion-xl-base-1.0",
  "https://example.com/weights.safetensors",
  "https://example.com/a.png",
  "a castle",
  "blurry",
  "Euler",
  "LCM",
  "square_hd",
];

function valueArb(spec: ParamSpec): fc.Arbitrary<unknown> {
  const valid = [spec.default, ...(spec.options ?? []), spec.min, spec.max, ...CANDIDATES].filter(
    (v) => v !== undefined && spec.schema.safeParse(v).success,
  );
  return valid.length ? fc.constantFrom(...valid) : fc.constant(undefined);
}

const paramsArb = (type: string) => {
  const def = registry.getOrThrow(type);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, spec] of Object.entries(def.params)) shape[key] = valueArb(spec);
  return fc.record(shape).map((p) => {
    const out = defaultParams(def);
    for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
    return out;
  });
};

const CHAIN = ["lora", "lora", "embedding", "ip_adapter", "ic_light"] as const;

/** Real-shaped pipelines: a model chain, ControlNets, images (two references on an IP-Adapter). */
const pipeline = fc
  .record({
    chain: fc.array(fc.constantFrom(...CHAIN), { maxLength: 5 }),
    controlnets: fc.nat({ max: 2 }),
    scheduler: fc.boolean(),
    twoRefs: fc.boolean(),
  })
  .chain((shape) => {
    const types = ["base_model", "prompt", "sampler", ...shape.chain, ...Array(shape.controlnets).fill("controlnet")];
    types.push("image", "image", "scheduler");
    return fc.tuple(fc.constant(shape), fc.constant(types), fc.tuple(...types.map(paramsArb)));
  })
  .map(([shape, types, params]): WorkflowDocument => {
    const nodes = types.map((type, i) => ({
      id: `${type}-${i}`,
      type,
      typeVersion: registry.getOrThrow(type).version,
      position: { x: i * 10, y: i },
      params: params[i],
    }));
    const edges: WorkflowDocument["edges"] = [];
    const wire = (s: string, sh: string, t: string, th: string) =>
      edges.push({ id: edgeId(s, sh, t, th), source: s, sourceHandle: sh, target: t, targetHandle: th });
    const of = (type: string, nth = 0) => nodes.filter((n) => n.type === type)[nth]?.id;
    let model = of("base_model")!;
    for (const n of nodes.slice(3, 3 + shape.chain.length)) {
      wire(model, "model", n.id, "model");
      if (n.type === "ip_adapter") {
        wire(of("image", 0)!, "image", n.id, "image");
        if (shape.twoRefs) wire(of("image", 1)!, "image", n.id, "image");
      }
      if (n.type === "ic_light") wire(of("image", 0)!, "image", n.id, "image");
      model = n.id;
    }
    let cond = of("prompt")!;
    for (const n of nodes.filter((x) => x.type === "controlnet")) {
      wire(cond, "conditioning", n.id, "conditioning");
      wire(of("image", 1)!, "image", n.id, "image");
      cond = n.id;
    }
    wire(model, "model", of("sampler")!, "model");
    wire(cond, "conditioning", of("sampler")!, "conditioning");
    if (shape.scheduler) wire(of("scheduler")!, "scheduler", of("sampler")!, "scheduler");
    return { format: "lora-graph/workflow", version: 4, meta: {}, nodes, edges };
  });

const withSubsets = pipeline.chain((doc) =>
  fc.tuple(
    fc.constant(doc),
    fc.subarray(
      doc.nodes.map((n) => n.id),
      { minLength: 1 },
    ),
    fc.subarray(
      doc.nodes.map((n) => n.id),
      { minLength: 1 },
    ),
  ),
);

/** What a compile sends, and the kinds of problem it finds. */
function requests(doc: WorkflowDocument) {
  const r = compile(doc, registry);
  return {
    outputs: r.outputs.map((o) => ({ endpoint: o.endpoint, ok: o.ok, input: o.input })),
    codes: r.diagnostics.map((d) => `${d.severity}:${d.code}`).sort(),
  };
}

/** The graph without positions, nodes by id, wires grouped by the input they feed (order kept). */
function shape(doc: WorkflowDocument) {
  const key = (e: WorkflowDocument["edges"][number]) => `${e.target}\u0000${e.targetHandle}`;
  return {
    nodes: doc.nodes.map(({ position: _p, ...n }) => n).sort((a, b) => a.id.localeCompare(b.id)),
    edges: [...doc.edges].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
  };
}

describe("components (property)", () => {
  it("extract keeps the requests; inline gives the graph back; a refused cut has a real loop", () => {
    fc.assert(
      fc.property(withSubsets, ([doc, subset]) => {
        const r = extractComponent(doc, subset, { name: "Part" }, registry);
        if (!r.ok) {
          expect(r.reason).toMatch(/come back into it/);
          return;
        }
        expect(requests(r.document)).toEqual(requests(doc));
        expect(shape(inlineInstance(r.document, r.instanceId)!)).toEqual(shape(doc));
      }),
      { numRuns: 100 },
    );
  });

  it("nested components compile like the flattened graph, and inline all the way back", () => {
    fc.assert(
      fc.property(withSubsets, ([doc, first, second]) => {
        const one = extractComponent(doc, first, { name: "Inner" }, registry);
        fc.pre(one.ok);
        if (!one.ok) return;
        const kept = new Set(one.document.nodes.map((n) => n.id));
        const outer = [...second.filter((id) => kept.has(id) && id !== one.instanceId), one.instanceId];
        const two = extractComponent(one.document, outer, { name: "Outer" }, registry);
        fc.pre(two.ok);
        if (!two.ok) return;
        expect(requests(two.document)).toEqual(requests(doc));
        const flat = inlineAll(two.document) as WorkflowDocument;
        expect(flat.components).toBeUndefined();
        expect(shape(flat)).toEqual(shape(doc));
      }),
      { numRuns: 100 },
    );
  });
});
