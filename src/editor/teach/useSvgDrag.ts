import { useRef, type PointerEvent } from "react";
import { useLiveState } from "../kit/useLiveState";

/** A point in the SVG's viewBox units. */
export interface ViewPoint {
  x: number;
  y: number;
}

/**
 * A drag on an SVG plot: previewed in local state while the pointer moves, committed once on
 * release (so one drag is one undo step), dropped when the pointer is cancelled.
 */
export function useSvgDrag<D>() {
  const [drag, dragRef, setDrag] = useLiveState<D | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);

  /** Starts a drag on pointer down; the element keeps the pointer until release. */
  const begin = (e: PointerEvent<SVGElement>, d: D) => {
    e.preventDefault();
    (e.currentTarget as Element & { setPointerCapture?(id: number): void }).setPointerCapture?.(e.pointerId);
    setDrag(d);
  };

  /**
   * The svg's ref and pointer handlers. `move` gets the pointer in viewBox units (the svg's
   * `view` size) and returns the next drag state, or null to keep it; `commit` gets the last one.
   */
  const svgProps = (
    view: { width: number; height: number },
    move: (d: D, at: ViewPoint) => D | null,
    commit: (d: D) => void,
  ) => ({
    ref: svgRef,
    onPointerMove: (e: PointerEvent<SVGElement>) => {
      const d = dragRef.current;
      const r = svgRef.current?.getBoundingClientRect();
      if (!d || !r || r.width <= 0 || r.height <= 0) return;
      const next = move(d, {
        x: ((e.clientX - r.left) / r.width) * view.width,
        y: ((e.clientY - r.top) / r.height) * view.height,
      });
      if (next) setDrag(next);
    },
    onPointerUp: () => {
      const d = dragRef.current;
      if (!d) return;
      commit(d);
      setDrag(null);
    },
    onPointerCancel: () => setDrag(null),
  });

  return { drag, begin, svgProps };
}
