// Telling a drop of dragged nodes from an edit (src/graph/moved.ts): the compile and the Sampler's
// timeline keep their results on a moved-only change, so a change that is more than a move must
// never pass for one, and a move must always pass.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { produce, type Draft } from "immer";
import { movedOnly, nodesMovedOnly, type WorkflowDocument } from "../../src/graph";
import { generatePipeline } from "../bench/compile";

const DOC = generatePipeline(60);
const N = DOC.nodes.length;
const at = fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }) });
const moves = fc.array(fc.tuple(fc.nat({ max: N - 1 }), at), { maxLength: 8 });

type Edit = (d: Draft<WorkflowDocument>, i: number) => void;
/** Every kind of change a drop is not: each leaves a position-blind reader with stale results. */
const EDITS: Record<string, Edit> = {
  param: (d, i) => void (d.nodes[i].params = { ...d.nodes[i].params, extra: 1 }),
  label: (d, i) => void (d.nodes[i].label = "renamed"),
  bypass: (d, i) => void (d.nodes[i].bypass = !d.nodes[i].bypass),
  type: (d, i) => void (d.nodes[i].type = "no-such-type"),
  collapsed: (d, i) => void (d.nodes[i].collapsed = true),
  removeNode: (d, i) => void d.nodes.splice(i, 1),
  addNode: (d, i) => void d.nodes.push({ ...d.nodes[i], id: "copy" }),
  swapNodes: (d, i) => {
    const j = (i + 1) % d.nodes.length;
    [d.nodes[i], d.nodes[j]] = [d.nodes[j], d.nodes[i]];
  },
  removeWire: (d, i) => void d.edges.splice(i % d.edges.length, 1),
  reroute: (d, i) => void (d.edges[i % d.edges.length].reroutes = [{ x: 1, y: 2 }]),
  meta: (d) => void (d.meta.name = "other"),
  group: (d) =>
    void (d.groups = [{ id: "g", title: "G", color: "#ff0000", bounds: { x: 0, y: 0, width: 10, height: 10 } }]),
  components: (d) => void (d.components = []),
};

const moved = (doc: WorkflowDocument, list: [number, { x: number; y: number }][], edit?: [string, number]) =>
  produce(doc, (d) => {
    for (const [i, p] of list) d.nodes[i].position = p;
    if (edit) EDITS[edit[0]](d, edit[1]);
  });

describe("movedOnly", () => {
  it("holds for any set of moved nodes, and for no change at all", () => {
    fc.assert(
      fc.property(moves, (list) => {
        const next = moved(DOC, list);
        expect(movedOnly(DOC, next)).toBe(true);
        expect(nodesMovedOnly(DOC.nodes, next.nodes)).toBe(true);
      }),
    );
  });

  it("fails for any other change, with or without moves beside it", () => {
    fc.assert(
      fc.property(moves, fc.constantFrom(...Object.keys(EDITS)), fc.nat({ max: N - 1 }), (list, kind, i) => {
        expect(movedOnly(DOC, moved(DOC, list, [kind, i]))).toBe(false);
      }),
    );
  });

  it("tells node lists apart by what changed in them", () => {
    const next = moved(DOC, [[3, { x: 1, y: 1 }]], ["label", 5]);
    expect(nodesMovedOnly(DOC.nodes, next.nodes)).toBe(false);
    // A copy of the document holds equal but new objects: not a moved-only change by identity.
    const copy = structuredClone(DOC);
    expect(movedOnly(DOC, copy)).toBe(false);
  });
});
