import { describe, expect, it } from "vitest";
import { COALESCE_MS, createEditorStore, counterIds } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

function clocked(limit?: number) {
  let t = 1000;
  const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds(), now: () => t, historyLimit: limit });
  return { s, tick: (ms: number) => (t += ms) };
}

describe("undo / redo", () => {
  it("a burst of typing in one field is one step", () => {
    const { s, tick } = clocked();
    const p = s.addNode("prompt", { x: 0, y: 0 });
    for (const text of ["a", "a c", "a ca", "a cat"]) {
      tick(100);
      s.setParam(p, "prompt", text);
    }
    expect(s.getState().history.past).toHaveLength(2);
    s.undo();
    expect(s.getState().document.nodes[0].params.prompt).toBeUndefined();
    s.redo();
    expect(s.getState().document.nodes[0].params.prompt).toBe("a cat");
  });

  it("endEdit (a field left, or Enter) closes the typing step even within COALESCE_MS", () => {
    const { s, tick } = clocked();
    const p = s.addNode("prompt", { x: 0, y: 0 });
    s.setParam(p, "prompt", "a cat");
    s.endEdit();
    tick(10);
    s.setParam(p, "prompt", "a dog");
    expect(s.getState().history.past).toHaveLength(3);
    s.undo();
    expect(s.getState().document.nodes[0].params.prompt).toBe("a cat");
  });

  it("a pause, or a different field, starts a new step", () => {
    const { s, tick } = clocked();
    const p = s.addNode("prompt", { x: 0, y: 0 });
    s.setParam(p, "prompt", "a");
    tick(COALESCE_MS + 1);
    s.setParam(p, "prompt", "ab");
    tick(10);
    s.setParam(p, "negative_prompt", "blurry");
    tick(10);
    s.setParam(p, "prompt", "abc");
    expect(s.getState().history.past).toHaveLength(5);
    s.undo();
    expect(s.getState().document.nodes[0].params.prompt).toBe("ab");
    s.undo();
    expect(s.getState().document.nodes[0].params.negative_prompt).toBeUndefined();
  });

  it("after an undo, typing again does not merge into the undone step", () => {
    const { s, tick } = clocked();
    const p = s.addNode("prompt", { x: 0, y: 0 });
    s.setParam(p, "prompt", "a");
    tick(10);
    s.setParam(p, "prompt", "ab");
    s.undo();
    tick(10);
    s.setParam(p, "prompt", "x");
    expect(s.getState().history.future).toHaveLength(0);
    s.undo();
    expect(s.getState().document.nodes[0].params.prompt).toBeUndefined();
  });

  it("a new command clears the redo stack", () => {
    const { s } = clocked();
    s.addNode("prompt", { x: 0, y: 0 });
    s.undo();
    expect(s.getState().history.future).toHaveLength(1);
    s.addNode("lora", { x: 0, y: 0 });
    expect(s.getState().history.future).toHaveLength(0);
    expect(s.redo()).toBe(false);
  });

  it("history is bounded: the oldest steps fall off", () => {
    const { s } = clocked(5);
    for (let i = 0; i < 8; i++) s.addNode("note", { x: i, y: 0 });
    expect(s.getState().history.past).toHaveLength(5);
    let n = 0;
    while (s.undo()) n++;
    expect(n).toBe(5);
    expect(s.getState().document.nodes).toHaveLength(3);
  });

  it("selection changes are not undo steps, and undo drops vanished ids from the selection", () => {
    const { s } = clocked();
    const a = s.addNode("note", { x: 0, y: 0 });
    const b = s.addNode("note", { x: 0, y: 0 });
    const steps = s.getState().history.past.length;
    s.setSelection({ nodes: [a, b] });
    s.selectAll();
    expect(s.getState().history.past).toHaveLength(steps);
    s.undo();
    expect(s.getState().selection.nodes).toEqual([a]);
  });

  it("moveNodes is one step for many nodes; undo restores every position", () => {
    const { s } = clocked();
    const a = s.addNode("note", { x: 0, y: 0 });
    const b = s.addNode("note", { x: 5, y: 5 });
    s.moveNodes([
      { id: a, position: { x: 100, y: 100 } },
      { id: b, position: { x: 200, y: 200 } },
    ]);
    s.undo();
    expect(s.getState().document.nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 0 },
      { x: 5, y: 5 },
    ]);
  });

  it("tracks dirty against the saved point, through undo and redo", () => {
    const { s } = clocked();
    s.addNode("note", { x: 0, y: 0 });
    s.markClean();
    expect(s.getState().dirty).toBe(false);
    s.addNode("note", { x: 0, y: 0 });
    expect(s.getState().dirty).toBe(true);
    s.undo();
    expect(s.getState().dirty).toBe(false);
    s.undo();
    expect(s.getState().dirty).toBe(true);
    s.redo();
    expect(s.getState().dirty).toBe(false);
  });

  it("coalescing into the saved step makes the document dirty", () => {
    const { s, tick } = clocked();
    const p = s.addNode("prompt", { x: 0, y: 0 });
    s.setParam(p, "prompt", "a");
    s.markClean();
    tick(10);
    s.setParam(p, "prompt", "ab");
    expect(s.getState().dirty).toBe(true);
  });
});
