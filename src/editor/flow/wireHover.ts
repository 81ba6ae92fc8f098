import { useEffect } from "react";
import { useStoreApi } from "@xyflow/react";
import type { XY } from "../../graph";
import { useEditorInstance } from "../store/react";
import { canvasUiOf } from "./canvasUi";
import { nearWire, wireBox, wireStops } from "./nearWires";
import type { NearWires } from "./WireLayer";

/** How near the pointer must come, in screen px: xyflow's wires take a click 10 px either side (interactionWidth 20). */
const HOVER_PX = 10;

/**
 * A wire the wire canvas draws because it has a far end (`crossing`) is handed to xyflow while
 * the pointer is near it (`hoverWire`), so it takes a click, a right-click, a drag of its end and
 * a node dropped on it as any wire does. The pointer is tested once a frame against those wires
 * alone, by their boxes first. Nothing changes while a wire is being drawn or reconnected (the
 * wire must stay xyflow's), nor while the pane is panned (the pointer moves with the graph).
 */
export function useWireHover(near: NearWires) {
  const rf = useStoreApi();
  const editor = useEditorInstance();
  useEffect(() => {
    const el = rf.getState().domNode;
    if (!el) return;
    const ui = canvasUiOf(editor);
    const { g, crossing } = near;
    const at = (i: number): XY => ({ x: g.rects[i * 4], y: g.rects[i * 4 + 1] });
    const stops = crossing.map((w) => wireStops(g, w, at));
    const boxes = stops.map(wireBox);
    const set = (id: string | null) => {
      if (ui.get().hoverWire !== id) ui.set({ hoverWire: id });
    };
    let rect: DOMRect | null = null;
    let frame = 0;
    let last: PointerEvent | null = null;
    const test = () => {
      frame = 0;
      if (!last) return;
      const [tx, ty, k] = rf.getState().transform;
      rect ??= el.getBoundingClientRect();
      const p = { x: (last.clientX - rect.left - tx) / k, y: (last.clientY - rect.top - ty) / k };
      const r = HOVER_PX / k;
      for (let i = 0; i < crossing.length; i++) {
        const b = boxes[i];
        if (p.x < b.x0 - r || p.x > b.x1 + r || p.y < b.y0 - r || p.y > b.y1 + r) continue;
        if (nearWire(stops[i], p, r)) return set(crossing[i].id);
      }
      set(null);
    };
    const busy = (e: PointerEvent) =>
      document.body.classList.contains("wiring") ||
      (e.buttons !== 0 && !(e.target as Element | null)?.closest?.(".react-flow__node"));
    const onMove = (e: PointerEvent) => {
      if (busy(e)) return;
      last = e;
      frame ||= requestAnimationFrame(test);
    };
    const onLeave = (e: PointerEvent) => {
      if (busy(e)) return;
      last = null;
      set(null);
    };
    // The canvas moves when a panel beside it opens or closes: its place is read again on entry.
    const onEnter = () => void (rect = null);
    el.addEventListener("pointermove", onMove);
    el.addEventListener("pointerleave", onLeave);
    el.addEventListener("pointerenter", onEnter);
    const resized = new ResizeObserver(onEnter);
    resized.observe(el);
    return () => {
      el.removeEventListener("pointermove", onMove);
      el.removeEventListener("pointerleave", onLeave);
      el.removeEventListener("pointerenter", onEnter);
      resized.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [rf, editor, near]);
  useEffect(() => () => void canvasUiOf(editor).set({ hoverWire: null }), [editor]);
}
