import { describe, expect, it } from "vitest";
import { createEditorStore, counterIds } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

const make = () => createEditorStore(stubRegistry, undefined, { makeId: counterIds() });

describe("addNode", () => {
  it("adds a node holding only required defaults, selects it and is one undo step", () => {
    const s = make();
    const id = s.addNode("lora", { x: 10, y: 20 });
    const node = s.getState().document.nodes[0];
    expect(node).toMatchObject({
      id,
      type: "lora",
      typeVersion: 2,
      position: { x: 10, y: 20 },
      params: {},
    });
    expect(s.getState().selection.nodes).toEqual([id]);
    // A default not required stays unset: the request carries only what the user set.
    expect(s.getState().document.nodes[0].params).not.toHaveProperty("scale");
    expect(s.getState().history.past).toHaveLength(1);
    expect(s.getState().dirty).toBe(true);
    s.undo();
    expect(s.getState().document.nodes).toEqual([]);
    expect(s.getState().selection.nodes).toEqual([]);
  });

  it("connects the new node to the handle a wire was dropped from, in the same step", () => {
    const s = make();
    const base = s.addNode("base_model", { x: 0, y: 0 });
    const lora = s.addNode(
      "lora",
      { x: 200, y: 0 },
      { connectFrom: { nodeId: base, handleId: "model", handleType: "source" } },
    );
    expect(s.getState().document.edges).toEqual([
      expect.objectContaining({ source: base, sourceHandle: "model", target: lora, targetHandle: "model" }),
    ]);
    // Dragged backwards from the sampler's model input.
    const sampler = s.addNode("sampler", { x: 400, y: 0 });
    const lora2 = s.addNode(
      "lora",
      { x: 300, y: 0 },
      { connectFrom: { nodeId: sampler, handleId: "model", handleType: "target" } },
    );
    expect(s.getState().document.edges).toContainEqual(
      expect.objectContaining({ source: lora2, target: sampler, targetHandle: "model" }),
    );
    s.undo();
    expect(s.getState().document.nodes.map((n) => n.id)).toEqual([base, lora, sampler]);
    expect(s.getState().document.edges).toHaveLength(1);
  });

  it("throws for a type that is not in the catalogue (programmer error)", () => {
    expect(() => make().addNode("nope", { x: 0, y: 0 })).toThrow(/Unknown node type "nope"/);
  });
});
