import { useEffect, type RefObject } from "react";

/** A panel floating over the canvas's top (the import report, the component breadcrumb): the fit keeps nodes below it. */
export const CANVAS_OVERLAY = "[data-canvas-overlay]";

/**
 * Calls `refit` (once a frame at most) whenever a canvas overlay appears beside or inside the
 * canvas, or changes height. The fit keeps every node below the overlays there (flow/fit.ts), but
 * an overlay can come after it: its code loads on demand (the breadcrumb), or it grows (a report's
 * notes). Whether the view is refitted is `refit`'s to decide: a view the user has moved never is
 * (docs/canvas.md#where-the-view-goes). An overlay going away refits nothing: leaving a component
 * puts back the view the user had there.
 *
 * One MutationObserver over the canvas's parent (the overlays are the canvas's siblings or
 * children) finds overlays as they mount; one ResizeObserver follows their heights. Mutations
 * inside xyflow's renderer (nodes and wires mounting on a pan) are skipped unread.
 */
export function useOverlayRefit(canvasRef: RefObject<HTMLElement | null>, refit: () => void): void {
  useEffect(() => {
    const root = canvasRef.current?.parentElement;
    if (!root || typeof MutationObserver === "undefined" || typeof ResizeObserver === "undefined") return;
    const heights = new Map<Element, number>();
    let raf = 0;
    const schedule = () => {
      if (!raf)
        raf = requestAnimationFrame(() => {
          raf = 0;
          refit();
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
  }, [canvasRef, refit]);
}
