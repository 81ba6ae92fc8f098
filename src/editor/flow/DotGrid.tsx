import { useEffect, useRef } from "react";
import { useStoreApi } from "@xyflow/react";
import { LOD_ZOOM } from "./zoom";

/** Graph px between dots. */
const GAP = 20;

/**
 * The canvas's dot grid. xyflow's own Background is an SVG pattern that React re-renders and the
 * browser repaints over the whole canvas on every pan or zoom frame; zoomed far out its cells are
 * under a pixel. Here one layer, a screen plus a cell each way, is painted when the zoom changes
 * and only moved (a composited transform, no repaint) on a pan, outside React. Below LOD_ZOOM the
 * dots, 8 px apart or less, are left out: repainting them on each wheel notch took more than half
 * of every frame of a fitted wheel zoom on the 2-core bench machine (1,000 nodes: 9 fps with them,
 * 16–44 fps without), and a big graph is on the far canvas there anyway.
 */
export function DotGrid() {
  const rf = useStoreApi();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let cell = 0;
    const place = ([x, y, k]: [number, number, number]) => {
      const off = k < LOD_ZOOM;
      el.style.display = off ? "none" : "";
      if (off) return;
      const gap = GAP * k;
      if (gap !== cell) {
        cell = gap;
        // As xyflow drew them: a radius of 0.6 px at zoom 1, growing with the zoom.
        el.style.setProperty("--dot-r", `${Math.max(0.5, 0.6 * k).toFixed(2)}px`);
        el.style.backgroundSize = `${gap}px ${gap}px`;
        el.style.inset = `${-gap}px`;
      }
      el.style.transform = `translate(${mod(x, gap)}px, ${mod(y, gap)}px)`;
    };
    place(rf.getState().transform);
    return rf.subscribe((s, prev) => {
      if (s.transform !== prev.transform) place(s.transform);
    });
  }, [rf]);
  return (
    <div className="dot-grid">
      <div ref={ref} />
    </div>
  );
}

const mod = (a: number, m: number) => ((a % m) + m) % m;
