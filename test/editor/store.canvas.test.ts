// The canvas comforts' commands: splice into a wire, collapse, reroute points, groups. Each is one
// undo step.
import { describe, expect, it } from "vitest";
import { createEditorStore, counterIds } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

/** Base model → Sampler and Prompt → Sampler, as the starter has them. */
function starter() {
  const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
  const base = s.addNode("base_model", { x: 0, y: 0 });
  const prompt = s.addNode("prompt", { x: 0, y: 300 });
  const sampler = s.addNode("sampler", { x: 400, y: 100 });
  s.connect({ node: base, port: "model" }, { node: sampler, port: "model" });
  s.connect({ node: prompt, port: "conditioning" }, { node: sampler, port: "conditioning" });
  const wire = s.getState().document.edges[0].id;
  return { s, base, prompt, sampler, wire };
}

const wires = (s: ReturnType<typeof starter>["s"]) =>
  s
    .getState()
    .document.edges.map((e) => `${e.source}.${e.sourceHandle}->${e.target}.${e.targetHandle}`)
    .sort();

describe("splicing a node into a wire", () => {
  it("a LoRA dragged onto the model wire goes into the chain, moved and wired in one undo step", () => {
    const { s, base, sampler, wire } = starter();
    const lora = s.addNode("lora", { x: 900, y: 900 });
    const steps = s.getState().history.past.length;
    const r = s.spliceNode(lora, wire, [{ id: lora, position: { x: 200, y: 40 } }]);
    expect(r.ok).toBe(true);
    expect(wires(s)).toContain(`${base}.model->${lora}.model`);
    expect(wires(s)).toContain(`${lora}.model->${sampler}.model`);
    expect(wires(s)).not.toContain(`${base}.model->${sampler}.model`);
    expect(s.getState().document.nodes.find((n) => n.id === lora)!.position).toEqual({ x: 200, y: 40 });
    expect(s.getState().history.past).toHaveLength(steps + 1);
    s.undo();
    expect(wires(s)).toContain(`${base}.model->${sampler}.model`);
    expect(s.getState().document.nodes.find((n) => n.id === lora)!.position).toEqual({ x: 900, y: 900 });
  });

  it("refuses a node whose ports do not fit, and changes nothing", () => {
    const { s, wire } = starter();
    const prompt2 = s.addNode("prompt", { x: 0, y: 600 });
    const before = s.getState().document;
    const r = s.spliceNode(prompt2, wire);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/no input and output that fit/) });
    expect(s.getState().document).toBe(before);
  });

  it("refuses a node whose fitting input is already wired (no silent rewiring)", () => {
    const { s, base, wire } = starter();
    const lora = s.addNode("lora", { x: 0, y: 0 });
    s.connect({ node: base, port: "model" }, { node: lora, port: "model" });
    const r = s.spliceNode(lora, wire);
    expect(r.ok).toBe(false);
  });

  it("a node added into a wire (palette, sidebar drop) is wired in the same step as it is added", () => {
    const { s, base, sampler, wire } = starter();
    const steps = s.getState().history.past.length;
    const lora = s.addNode("lora", { x: 200, y: 40 }, { spliceInto: wire });
    expect(wires(s)).toContain(`${base}.model->${lora}.model`);
    expect(wires(s)).toContain(`${lora}.model->${sampler}.model`);
    expect(wires(s)).toHaveLength(3);
    expect(s.getState().history.past).toHaveLength(steps + 1);
    s.undo();
    expect(s.getState().document.nodes.some((n) => n.id === lora)).toBe(false);
    expect(wires(s)).toContain(`${base}.model->${sampler}.model`);
  });
});

describe("collapse", () => {
  it("toggles the selection; a mixed selection collapses all; undo restores", () => {
    const { s, base, prompt } = starter();
    s.setSelection({ nodes: [base] });
    s.toggleCollapsed();
    expect(s.getState().document.nodes.find((n) => n.id === base)!.collapsed).toBe(true);
    s.toggleCollapsed([base, prompt]);
    expect(s.getState().document.nodes.filter((n) => n.collapsed)).toHaveLength(2);
    s.toggleCollapsed([base, prompt]);
    expect(s.getState().document.nodes.some((n) => n.collapsed)).toBe(false);
    s.undo();
    s.undo();
    expect(
      s
        .getState()
        .document.nodes.filter((n) => n.collapsed)
        .map((n) => n.id),
    ).toEqual([base]);
  });
});

describe("reroute points", () => {
  it("are added in order, moved and removed; the last removal drops the list", () => {
    const { s, wire } = starter();
    s.addReroute(wire, 0, { x: 100.4, y: 10 });
    s.addReroute(wire, 1, { x: 200, y: 20 });
    s.addReroute(wire, 1, { x: 150, y: 15 });
    const edge = () => s.getState().document.edges.find((e) => e.id === wire)!;
    expect(edge().reroutes).toEqual([
      { x: 100, y: 10 },
      { x: 150, y: 15 },
      { x: 200, y: 20 },
    ]);
    s.moveReroute(wire, 1, { x: 160, y: 60 });
    expect(edge().reroutes![1]).toEqual({ x: 160, y: 60 });
    for (let i = 0; i < 3; i++) s.removeReroute(wire, 0);
    expect(edge()).not.toHaveProperty("reroutes");
    s.undo();
    expect(edge().reroutes).toEqual([{ x: 200, y: 20 }]);
  });

  it("stop at 64 on one wire", () => {
    const { s, wire } = starter();
    for (let i = 0; i < 64; i++) expect(s.addReroute(wire, i, { x: i, y: 0 })).toBe(true);
    expect(s.addReroute(wire, 0, { x: 0, y: 0 })).toBe(false);
  });
});

describe("groups", () => {
  it("move with their nodes and the reroute points inside, in one step; deleting keeps the nodes", () => {
    const { s, base, prompt, sampler, wire } = starter();
    s.addReroute(wire, 0, { x: 100, y: 50 });
    const g = s.addGroup({ x: -20, y: -40, width: 340, height: 200 }, "Model");
    s.moveGroup(g, { x: 30, y: 70 }, [base]);
    const d = s.getState().document;
    expect(d.groups![0].bounds).toEqual({ x: 10, y: 30, width: 340, height: 200 });
    expect(d.nodes.find((n) => n.id === base)!.position).toEqual({ x: 30, y: 70 });
    expect(d.nodes.find((n) => n.id === prompt)!.position).toEqual({ x: 0, y: 300 });
    expect(d.nodes.find((n) => n.id === sampler)!.position).toEqual({ x: 400, y: 100 });
    expect(d.edges.find((e) => e.id === wire)!.reroutes).toEqual([{ x: 130, y: 120 }]);
    s.undo();
    expect(s.getState().document.nodes.find((n) => n.id === base)!.position).toEqual({ x: 0, y: 0 });
    s.updateGroup(g, { title: "  Style  ", color: "#22c55e" });
    expect(s.getState().document.groups![0]).toMatchObject({ title: "Style", color: "#22c55e" });
    s.removeGroup(g);
    expect(s.getState().document).not.toHaveProperty("groups");
    expect(s.getState().document.nodes).toHaveLength(3);
  });

  it("carry the groups nested in them in the same step", () => {
    const { s, base } = starter();
    const outer = s.addGroup({ x: -100, y: -100, width: 800, height: 600 }, "Outer");
    const inner = s.addGroup({ x: -20, y: -40, width: 340, height: 200 }, "Inner");
    const apart = s.addGroup({ x: 2000, y: 0, width: 100, height: 100 }, "Apart");
    s.moveGroup(outer, { x: 10, y: 20 }, [base], [inner]);
    const bounds = (id: string) => s.getState().document.groups!.find((g) => g.id === id)!.bounds;
    expect(bounds(outer)).toMatchObject({ x: -90, y: -80 });
    expect(bounds(inner)).toMatchObject({ x: -10, y: -20, width: 340, height: 200 });
    expect(bounds(apart)).toMatchObject({ x: 2000, y: 0 });
    s.undo();
    expect(bounds(outer)).toMatchObject({ x: -100, y: -100 });
    expect(bounds(inner)).toMatchObject({ x: -20, y: -40 });
  });
});
