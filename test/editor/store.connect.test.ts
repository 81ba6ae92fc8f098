import { describe, expect, it } from "vitest";
import { createEditorStore, counterIds } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

function setup() {
  const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
  const base = s.addNode("base_model", { x: 0, y: 0 });
  const img = s.addNode("image", { x: 0, y: 100 });
  const lora = s.addNode("lora", { x: 200, y: 0 });
  const lora2 = s.addNode("lora", { x: 400, y: 0 });
  return { s, base, img, lora, lora2 };
}

describe("connect", () => {
  it("adds a wire and is undoable", () => {
    const { s, base, lora } = setup();
    expect(s.connect({ node: base, port: "model" }, { node: lora, port: "model" })).toEqual({ ok: true });
    expect(s.getState().document.edges).toHaveLength(1);
    s.undo();
    expect(s.getState().document.edges).toHaveLength(0);
  });

  it("refuses a type mismatch with a reason naming both types, and changes nothing", () => {
    const { s, img, lora } = setup();
    const before = s.getState();
    const r = s.connect({ node: img, port: "image" }, { node: lora, port: "model" });
    expect(r).toEqual({ ok: false, code: "type-mismatch", reason: "LoRA expects a model, not an image" });
    expect(s.getState()).toBe(before);
  });

  it("refuses self-links and cycles with their own codes", () => {
    const { s, base, lora, lora2 } = setup();
    expect(s.connect({ node: lora, port: "model" }, { node: lora, port: "model" })).toMatchObject({
      ok: false,
      code: "self-link",
    });
    s.connect({ node: base, port: "model" }, { node: lora, port: "model" });
    s.connect({ node: lora, port: "model" }, { node: lora2, port: "model" });
    const r = s.connect({ node: lora2, port: "model" }, { node: lora, port: "model" }, { replace: true });
    expect(r).toMatchObject({ ok: false, code: "cycle" });
  });

  it("refuses a second wire into a single input unless asked to replace it", () => {
    const { s, base, lora, lora2 } = setup();
    s.connect({ node: base, port: "model" }, { node: lora2, port: "model" });
    expect(s.connect({ node: lora, port: "model" }, { node: lora2, port: "model" })).toMatchObject({
      ok: false,
      code: "input-taken",
    });
    expect(s.connect({ node: lora, port: "model" }, { node: lora2, port: "model" }, { replace: true })).toEqual({
      ok: true,
    });
    expect(s.getState().document.edges.map((e) => e.source)).toEqual([lora]);
    s.undo();
    expect(s.getState().document.edges.map((e) => e.source)).toEqual([base]);
  });
});
