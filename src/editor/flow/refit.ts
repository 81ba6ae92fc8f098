import { useCallback, useEffect, type RefObject } from "react";
import type { Edge, Node as FlowNode, ReactFlowInstance } from "@xyflow/react";
import { CANVAS_OVERLAY, fitGraph } from "./fit";
import type { CanvasView } from "./view";

/**
 * What changed the room around the graph (the window's size, the canvas's top, an overlay over
 * it), or the graph in it: nodes moved clear of the ones they cover once drawn (flow/settle.ts).
 */
export type RoomChange = "window" | "top" | "overlay" | "cleared";

/**
 * The one rule for a view after the room around the graph, or the graph, changed: a view that is
 * still the fit (CanvasView.fitted) is fitted again, a view the user has moved never is
 * (docs/canvas.md#where-the-view-goes). An overlay arriving or nodes moving glide the view
 * (200 ms); a resize fits at once, frame by frame with the window. Like every fit, it keeps the
 * graph beside an open lesson card (docs/canvas.md#the-lesson-card).
 */
export function refitStillFitted<N extends FlowNode>(
  view: Pick<CanvasView, "fitted" | "layout" | "fit">,
  flow: ReactFlowInstance<N, Edge>,
  change: RoomChange,
): void {
  if (!view.fitted) return;
  fitGraph(view, flow, change === "overlay" || change === "cleared" ? { duration: 200 } : {});
}

/**
 * Keeps a fitted view fitted while the room around the graph changes: the canvas resized with the
 * window or moved by a banner above it, or a panel over its top that came or grew after the fit.
 * Each observer says what changed; `refitStillFitted` decides.
 */
export function useRefit<N extends FlowNode>(
  canvasRef: RefObject<HTMLElement | null>,
  view: CanvasView,
  flow: ReactFlowInstance<N, Edge>,
): void {
  useCanvasResize(
    canvasRef,
    useCallback((change) => refitStillFitted(view, flow, change), [view, flow]),
  );
  useOverlayChange(
    canvasRef,
    useCallback(() => refitStillFitted(view, flow, "overlay"), [view, flow]),
  );
}

/**
 * Calls `changed` when the window changes size, or when a banner comes or goes above the canvas
 * (its top moves, and its nodes with it, fitted or not): a banner that came after the fit took its
 * height from the room the fit left at the canvas's foot, and the runs drawer then covered the
 * graph's foot, the zoom controls its corner. A canvas that shrinks from its foot (the runs drawer
 * opening) is no change of room: re-fitting then made every node jump and shrink.
 */
function useCanvasResize(canvasRef: RefObject<HTMLElement | null>, changed: (change: RoomChange) => void): void {
  useEffect(() => {
    const el = canvasRef.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const measure = () => ({
      w: el.clientWidth,
      h: el.clientHeight,
      top: Math.round(el.getBoundingClientRect().top),
      ww: window.innerWidth,
      wh: window.innerHeight,
    });
    let last = measure();
    const ro = new ResizeObserver(() => {
      const now = measure();
      if (now.w === last.w && now.h === last.h) return;
      const windowResized = now.ww !== last.ww || now.wh !== last.wh;
      const topMoved = now.top !== last.top;
      last = now;
      if (windowResized || topMoved) changed(windowResized ? "window" : "top");
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [canvasRef, changed]);
}

/**
 * Calls `changed` (once a frame at most) whenever a canvas overlay appears beside or inside the
 * canvas, or changes height. The fit keeps every node below the overlays there (flow/fit.ts), but
 * an overlay can come after it: its code loads on demand (the breadcrumb), or it grows (a report's
 * notes). An overlay going away is no change: leaving a component puts back the view the user had
 * there.
 *
 * One MutationObserver over the canvas's parent (the overlays are the canvas's siblings or
 * children) finds overlays as they mount; one ResizeObserver follows their heights. Mutations
 * inside xyflow's renderer (nodes and wires mounting on a pan) are skipped unread.
 */
function useOverlayChange(canvasRef: RefObject<HTMLElement | null>, changed: () => void): void {
  useEffect(() => {
    const root = canvasRef.current?.parentElement;
    if (!root || typeof MutationObserver === "undefined" || typeof ResizeObserver === "undefined") return;
    const heights = new Map<Element, number>();
    let raf = 0;
    const schedule = () => {
      if (!raf)
        raf = requestAnimationFrame(() => {
          raf = 0;
          changed();
        });
    };
    const resized = new ResizeObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const h = Math.round(e.target.getBoundingClientRect().height);
        // Removed (or hidden for a moment by a Suspense boundary): nothing to keep clear of.
        if (!e.target.isConnected || h === 0 || heights.get(e.target) === h) continue;
        heights.set(e.target, h);
        changed = true;
      }
      if (changed) schedule();
    });
    const watch = (el: Element) => {
      if (heights.has(el)) return;
      heights.set(el, 0);
      resized.observe(el); // reports the overlay's first size: its appearing
    };
    const look = (n: Node) => {
      if (!(n instanceof Element)) return;
      if (n.matches(CANVAS_OVERLAY)) watch(n);
      n.querySelectorAll(CANVAS_OVERLAY).forEach(watch);
    };
    const mounted = new MutationObserver((records) => {
      for (const r of records)
        if (!(r.target instanceof Element && r.target.closest(".react-flow__renderer"))) r.addedNodes.forEach(look);
      for (const el of heights.keys())
        if (!el.isConnected) {
          resized.unobserve(el);
          heights.delete(el);
        }
    });
    mounted.observe(root, { childList: true, subtree: true });
    root.querySelectorAll(CANVAS_OVERLAY).forEach(watch);
    return () => {
      mounted.disconnect();
      resized.disconnect();
      cancelAnimationFrame(raf);
    };
  }, [canvasRef, changed]);
}
