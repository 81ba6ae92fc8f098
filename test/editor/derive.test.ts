import { describe, expect, it } from "vitest";
import { createEdgeDeriver, createNodeDeriver, nodeById } from "../../src/editor/flow/derive";
import { createEditorStore, counterIds } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

describe("xyflow adapters", () => {
  it("hand xyflow the same node list after a param edit (the node reads its params from the store), and new objects only for moved or selected nodes", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const a = s.addNode("lora", { x: 0, y: 0 });
    const b = s.addNode("lora", { x: 100, y: 0 });
    const derive = createNodeDeriver();
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

  it("colour edges by the source port's type", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const base = s.addNode("base_model", { x: 0, y: 0 });
    const lora = s.addNode("lora", { x: 0, y: 0 });
    s.connect({ node: base, port: "model" }, { node: lora, port: "model" });
    const edges = createEdgeDeriver(stubRegistry)(s.getState().document.edges, s.getState().document.nodes, new Set(), new Set());
    expect(edges[0].style?.stroke).toBe("#a78bfa");
  });
});
