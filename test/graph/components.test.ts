/**
 * Components: extract, inline, compile through instances, and how problems inside are named.
 * Reliability cases CMPT-01…05 (docs/reliability-cases.md): hostile definitions give clear errors and
 * never hang.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { compile } from "../../src/compiler";
import {
  COMPONENT_INPUT,
  hashComponent,
  instanceType,
  loadWorkflow,
  serializeWorkflow,
  withHash,
  type ComponentDefinition,
  type WorkflowDocument,
} from "../../src/graph";
import { loadComponentFile, serializeComponentFile } from "../../src/graph/componentFile";
import { extractComponent, inlineAll, inlineInstance } from "../../src/graph/componentEdits";

const example = (id: string) => structuredClone(examples.find((e) => e.id === id)!.document) as WorkflowDocument;

function extracted(doc: WorkflowDocument, ids: string[], name = "Style stack") {
  const r = extractComponent(doc, ids, { name }, registry);
  if (!r.ok) throw new Error(r.reason);
  return r;
}

const inputs = (doc: WorkflowDocument) => compile(doc, registry).outputs.map((o) => o.input);

describe("extract and inline", () => {
  it("replaces two LoRAs by one instance whose request is the original's", () => {
    const doc = example("sdxl-two-loras");
    const r = extracted(doc, ["lora-style", "lora-lcm"]);
    expect(r.document.nodes.map((n) => n.id)).toEqual(["base", "style-stack", "prompt", "sched", "sampler"]);
    expect(r.definition.inputs).toEqual([{ id: "model", label: "Model", kind: "model", required: true }]);
    expect(r.definition.outputs).toMatchObject([{ id: "model", kind: "model", node: "lora-lcm", port: "model" }]);
    expect(r.definition.edges.find((e) => e.source === COMPONENT_INPUT)).toMatchObject({ target: "lora-style" });
    expect(r.definition.params.map((p) => p.id)).toContain("lora-style.scale");
    expect(r.definition.hash).toBe(hashComponent(r.definition));
    expect(inputs(r.document)).toEqual(inputs(doc));
    expect(inputs(r.document)[0]).toBeDefined();
  });

  it("inlining gives the original graph back", () => {
    const doc = example("sdxl-two-loras");
    const back = inlineInstance(extracted(doc, ["lora-style", "lora-lcm"]).document, "style-stack")!;
    expect(back.components).toBeUndefined();
    const strip = (d: WorkflowDocument) => ({
      nodes: [...d.nodes].map(({ position: _p, ...n }) => n).sort((a, b) => a.id.localeCompare(b.id)),
      edges: [...d.edges].sort((a, b) => a.id.localeCompare(b.id)),
    });
    expect(strip(back)).toEqual(strip(doc));
  });

  it("refuses a cut that would feed itself, with the path", () => {
    const doc = example("sdxl-two-loras");
    const r = extractComponent(doc, ["base", "lora-lcm"], { name: "x" }, registry);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('"base" → "lora-style" → "lora-lcm"') });
    expect(extractComponent(doc, ["nope"], { name: "x" }, registry)).toEqual({
      ok: false,
      reason: 'there is no node "nope"',
    });
  });

  it("an override on the instance reaches the request, and survives a save and load", () => {
    const r = extracted(example("sdxl-two-loras"), ["lora-style", "lora-lcm"]);
    r.document.nodes.find((n) => n.id === "style-stack")!.params["lora-style.scale"] = 0.25;
    const loaded = loadWorkflow(serializeWorkflow(r.document), registry);
    expect(loaded.ok && loaded.warnings).toEqual([]);
    const doc = (loaded as { document: WorkflowDocument }).document;
    expect(doc).toEqual(JSON.parse(JSON.stringify(r.document)));
    const req = compile(doc, registry).outputs[0].input as { loras: { scale: number }[] };
    expect(req.loras[0].scale).toBe(0.25);
  });

  it("nested components compile like the flat graph, and inline all the way", () => {
    const doc = example("sdxl-two-loras");
    const one = extracted(doc, ["lora-style", "lora-lcm"]).document;
    const two = extracted(one, ["base", "style-stack"], "Model with style").document;
    expect(two.components).toHaveLength(2);
    expect(inputs(two)).toEqual(inputs(doc));
    const flat = inlineAll(two) as WorkflowDocument;
    expect(flat.components).toBeUndefined();
    expect(inputs(flat)).toEqual(inputs(doc));
  });
});

describe("problems inside a component", () => {
  it("land on the instance, named by the path, with the inner place kept", () => {
    const r = extracted(example("sdxl-two-loras"), ["lora-style", "lora-lcm"]);
    r.document.nodes.find((n) => n.id === "style-stack")!.params["lora-style.scale"] = "lots";
    const d = compile(r.document, registry).diagnostics.find((x) => x.code === "invalid-param")!;
    expect(d).toMatchObject({
      nodeId: "style-stack",
      field: "lora-style.scale",
      inner: { path: ["lora-style"], field: "scale" },
    });
    expect(d.message).toMatch(/^Style stack › Pixel-art style › Scale: /);
  });

  it("source map entries from inside point at the instance and the inner field", () => {
    const r = extracted(example("sdxl-two-loras"), ["lora-style", "lora-lcm"]);
    const out = compile(r.document, registry).outputs[0];
    expect(out.sourceMap["loras.0.scale"]).toEqual({
      nodeId: "style-stack",
      field: "lora-style.scale",
      inner: { path: ["lora-style"], field: "scale" },
    });
  });
});

/** A definition holding `nodes` and nothing else, hashed. */
function def(id: string, nodes: ComponentDefinition["nodes"], extra: Partial<ComponentDefinition> = {}) {
  return withHash({
    id,
    version: "1.0.0",
    hash: "",
    title: id,
    inputs: [],
    outputs: [],
    params: [],
    nodes,
    edges: [],
    ...extra,
  });
}
const instance = (id: string, of: string) => ({
  id,
  type: instanceType(of, "1.0.0"),
  typeVersion: 1,
  position: { x: 0, y: 0 },
  params: {},
});
const file = (nodes: unknown[], components: unknown[]) =>
  JSON.stringify({ format: "lora-graph/workflow", version: 3, meta: {}, nodes, edges: [], components });

describe("hostile definitions", () => {
  it("CMPT-01 a component that contains itself, directly or through another, is refused with its path", () => {
    const a = def("t/a", [instance("b1", "t/b")]);
    const b = def("t/b", [instance("a1", "t/a")]);
    const r = loadWorkflow(file([instance("x", "t/a")], [a, b]), registry);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatchObject({
      code: "component-cycle",
      message: expect.stringContaining("t/a@1.0.0 › t/b@1.0.0 › t/a@1.0.0"),
    });
    const self = def("t/self", [instance("me", "t/self")]);
    const doc = {
      format: "lora-graph/workflow",
      version: 4,
      meta: {},
      nodes: [instance("x", "t/self")],
      edges: [],
      components: [self],
    } as WorkflowDocument;
    const c = compile(doc, registry);
    expect(c.diagnostics.map((d) => d.code)).toContain("component-invalid");
    expect(c.diagnostics.find((d) => d.code === "component-invalid")!.message).toContain("t/self@1.0.0 › t/self@1.0.0");
  });

  it("CMPT-02 nesting 10,000 deep is refused with the limit named, without overflowing the stack", () => {
    const defs: ComponentDefinition[] = [];
    for (let i = 0; i < 10_000; i++)
      defs.push(
        def(
          `t/d${i}`,
          i === 9_999
            ? [{ id: "n", type: "note", typeVersion: 1, position: { x: 0, y: 0 }, params: {} }]
            : [instance("k", `t/d${i + 1}`)],
        ),
      );
    const r = loadWorkflow(file([instance("x", "t/d0")], defs), registry);
    expect(!r.ok && r.errors.map((e) => e.code)).toContain("component-too-deep");
    expect(!r.ok && r.errors[0].message).toMatch(/nests components \d+ deep; the limit is 32/);
    const doc = {
      format: "lora-graph/workflow",
      version: 4,
      meta: {},
      nodes: [instance("x", "t/d0")],
      edges: [],
      components: defs,
    } as WorkflowDocument;
    expect(compile(doc, registry).diagnostics.some((d) => d.code === "component-invalid")).toBe(true);
  });

  it("CMPT-03 an instance of a missing definition is kept, and the compiler says which one is missing", () => {
    const r = loadWorkflow(file([instance("x", "t/gone")], []), registry);
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(["component-missing"]);
    const doc = (r as { document: WorkflowDocument }).document;
    expect(doc.nodes[0].id).toBe("x");
    const d = compile(doc, registry).diagnostics.find((x) => x.nodeId === "x")!;
    expect(d).toMatchObject({ code: "component-missing", severity: "error" });
    expect(d.message).toContain("t/gone@1.0.0");
  });

  it("CMPT-04 a definition of 5,000 inner nodes loads and compiles; three instances of it are refused", () => {
    const nodes = Array.from({ length: 5_000 }, (_, i) => ({
      id: `n${i}`,
      type: "note",
      typeVersion: 1,
      position: { x: i, y: 0 },
      params: {},
    }));
    const big = def("t/big", nodes);
    const r = loadWorkflow(file([instance("x", "t/big")], [big]), registry);
    expect(r.ok).toBe(true);
    expect(compile((r as { document: WorkflowDocument }).document, registry).outputs).toEqual([]);
    const three = loadWorkflow(
      file([instance("x", "t/big"), instance("y", "t/big"), instance("z", "t/big")], [big]),
      registry,
    );
    expect(!three.ok && three.errors[0]).toMatchObject({
      code: "component-too-large",
      message: expect.stringContaining("10000"),
    });
  });

  it("CMPT-05 a hash that does not match the content is reported and corrected, not trusted", () => {
    const a = def("t/a", [{ id: "n", type: "note", typeVersion: 1, position: { x: 0, y: 0 }, params: {} }]);
    const tampered = { ...a, title: "Changed by hand" };
    const r = loadWorkflow(file([instance("x", "t/a")], [tampered]), registry);
    expect(r.ok && r.warnings[0]).toMatchObject({ code: "component-hash-mismatch", path: "$.components[0].hash" });
    const doc = (r as { document: WorkflowDocument }).document;
    expect(doc.components![0].hash).toBe(hashComponent(tampered));
    expect(doc.components![0].hash).not.toBe(a.hash);
  });
});

describe("workspace files people keep in git", () => {
  const fixture = readFileSync("test/fixtures/components/style-stack.json", "utf8");
  const load = (text: string) => {
    const r = loadWorkflow(text, registry);
    if (!r.ok) throw new Error(r.errors[0].message);
    return r.document;
  };
  /** The same JSON with the keys of every object in the order `pick` chooses. */
  const reordered = (v: unknown, pick: (n: number) => number): unknown => {
    if (Array.isArray(v)) return v.map((x) => reordered(x, pick));
    if (!v || typeof v !== "object") return v;
    const keys = Object.keys(v);
    const order: string[] = [];
    while (keys.length) order.push(keys.splice(pick(keys.length), 1)[0]);
    return Object.fromEntries(order.map((k) => [k, reordered((v as Record<string, unknown>)[k], pick)]));
  };

  it("a pipeline and its component file are written byte for byte the same, however their keys were ordered", () => {
    const pipeline = serializeWorkflow(load(fixture));
    // Saved again without a change: not one byte moves, so git shows no diff.
    expect(serializeWorkflow(load(pipeline))).toBe(pipeline);
    const definition = load(pipeline).components![0];
    const component = serializeComponentFile({ definition, uses: [] });
    const reread = loadComponentFile(component);
    if (!reread.ok) throw new Error(reread.errors[0].message);
    expect(reread.warnings).toEqual([]);
    expect(serializeComponentFile(reread.file)).toBe(component);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1 }), (choices) => {
        let i = 0;
        const pick = (n: number) => choices[i++ % choices.length] % n;
        expect(serializeWorkflow(load(JSON.stringify(reordered(JSON.parse(pipeline), pick))))).toBe(pipeline);
        const file = loadComponentFile(JSON.stringify(reordered(JSON.parse(component), pick)));
        if (!file.ok) throw new Error(file.errors[0].message);
        expect(serializeComponentFile(file.file)).toBe(component);
      }),
      { numRuns: 25 },
    );
  });
});
