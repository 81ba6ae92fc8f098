import { describe, expect, it } from "vitest";
import { createEdgeDeriver, createNodeDeriver } from "../../src/editor/flow/derive";
import { nodeById } from "../../src/editor/store/nodeIndex";
import { createCanvasView } from "../../src/editor/flow/view";
import { createEditorStore, counterIds } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

describe("xyflow adapters", () => {
  it("hand xyflow the same node list after a param edit (the node reads its params from the store), and new objects only for moved or selected nodes", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const a = s.addNode("lora", { x: 0, y: 0 });
    const b = s.addNode("lora", { x: 100, y: 0 });
    const derive = createNodeDeriver(stubRegistry, createCanvasView());
    const none = new Set<string>();
    const first = derive(s.getState().document.nodes, none, null);
    s.setParam(b, "scale", 0.3);
    const second = derive(s.getState().document.nodes, none, null);
    expect(second).toBe(first);
    expect(nodeById(s.getState().document.nodes, b)?.params.scale).toBe(0.3);
    // Selection and drag overlay change only the affected node.
    const third = derive(s.getState().document.nodes, new Set([a]), new Map([[b, { x: 5, y: 5 }]]));
    expect(third[0].selected).toBe(true);
    expect(third[0]).not.toBe(first[0]);
    expect(third[1]).not.toBe(first[1]);
    expect(third[1].position).toEqual({ x: 5, y: 5 });
    expect(s.getState().document.nodes[1].position).toEqual({ x: 100, y: 0 });
  });

  it("draw a node waiting to be placed by its drawn size as class placing (hidden), in batches oldest first, until it is placed", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const a = s.addNode("lora", { x: 0, y: 0 });
    const b = s.addNode("lora", { x: 100, y: 0 });
    const c = s.addNode("lora", { x: 200, y: 0 });
    const view = createCanvasView();
    const derive = createNodeDeriver(stubRegistry, view);
    const seen: number[] = [];
    view.placed.subscribe(() => seen.push(view.placed.version));
    view.placed.add([b, c]);
    view.placed.add([a]);
    expect(view.placed.batches()).toEqual([[b, c], [a]]);
    const waiting = derive(s.getState().document.nodes, new Set(), null);
    expect(waiting.map((n) => n.className)).toEqual(["placing", "placing", "placing"]);
    view.placed.delete([b, a]);
    expect(view.placed.batches()).toEqual([[c]]);
    const shown = derive(s.getState().document.nodes, new Set(), null);
    expect(shown.map((n) => n.className)).toEqual([undefined, undefined, "placing"]);
    expect(shown[2]).toBe(waiting[2]);
    expect(seen).toHaveLength(3);
  });

  it("when culling, give a node never measured an estimated size and handles (so xyflow can cull it unmounted), and a measured node neither (xyflow would re-read the estimate over its measured handles)", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const lora = s.addNode("lora", { x: 0, y: 0 });
    const view = createCanvasView();
    const derive = createNodeDeriver(stubRegistry, view);
    expect(derive(s.getState().document.nodes, new Set(), null)[0].handles).toBeUndefined();
    const [fresh] = derive(s.getState().document.nodes, new Set(), null, true);
    const def = stubRegistry.getOrThrow("lora");
    expect(fresh.initialWidth).toBeGreaterThan(0);
    expect(fresh.initialHeight).toBeGreaterThan(0);
    expect(fresh.handles?.map((h) => `${h.type}:${h.id}`).sort()).toEqual(
      [...def.inputs.map((p) => `target:${p.id}`), ...def.outputs.map((p) => `source:${p.id}`)].sort(),
    );
    // Inputs on the left edge, outputs on the right, one row apart.
    const targets = fresh.handles!.filter((h) => h.type === "target");
    expect(new Set(targets.map((h) => h.x)).size).toBe(1);
    expect(fresh.handles!.find((h) => h.type === "source")!.x).toBeGreaterThan(targets[0].x + 200);
    view.nodeSizes.set(lora, { width: 268, height: 190 });
    const [measured] = derive(s.getState().document.nodes, new Set(), null, true);
    expect(measured.measured).toEqual({ width: 268, height: 190 });
    expect(measured.handles).toBeUndefined();
    expect(measured.initialHeight).toBeUndefined();
  });

  it("colour edges by the source port's type", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const base = s.addNode("base_model", { x: 0, y: 0 });
    const lora = s.addNode("lora", { x: 0, y: 0 });
    s.connect({ node: base, port: "model" }, { node: lora, port: "model" });
    const edges = createEdgeDeriver(stubRegistry)(
      s.getState().document.edges,
      s.getState().document.nodes,
      new Set(),
      new Set(),
    );
    expect(edges[0].style?.stroke).toBe("#a78bfa");
  });
});
