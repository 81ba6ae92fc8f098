// Duplicate and paste share one copying (store/copy.ts copyNodes): the same selection, duplicated
// or copied and pasted, gives the same graph.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FAMILIES, type WorkflowDocument } from "../../src/graph";
import { createEditorStore, counterIds } from "../../src/editor/store";
import { stubNodes, stubRegistry } from "./stubRegistry";

const types = stubNodes.map((d) => d.type);
const xy = fc.record({ x: fc.integer({ min: -2000, max: 2000 }), y: fc.integer({ min: -2000, max: 2000 }) });

const arbGraph = fc.record({
  nodes: fc.array(
    fc.record({
      type: fc.constantFrom(...types),
      at: xy,
      label: fc.option(fc.string({ minLength: 1, maxLength: 12 }), { nil: undefined }),
      bypass: fc.boolean(),
      collapsed: fc.boolean(),
      family: fc.constantFrom(...FAMILIES),
      rank: fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  wires: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.array(xy, { maxLength: 3 })), { maxLength: 16 }),
  picked: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
});

type Graph = typeof arbGraph extends fc.Arbitrary<infer T> ? T : never;

/** The generated pipeline: wires that canConnect refuses are simply not made. */
function build(g: Graph): WorkflowDocument {
  const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
  const ids = g.nodes.map((n, i) => {
    const id = s.addNode(n.type, n.at);
    if (n.label) s.rename(id, n.label);
    if (n.type === "lora") {
      const url = `https://example.test/${i}.safetensors`;
      s.setParam(id, "path", url);
      s.setFileInfo(id, "path", { url, family: n.family, ...(n.rank ? { rank: n.rank } : {}) });
    }
    if (n.bypass) s.toggleBypass([id]);
    if (n.collapsed) s.toggleCollapsed([id]);
    return id;
  });
  for (const [a, b, o, p, points] of g.wires) {
    const [from, to] = [ids[a % ids.length], ids[b % ids.length]];
    const [sd, td] = [from, to].map((id) =>
      stubRegistry.getOrThrow(s.getState().document.nodes.find((n) => n.id === id)!.type),
    );
    if (!sd.outputs.length || !td.inputs.length) continue;
    const r = s.connect(
      { node: from, port: sd.outputs[o % sd.outputs.length].id },
      { node: to, port: td.inputs[p % td.inputs.length].id },
    );
    const wire = s.getState().document.edges.at(-1)!;
    if (r.ok) points.forEach((pt, k) => s.addReroute(wire.id, k, pt));
  }
  return s.getState().document;
}

describe("duplicate and paste of the same selection", () => {
  it("give the same graph: the inner wires again, every id fresh, each node whole", async () => {
    await fc.assert(
      fc.asyncProperty(arbGraph, async (g) => {
        const doc = build(g);
        const selected = doc.nodes.filter((_, i) => g.picked[i % g.picked.length]).map((n) => n.id);
        fc.pre(selected.length > 0);
        const dup = createEditorStore(stubRegistry, doc, { makeId: counterIds() });
        const copies = dup.duplicate(selected);
        const pst = createEditorStore(stubRegistry, doc, { makeId: counterIds() });
        const r = await pst.paste(pst.copy(selected)!);
        expect(r).toEqual({ ok: true, nodeIds: copies, warnings: [] });
        expect(pst.getState().document).toEqual(dup.getState().document);

        const before = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)]);
        const after = dup.getState().document;
        const added = after.nodes.slice(doc.nodes.length);
        expect(added.map((n) => n.id)).toEqual(copies);
        expect(copies.filter((id) => before.has(id))).toEqual([]);
        const originalOf = new Map(copies.map((id, i) => [id, selected[i]]));
        added.forEach((n, i) => {
          const o = doc.nodes.find((x) => x.id === selected[i])!;
          expect(n).toEqual({ ...o, id: n.id, position: { x: o.position.x + 32, y: o.position.y + 32 } });
        });
        const inner = doc.edges.filter((e) => selected.includes(e.source) && selected.includes(e.target));
        const newWires = after.edges.slice(doc.edges.length);
        expect(newWires.filter((e) => before.has(e.id))).toEqual([]);
        expect(
          newWires.map((e) => [originalOf.get(e.source), e.sourceHandle, originalOf.get(e.target), e.targetHandle]),
        ).toEqual(inner.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle]));
        expect(newWires.map((e) => e.reroutes)).toEqual(
          inner.map((e) => e.reroutes?.map((p) => ({ x: p.x + 32, y: p.y + 32 }))),
        );
      }),
      { numRuns: 60 },
    );
  });
});
