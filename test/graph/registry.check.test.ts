/**
 * Registration checks the definitions (chaiNNer's node_check): a catalogue whose parts disagree
 * fails at load with a message naming the node type and what is wrong.
 */
import { describe, expect, it } from "vitest";
import { createRegistry, defineNode, param, type NodeDefinition } from "../../src/graph";

const model = { name: "Model", color: "#a78bfa" };

/** A small valid node; each test breaks one thing in a copy of it. */
function node(overrides: Partial<NodeDefinition> = {}): NodeDefinition {
  return defineNode({
    type: "thing",
    version: 1,
    title: "Thing",
    category: model,
    description: "A node for registry tests.",
    inputs: [{ id: "model", kind: "model", label: "Model" }],
    outputs: [{ id: "model", kind: "model", label: "Model" }],
    params: { scale: param.float({ label: "Scale", description: "How much.", default: 1 }) },
    ...overrides,
  }) as NodeDefinition;
}

describe("categories are data", () => {
  it("lists the categories in the order their first node type appears", () => {
    const image = { name: "Image", color: "#38bdf8" };
    const r = createRegistry([
      node({ type: "a", category: image }),
      node({ type: "b", category: model }),
      node({ type: "c", category: { ...image } }),
    ]);
    expect(r.categories().map((c) => c.name)).toEqual(["Image", "Model"]);
    expect(r.categories()[0].color).toBe("#38bdf8");
  });

  it("refuses one category name with two colours", () => {
    expect(() =>
      createRegistry([node({ type: "a" }), node({ type: "b", category: { name: "Model", color: "#000000" } })]),
    ).toThrow('Node type "b": category "Model" is #000000 here but #a78bfa on an earlier node type');
  });

  it("refuses a colour that is not a hex colour, and a category without a name", () => {
    expect(() => createRegistry([node({ category: { name: "Model", color: "purple" } })])).toThrow(
      'Node type "thing": category "Model" has colour "purple", not a hex colour',
    );
    expect(() => createRegistry([node({ category: { name: " ", color: "#fff" } })])).toThrow(
      'Node type "thing": its category needs a name',
    );
  });
});

describe("ports", () => {
  it("refuses a duplicate type and two ports of one id", () => {
    expect(() => createRegistry([node(), node()])).toThrow('Duplicate node type "thing"');
    expect(() =>
      createRegistry([
        node({
          inputs: [
            { id: "model", kind: "model", label: "Model" },
            { id: "model", kind: "image", label: "Image" },
          ],
        }),
      ]),
    ).toThrow('Node type "thing" has two ports "model"');
  });
});
