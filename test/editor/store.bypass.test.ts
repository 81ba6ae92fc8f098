import { describe, expect, it } from "vitest";
import { createEditorStore, counterIds } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

describe("toggleBypass", () => {
  it("bypasses the selection, switches it back on, and each toggle is an undo step", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const a = s.addNode("lora", { x: 0, y: 0 });
    const b = s.addNode("lora", { x: 0, y: 0 });
    s.setSelection({ nodes: [a, b] });
    s.toggleBypass();
    expect(s.getState().document.nodes.map((n) => n.bypass)).toEqual([true, true]);
    s.toggleBypass();
    expect(s.getState().document.nodes.map((n) => n.bypass)).toEqual([undefined, undefined]);
    s.undo();
    expect(s.getState().document.nodes.map((n) => n.bypass)).toEqual([true, true]);
  });

  it("a mixed selection is bypassed as a whole; inert notes are left alone", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const a = s.addNode("lora", { x: 0, y: 0 });
    const b = s.addNode("lora", { x: 0, y: 0 });
    const note = s.addNode("note", { x: 0, y: 0 });
    s.toggleBypass([a]);
    s.toggleBypass([a, b, note]);
    expect(s.getState().document.nodes.map((n) => n.bypass)).toEqual([true, true, undefined]);
  });
});

describe("rename", () => {
  it("sets a trimmed label, and an empty name clears it", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const a = s.addNode("lora", { x: 0, y: 0 });
    s.rename(a, "  Detail LoRA  ");
    expect(s.getState().document.nodes[0].label).toBe("Detail LoRA");
    s.rename(a, "   ");
    expect(s.getState().document.nodes[0].label).toBeUndefined();
    s.undo();
    expect(s.getState().document.nodes[0].label).toBe("Detail LoRA");
  });
});

describe("removeSelection", () => {
  it("removes selected nodes, their wires and selected wires, in one step", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    const base = s.addNode("base_model", { x: 0, y: 0 });
    const l1 = s.addNode("lora", { x: 0, y: 0 });
    const l2 = s.addNode("lora", { x: 0, y: 0 });
    s.connect({ node: base, port: "model" }, { node: l1, port: "model" });
    s.connect({ node: l1, port: "model" }, { node: l2, port: "model" });
    s.setSelection({ nodes: [base], edges: [s.getState().document.edges[1].id] });
    s.removeSelection();
    expect(s.getState().document.nodes.map((n) => n.id)).toEqual([l1, l2]);
    expect(s.getState().document.edges).toEqual([]);
    expect(s.getState().selection).toEqual({ nodes: [], edges: [] });
    s.undo();
    expect(s.getState().document.edges).toHaveLength(2);
  });
});

describe("replaceDocument and subscribe", () => {
  it("replaces the document, clears history, honours markClean, and notifies listeners with the previous state", () => {
    const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
    s.addNode("note", { x: 0, y: 0 });
    const seen: [boolean, boolean][] = [];
    const off = s.subscribe((st, prev) => seen.push([st.document !== prev.document, st.dirty]));
    const doc = { ...s.getState().document, nodes: [], viewport: { x: 1, y: 2, zoom: 0.5 } };
    s.replaceDocument(doc, { markClean: true });
    expect(s.getState()).toMatchObject({
      document: doc,
      dirty: false,
      viewport: { x: 1, y: 2, zoom: 0.5 },
      history: { past: [], future: [] },
    });
    s.setViewport({ x: 3, y: 3, zoom: 1 });
    off();
    s.addNode("note", { x: 0, y: 0 });
    expect(seen).toEqual([
      [true, false],
      [false, false],
    ]);
    s.replaceDocument(doc);
    expect(s.getState().dirty).toBe(true);
  });
});
