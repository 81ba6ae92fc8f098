import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { registry } from "../../nodes";
import { loadWorkflow, type WorkflowDocument } from "../../src/graph";
import { starterDocument } from "../../src/editor/starter";
import { createEditorStore } from "../../src/editor/store";
import { firstOverlap, relayoutIfOverlapping } from "../../src/editor/flow/settle";

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
