/**
 * Node types' teaching text loads on demand (the editor's first load does not carry it): read
 * with `explainerOf` once `loadExplainers` has fetched it, and checked against the definition
 * then, as registration checks an inline one.
 */
import { describe, expect, it } from "vitest";
import {
  defineNode,
  explainerOf,
  loadExplainers,
  param,
  type NodeDefinition,
  type NodeExplainer,
} from "../../src/graph";
import { registry } from "../../nodes";

function node(explain: NodeDefinition["explain"]): NodeDefinition {
  return defineNode({
    type: "thing",
    version: 1,
    title: "Thing",
    category: { name: "Model", color: "#a78bfa" },
    description: "A node for explainer tests.",
    inputs: [],
    outputs: [{ id: "model", kind: "model", label: "Model" }],
    params: { scale: param.float({ label: "Scale", description: "How much.", default: 1 }) },
    explain,
  }) as NodeDefinition;
}

const text: NodeExplainer = { summary: "Scales things.", params: { scale: "0.5–1 is typical." } };

describe("explainers", () => {
  it("gives a text kept in a module only once it is loaded, once, to copies of the definition too", async () => {
    let fetches = 0;
    const def = node(async () => (fetches++, { default: text }));
    expect(explainerOf(def)).toBeUndefined();
    await Promise.all([loadExplainers([def]), loadExplainers([def])]);
    await loadExplainers([def, { ...def }]);
    expect(explainerOf(def)).toBe(text);
    expect(explainerOf({ ...def })).toBe(text);
    expect(fetches).toBe(1);
  });

  it("gives an inline text as it is", async () => {
    const def = node(text);
    expect(explainerOf(def)).toBe(text);
    await loadExplainers([def]);
    expect(explainerOf(def)).toBe(text);
  });

  it("refuses a loaded text that names a param the node does not have, and keeps none", async () => {
    const def = node(async () => ({ default: { summary: "x", params: { strength: "How strong." } } }));
    await expect(loadExplainers([def])).rejects.toThrow(
      'Node type "thing": explain.params names "strength", which is not one of its params',
    );
    expect(explainerOf(def)).toBeUndefined();
  });

  it("loads every catalogue type's text, each naming only its own params", async () => {
    await loadExplainers(registry.list());
    for (const def of registry.list()) {
      expect(typeof def.explain, def.type).toBe("function");
      const e = explainerOf(def);
      expect(e?.summary, def.type).toMatch(/\w/);
      for (const k of Object.keys(e?.params ?? {})) expect(def.params, def.type).toHaveProperty(k);
    }
  });
});
