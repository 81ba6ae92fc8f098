import { describe, expect, it } from "vitest";
import { createEditorStore, counterIds } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

function setup() {
  const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
  const base = s.addNode("base_model", { x: 0, y: 0 });
  const base2 = s.addNode("base_model", { x: 0, y: 200 });
  const img = s.addNode("image", { x: 0, y: 100 });
  const lora = s.addNode("lora", { x: 200, y: 0 });
  const lora2 = s.addNode("lora", { x: 400, y: 0 });
  s.connect({ node: base, port: "model" }, { node: lora, port: "model" });
  const wire = s.getState().document.edges[0].id;
  return { s, base, base2, img, lora, lora2, wire };
}

describe("connect with reconnect: dragging a wire's end", () => {
  it("moves the wire to a new target in one undo step", () => {
    const { s, base, lora, lora2, wire } = setup();
    const steps = s.getState().history.past.length;
    expect(
      s.connect({ node: base, port: "model" }, { node: lora2, port: "model" }, { replace: true, reconnect: wire }),
    ).toEqual({ ok: true });
    const edges = s.getState().document.edges;
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ source: base, target: lora2, targetHandle: "model" });
    expect(s.getState().history.past).toHaveLength(steps + 1);
    expect(s.getState().history.past.at(-1)!.label).toBe("Reconnect");
    s.undo();
    expect(s.getState().document.edges).toEqual([expect.objectContaining({ id: wire, source: base, target: lora })]);
  });

  it("moves the source end onto the input the wire already occupies (its own wire does not block it)", () => {
    const { s, base2, lora, wire } = setup();
    expect(
      s.connect({ node: base2, port: "model" }, { node: lora, port: "model" }, { replace: true, reconnect: wire }),
    ).toEqual({ ok: true });
    expect(s.getState().document.edges).toEqual([expect.objectContaining({ source: base2, target: lora })]);
  });

  it("refuses a wrong type with the reason and leaves the old wire in place", () => {
    const { s, img, lora, wire } = setup();
    const before = s.getState();
    const r = s.connect(
      { node: img, port: "image" },
      { node: lora, port: "model" },
      { replace: true, reconnect: wire },
    );
    expect(r).toEqual({ ok: false, code: "type-mismatch", reason: "LoRA expects a model, not an image" });
    expect(s.getState()).toBe(before);
  });

  it("refuses a move that would close a loop", () => {
    const { s, lora, lora2, wire } = setup();
    s.connect({ node: lora, port: "model" }, { node: lora2, port: "model" });
    // base→lora becomes lora2→lora: lora → lora2 → lora.
    expect(
      s.connect({ node: lora2, port: "model" }, { node: lora, port: "model" }, { replace: true, reconnect: wire }),
    ).toMatchObject({ ok: false, code: "cycle" });
    expect(s.getState().document.edges.some((e) => e.id === wire)).toBe(true);
  });

  it("replaces the wire already in the new single input, all in one step", () => {
    const { s, base, base2, lora, lora2, wire } = setup();
    s.connect({ node: base2, port: "model" }, { node: lora2, port: "model" });
    expect(
      s.connect({ node: base, port: "model" }, { node: lora2, port: "model" }, { replace: true, reconnect: wire }),
    ).toEqual({ ok: true });
    expect(s.getState().document.edges).toEqual([expect.objectContaining({ source: base, target: lora2 })]);
    s.undo();
    expect(
      s
        .getState()
        .document.edges.map((e) => `${e.source}>${e.target}`)
        .sort(),
    ).toEqual([`${base}>${lora}`, `${base2}>${lora2}`].sort());
  });

  it("dropping the end back where it was is not an undo step", () => {
    const { s, base, lora, wire } = setup();
    const before = s.getState();
    expect(
      s.connect({ node: base, port: "model" }, { node: lora, port: "model" }, { replace: true, reconnect: wire }).ok,
    ).toBe(true);
    expect(s.getState()).toBe(before);
  });
});
