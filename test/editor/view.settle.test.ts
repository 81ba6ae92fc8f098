import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { registry } from "../../nodes";
import { loadWorkflow, type WorkflowDocument } from "../../src/graph";
import { starterDocument } from "../../src/editor/starter";
import { createEditorStore } from "../../src/editor/store";
import { clearDrawnOverlaps, firstOverlap, relayoutIfOverlapping } from "../../src/editor/flow/settle";
import { NODE_GAP } from "../../src/editor/flow/place";
import { clearOverlaps } from "../../src/editor/flow/clearOverlaps";
import { lessons } from "../../src/examples/lessons";

const starter = () => {
  const r = loadWorkflow(structuredClone(starterDocument), registry);
  if (!r.ok) throw new Error("starter does not load");
  return r.document;
};
const rects = (doc: WorkflowDocument, sizes: Map<string, { width: number; height: number }>) =>
  doc.nodes.map((n) => ({ id: n.id, ...n.position, ...sizes.get(n.id)! }));

describe("laying an import out again once drawn", () => {
  it("nodes drawn taller than estimated are laid out again, clear of each other, with no undo step", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 60, max: 900 }), { minLength: 4, maxLength: 4 }), async (hs) => {
        const store = createEditorStore(registry, starter());
        const doc = store.getState().document;
        const sizes = new Map(doc.nodes.map((n, i) => [n.id, { width: 268, height: hs[i % hs.length] }]));
        const overlapped = firstOverlap(rects(doc, sizes), 8) !== null;
        const moved = await relayoutIfOverlapping({ store }, registry, sizes);
        expect(moved).toBe(overlapped);
        expect(firstOverlap(rects(store.getState().document, sizes))).toBeNull();
        expect(store.getState().history.past).toHaveLength(0);
      }),
      { numRuns: 20 },
    );
  });

  it("leaves the graph alone when the user changed it meanwhile", async () => {
    const store = createEditorStore(registry, starter());
    const sizes = new Map(store.getState().document.nodes.map((n) => [n.id, { width: 268, height: 2000 }]));
    const pending = relayoutIfOverlapping({ store }, registry, sizes);
    store.moveNodes([{ id: "note", position: { x: -500, y: -500 } }]);
    const after = store.getState().document;
    expect(await pending).toBe(false);
    expect(store.getState().document).toBe(after);
  });
});

describe("a template's or lesson's nodes drawn taller than placed", () => {
  const lesson = (id: string) => {
    const l = lessons.find((x) => x.id === id)!;
    const r = loadWorkflow(structuredClone(l.document), registry);
    if (!r.ok) throw new Error(`${id} does not load`);
    return r.document;
  };

  it("property: clearOverlaps leaves no two nodes within the gap, and moves none that was clear", () => {
    const rect = fc.record({
      x: fc.integer({ min: 0, max: 1200 }),
      y: fc.integer({ min: 0, max: 900 }),
      width: fc.integer({ min: 60, max: 320 }),
      height: fc.integer({ min: 40, max: 500 }),
    });
    fc.assert(
      fc.property(fc.array(rect, { minLength: 1, maxLength: 9 }), (rs) => {
        const rects = rs.map((r, i) => ({ id: `n${i}`, ...r }));
        const moves = new Map(clearOverlaps(rects, 8).map((m) => [m.id, m.position]));
        const after = rects.map((r) => ({ ...r, ...moves.get(r.id) }));
        expect(firstOverlap(after, 8)).toBeNull();
        for (const r of rects)
          if (!rects.some((o) => o !== r && firstOverlap([r, o], 8))) expect(moves.has(r.id), r.id).toBe(false);
      }),
    );
  });

  it.each(["controlnet-window", "ip-adapter-vs-controlnet"])(
    "%s: the Edge map drawn under a tall Prompt moves to the nearest free space below it, no undo step, still clean",
    (id) => {
      const store = createEditorStore(registry, lesson(id));
      store.markClean();
      const doc = store.getState().document;
      // The Prompt as drawn with its text boxes (taller than the estimate the lesson was placed by).
      const sizes = new Map(
        doc.nodes.map((n) => [
          n.id,
          { width: 268, height: n.type === "prompt" ? 330 : n.type === "image" ? 190 : 200 },
        ]),
      );
      const prompt = doc.nodes.find((n) => n.type === "prompt")!;
      expect(firstOverlap(rects(doc, sizes), 8)).not.toBeNull();
      expect(clearDrawnOverlaps({ store }, sizes)).toBe(true);
      const after = store.getState().document;
      expect(firstOverlap(rects(after, sizes), 8)).toBeNull();
      const edges = after.nodes.find((n) => n.id === "edges")!;
      expect(edges.position).toEqual({ x: prompt.position.x, y: prompt.position.y + 330 + NODE_GAP });
      // Only the nodes that covered another moved.
      const moved = after.nodes.filter((n, i) => n.position !== doc.nodes[i].position).map((n) => n.id);
      expect(moved).toEqual(["edges"]);
      expect(store.getState().history.past).toHaveLength(0);
      expect(store.getState().dirty).toBe(false);
    },
  );
});
