// @vitest-environment happy-dom
// What xyflow is handed while the canvas works (src/editor/flow/useFlowElements.ts). xyflow
// re-adopts every node whenever the node array changes, so the array must change only when a node
// the user sees changes, and then only that node's object:
// - a culled graph's measurement (a node scrolling in during a pan) hands xyflow nothing new;
// - a drag frame rebuilds only the dragged nodes, and does not even look at the others.
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup } from "@testing-library/react";
import { useStoreApi, type NodeChange } from "@xyflow/react";
import { useState } from "react";
import { createEditor, counterIds } from "../../src/editor/store";
import { CULL_FROM_NODES, useFlowElements } from "../../src/editor/flow/useFlowElements";
import { canvasViewOf } from "../../src/editor/flow/view";
import { canvasUiOf } from "../../src/editor/flow/canvasUi";
import type { GraphFlowNode } from "../../src/editor/flow/derive";
import { stubRegistry } from "./stubRegistry";
import { renderInFlow } from "./renderInFlow";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Renders `Probe`, a component that only calls hooks, inside the editor and xyflow's providers. */
function renderProbe(editor: ReturnType<typeof createEditor>, Probe: () => null) {
  renderInFlow(editor, <Probe />);
}

/** `count` nodes in rows of 10, `dx` apart (the default keeps them all near the view). */
function setup(count: number, dx = 100) {
  const editor = createEditor({ registry: stubRegistry, makeId: counterIds() });
  const ids = Array.from({ length: count }, (_, i) =>
    editor.store.addNode("lora", { x: (i % 10) * dx, y: Math.floor(i / 10) * 60 }),
  );
  editor.store.setSelection({ nodes: [] });
  const got: { current: ReturnType<typeof useFlowElements> | null } = { current: null };
  renderProbe(editor, function Probe() {
    got.current = useFlowElements(false);
    return null;
  });
  const change = (changes: NodeChange<GraphFlowNode>[]) => act(() => got.current!.onNodesChange(changes));
  return { editor, ids, got, change, view: canvasViewOf(editor) };
}
const measure = (id: string, height: number): NodeChange<GraphFlowNode> => ({
  id,
  type: "dimensions",
  dimensions: { width: 268, height },
});

describe("the nodes handed to xyflow", () => {
  it("a culled graph: a node measured while panning hands xyflow the same array, even later; the node takes its size when next rebuilt", async () => {
    vi.useFakeTimers();
    const { ids, got, change, view, editor } = setup(CULL_FROM_NODES + 10);
    const before = got.current!.nodes;
    expect(got.current!.culled).toBe(true);
    change([measure(ids[3], 300), measure(ids[4], 310)]);
    await act(async () => void vi.advanceTimersByTime(2000));
    expect(view.nodeSizes.get(ids[3])).toEqual({ width: 268, height: 300 });
    expect(got.current!.nodes).toBe(before);
    // Selected, it is rebuilt with its measured size (xyflow would otherwise re-measure it); the rest stay.
    act(() => editor.store.setSelection({ nodes: [ids[3]] }));
    const after = got.current!.nodes;
    expect(after[3].measured).toEqual({ width: 268, height: 300 });
    expect(after.filter((n, i) => n !== before[i]).map((n) => n.id)).toEqual([ids[3], ids[4]]);
  });

  it("a small graph takes a measured size at once, in that node's object only", () => {
    const { ids, got, change } = setup(5);
    const before = got.current!.nodes;
    change([measure(ids[2], 300)]);
    const after = got.current!.nodes;
    expect(after[2].measured).toEqual({ width: 268, height: 300 });
    expect(after.filter((n, i) => n !== before[i]).map((n) => n.id)).toEqual([ids[2]]);
  });

  it("a drag frame rebuilds the dragged node alone and reads nothing about the others", () => {
    const { ids, got, change, view, editor } = setup(CULL_FROM_NODES + 60);
    const before = got.current!.nodes;
    const reads = vi.spyOn(view.nodeSizes, "get");
    const drag = (x: number) => change([{ id: ids[7], type: "position", position: { x, y: 40 }, dragging: true }]);
    drag(15);
    drag(25);
    const after = got.current!.nodes;
    expect(after[7].position).toEqual({ x: 25, y: 40 });
    expect(after.filter((n, i) => n !== before[i]).map((n) => n.id)).toEqual([ids[7]]);
    // One look per frame at the dragged node; a pass over all 100 would read each of them.
    expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
    expect(reads.mock.calls.every(([id]) => id === ids[7])).toBe(true);
    // The drop puts the position in the document, one undo step, and the overlay goes.
    act(() => got.current!.onNodeDragStop(null, after[7], [after[7]]));
    expect(editor.store.getState().document.nodes[7].position).toEqual({ x: 25, y: 40 });
    expect(got.current!.nodes[7].position).toEqual({ x: 25, y: 40 });
    expect(got.current!.nodes[8]).toBe(before[8]);
  });

  it("a big graph: xyflow holds the nodes near the view, selected ones and dragged ones, not the rest", () => {
    // Rows of 10 nodes 2,000 px apart: only the first column or two is near a view at the origin.
    const { ids, got, editor } = setup(CULL_FROM_NODES + 60, 2000);
    const held = () => new Set(got.current!.nodes.map((n) => n.id));
    const area = { x1: innerWidth * 1.5, y1: innerHeight * 1.5 };
    const near = ids.filter((_, i) => (i % 10) * 2000 <= area.x1 && Math.floor(i / 10) * 60 <= area.y1);
    expect(near.length).toBeGreaterThan(0);
    expect([...held()].sort()).toEqual([...near].sort());
    // Selected far off: held (its wires and selection box are xyflow's).
    const far = ids[9];
    expect(held().has(far)).toBe(false);
    act(() => editor.store.setSelection({ nodes: [far] }));
    expect(held().has(far)).toBe(true);
    act(() => editor.store.setSelection({ nodes: [] }));
    expect(held().has(far)).toBe(false);
    // A node of a group moved by its title moves this frame, near the view or not.
    const other = ids[19];
    expect(held().has(other)).toBe(false);
    const ui = canvasUiOf(editor);
    act(() =>
      ui.set({ groupDrag: { id: "g", from: { x: 0, y: 0, width: 1, height: 1 }, dx: 5, dy: 5, nodes: [other] } }),
    );
    expect(got.current!.nodes.find((n) => n.id === other)?.position).toEqual({ x: 18005, y: 65 });
    act(() => ui.set({ groupDrag: null }));
    expect(held().has(other)).toBe(false);
  });
});

describe("leaving the far canvas", () => {
  /** A culled graph, and handles on what the canvas tells useFlowElements: far or not, the view moving. */
  function farSetup() {
    const editor = createEditor({ registry: stubRegistry, makeId: counterIds() });
    for (let i = 0; i < CULL_FROM_NODES + 10; i++) editor.store.addNode("lora", { x: (i % 10) * 320, y: 0 });
    const got = {
      current: null as ReturnType<typeof useFlowElements> | null,
      setFar: (_: boolean) => {},
      rf: null as ReturnType<typeof useStoreApi> | null,
    };
    renderProbe(editor, function Probe() {
      const [far, setFar] = useState(true);
      got.setFar = setFar;
      got.rf = useStoreApi();
      got.current = useFlowElements(far);
      return null;
    });
    const zoom = (k: number) => act(() => got.rf!.setState({ transform: [0, 0, k] }));
    return { got, zoom, motion: canvasViewOf(editor).motion };
  }

  it("waits until the view has rested, not for xyflow's end of a wheel gesture", async () => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "requestAnimationFrame", "cancelAnimationFrame", "performance"],
    });
    const { got, zoom, motion } = farSetup();
    act(() => motion.set(true));
    expect(got.current!.onCanvas).toBe(true);
    // Zoomed in past LOD_ZOOM during the gesture: still on the canvas.
    act(() => got.setFar(false));
    zoom(0.5);
    expect(got.current!.onCanvas).toBe(true);
    // xyflow ends the gesture after a slow frame, but notches keep coming.
    act(() => motion.set(false));
    for (let i = 0; i < 6; i++) {
      await act(async () => void vi.advanceTimersByTime(200));
      zoom(0.5 + i / 100);
      expect(got.current!.onCanvas).toBe(true);
    }
    // At rest for long enough: xyflow gets the nodes back.
    await act(async () => void vi.advanceTimersByTime(400));
    expect(got.current!.onCanvas).toBe(true);
    await act(async () => void vi.advanceTimersByTime(200));
    expect(got.current!.onCanvas).toBe(false);
    expect(got.current!.nodes.every((n) => !n.hidden)).toBe(true);
  });
});
