// Measured node sizes belong to the graph on the canvas (docs/canvas.md "Readable at fit"): ids
// repeat between documents ("base" in every lesson) and inside components, so a size measured in one
// must never be taken for a node of the next. The browser half (a fit and a light card after
// opening another document with the same ids) is in test/e2e/lod.e2e.ts.
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { createEditor, counterIds } from "../../src/editor/store";
import { canvasViewOf, recordSize } from "../../src/editor/flow/view";
import { enterInstance, leaveTo } from "../../src/editor/components/commands";
import { componentFixture } from "../graph/helpers";
import { generatePipeline } from "../bench/compile";

const SIZE = { width: 268, height: 410 };

describe("measured node sizes", () => {
  it("outlive an edit, but not another document opened with the same ids", () => {
    const doc = generatePipeline(4);
    const editor = createEditor({ registry, makeId: counterIds(), document: doc });
    const view = canvasViewOf(editor);
    const id = doc.nodes[0].id;
    recordSize(view, id, doc.nodes[0].type, SIZE);
    const version = view.resized.version;
    editor.store.moveNodes([{ id, position: { x: 5, y: 5 } }]);
    editor.store.setSelection({ nodes: [id] });
    expect(view.nodeSizes.get(id)).toEqual(SIZE);

    editor.store.replaceDocument(generatePipeline(4));
    expect(view.nodeSizes.size).toBe(0);
    // Geometry built before is built again: it can no longer catch up from the log.
    expect(view.resized.since(version)).toBeNull();
    // The type's size stays: it is only the estimate for a node not measured yet.
    expect(view.typeSizes.get(doc.nodes[0].type)).toEqual(SIZE);
    recordSize(view, id, doc.nodes[0].type, { width: 268, height: 150 });
    expect(view.resized.since(view.resized.version - 1)?.ids).toEqual([id]);
  });

  it("are forgotten on entering a component and on leaving it", () => {
    const editor = createEditor({ registry, makeId: counterIds(), document: componentFixture("style-stack") });
    const view = canvasViewOf(editor);
    recordSize(view, "style-stack", undefined, SIZE);
    expect(enterInstance(editor.store, "style-stack").ok).toBe(true);
    expect(view.nodeSizes.size).toBe(0);
    const inner = editor.store.getState().view.nodes[0].id;
    recordSize(view, inner, undefined, SIZE);
    leaveTo(editor.store, 0);
    expect(view.nodeSizes.size).toBe(0);
  });
});
