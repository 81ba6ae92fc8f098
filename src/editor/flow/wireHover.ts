import { useEffect, useRef } from "react";
import { useStoreApi } from "@xyflow/react";
import type { XY } from "../../graph";
import { useEditorInstance } from "../store/react";
import { canvasUiOf } from "./canvasUi";
import { wireBox, wireStops } from "./nearWires";
import { nearWire } from "./wireHit";
import type { NearWires } from "./WireLayer";

/**
 * How near the pointer must come, in screen px: xyflow's wires take a click 10 px either side
 * (interactionWidth 20).
 */
const HOVER_PX = 10;
/** How far a finger may slide, in screen px, between down and up for a tap. */
const TAP_SLOP_PX = 10;

/**
 * A wire the wire canvas draws because it has a far end (`crossing`) is handed to xyflow while
 * the pointer is near it (`hoverWire`), so it takes a click, a right-click, a drag of its end and
 * a node dropped on it as any wire does. The pointer is tested once a frame against those wires
 * alone, by their boxes first. Nothing changes while a wire is being drawn or reconnected (the
 * wire must stay xyflow's), nor while the pane is panned (the pointer moves with the graph).
 * A finger does not hover: see `listenForTaps`. None is handed while the pointer is on a wire
 * xyflow already holds (`onHeldWire`).
 */
export function useWireHover(near: NearWires) {
  const rf = useStoreApi();
  const editor = useEditorInstance();
  /** The wire drawn on the canvas under a pointer event, which it hands to xyflow; null while none is drawn. */
  const wireAt = useRef<((e: PointerEvent) => string | null) | null>(null);
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
    /** The wire drawn on the canvas within HOVER_PX of the event's point, if any. */
    const hit = (e: PointerEvent): string | null => {
      const [tx, ty, k] = rf.getState().transform;
      rect ??= el.getBoundingClientRect();
      const p = { x: (e.clientX - rect.left - tx) / k, y: (e.clientY - rect.top - ty) / k };
      const r = HOVER_PX / k;
      for (let i = 0; i < crossing.length; i++) {
        const b = boxes[i];
        if (p.x < b.x0 - r || p.x > b.x1 + r || p.y < b.y0 - r || p.y > b.y1 + r) continue;
        if (nearWire(stops[i], p, r)) return crossing[i].id;
      }
      return null;
    };
    const test = () => {
      frame = 0;
      if (last) set(onHeldWire(last, ui.get().hoverWire) ? null : hit(last));
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
    wireAt.current = (e) => {
      const id = hit(e);
      set(id);
      return id;
    };
    return () => {
      el.removeEventListener("pointermove", onMove);
      el.removeEventListener("pointerleave", onLeave);
      el.removeEventListener("pointerenter", onEnter);
      resized.disconnect();
      wireAt.current = null;
      cancelAnimationFrame(frame);
    };
  }, [rf, editor, near]);
  // Apart from the effect above: handing the wire to xyflow makes a new `near`, between the
  // finger's down and up.
  useEffect(() => {
    const el = rf.getState().domNode;
    if (!el) return;
    return listenForTaps(
      el,
      (e) => wireAt.current?.(e) ?? null,
      (id) => editor.store.setSelection({ nodes: [], edges: [id] }),
    );
  }, [rf, editor]);
  useEffect(() => () => void canvasUiOf(editor).set({ hoverWire: null }), [editor]);
}

/**
 * Whether the pointer is on a wire xyflow holds, other than the one handed for the pointer
 * (`handed`). That wire is drawn over the wire canvas, so it is the one the user sees under the
 * pointer and means to click; a canvas wire within HOVER_PX handed to xyflow could come later in
 * xyflow's SVG, and its wider hit area would take the click: a wire with a far end, selected with
 * its middle (and its ✕) off screen (docs/benchmarks.md#the-browser-suite).
 */
function onHeldWire(e: PointerEvent, handed: string | null): boolean {
  const id = (e.target as Element | null)?.closest?.(".react-flow__edge")?.getAttribute("data-id");
  return id != null && id !== handed;
}

/**
 * A touch on the bare pane comes with no hover before it, so a wire drawn on the wire canvas is
 * not xyflow's when the finger lands, and the tap's click would reach the pane (which clears the
 * selection). The wire under the finger is found on the way down (`wireAt`, which also hands it to
 * xyflow, as a hover does) and a tap, down and up in place, selects it alone (`select`), as a
 * click on a wire does; the tap's own click is cancelled (its touchend's default), since it may
 * still land on the pane: xyflow draws the handed wire only once its far node is measured.
 * Listened for in the capture phase: xyflow's pane (d3-zoom) stops the touch events it handles.
 */
function listenForTaps(
  el: HTMLElement,
  wireAt: (e: PointerEvent) => string | null,
  select: (id: string) => void,
): () => void {
  let down: { id: string; pointer: number; x: number; y: number } | null = null;
  let tapped = false;
  const onDown = (e: PointerEvent) => {
    down = null;
    tapped = false;
    if (e.pointerType !== "touch" || document.body.classList.contains("wiring")) return;
    if (!(e.target as Element | null)?.classList?.contains("react-flow__pane")) return;
    const id = wireAt(e);
    if (id) down = { id, pointer: e.pointerId, x: e.clientX, y: e.clientY };
  };
  const onUp = (e: PointerEvent) => {
    const d = down;
    down = null;
    if (!d || e.pointerId !== d.pointer || Math.hypot(e.clientX - d.x, e.clientY - d.y) > TAP_SLOP_PX) return;
    tapped = true;
    select(d.id);
  };
  const onCancel = () => void (down = null);
  const onTouchEnd = (e: TouchEvent) => {
    if (!tapped) return;
    tapped = false;
    e.preventDefault();
  };
  const capture = { capture: true };
  el.addEventListener("pointerdown", onDown, capture);
  el.addEventListener("pointerup", onUp, capture);
  el.addEventListener("pointercancel", onCancel, capture);
  el.addEventListener("touchend", onTouchEnd, { capture: true, passive: false });
  return () => {
    el.removeEventListener("pointerdown", onDown, capture);
    el.removeEventListener("pointerup", onUp, capture);
    el.removeEventListener("pointercancel", onCancel, capture);
    el.removeEventListener("touchend", onTouchEnd, capture);
  };
}
