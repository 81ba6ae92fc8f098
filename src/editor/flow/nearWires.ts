import type { XY } from "../../graph";
import type { FarGeometry, FarWire } from "./farGeometry";

/** A rectangle in graph coordinates. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * How far a wire's bezier reaches out of its ports horizontally, as xyflow draws it (its
 * `getBezierPath` with the default curvature 0.25): half the gap going forwards, a little more
 * than the square root of it going backwards.
 */
export function controlOffset(dx: number): number {
  return dx >= 0 ? 0.5 * dx : 6.25 * Math.sqrt(-dx);
}

type Pos = (i: number) => XY;

/** The wire's ends and reroute points in order, source first: the stops its segments join. */
export function wireStops(g: FarGeometry, w: FarWire, pos: Pos): XY[] {
  const a = pos(w.s);
  const b = pos(w.t);
  const start = { x: a.x + g.rects[w.s * 4 + 2], y: a.y + w.sy };
  const end = { x: b.x, y: b.y + w.ty };
  return w.via?.length ? [start, ...w.via, end] : [start, end];
}

/**
 * A box that holds the whole drawn wire: each segment is a bezier inside the hull of its four
 * control points (ends, and the ends pushed out horizontally by controlOffset).
 */
export function wireBox(stops: readonly XY[]): Box {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let i = 0; i < stops.length - 1; i++) {
    const a = stops[i];
    const b = stops[i + 1];
    const c = controlOffset(b.x - a.x);
    x0 = Math.min(x0, a.x, b.x - c);
    x1 = Math.max(x1, a.x + c, b.x);
    y0 = Math.min(y0, a.y, b.y);
    y1 = Math.max(y1, a.y, b.y);
  }
  return { x0, y0, x1, y1 };
}

export const overlaps = (a: Box, b: Box) => a.x0 <= b.x1 && a.x1 >= b.x0 && a.y0 <= b.y1 && a.y1 >= b.y0;

export const contains = (outer: Box, inner: Box) =>
  inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 && inner.y1 <= outer.y1;

/** The graph rectangle a pane of `size` screen px shows at viewport `vp`. */
export function viewBox(vp: { x: number; y: number; zoom: number }, size: { width: number; height: number }): Box {
  const x0 = -vp.x / vp.zoom;
  const y0 = -vp.y / vp.zoom;
  return { x0, y0, x1: x0 + size.width / vp.zoom, y1: y0 + size.height / vp.zoom };
}

/** `b` grown by `f` of its width and height on every side. */
export function grown(b: Box, f: number): Box {
  const dx = (b.x1 - b.x0) * f;
  const dy = (b.y1 - b.y0) * f;
  return { x0: b.x0 - dx, y0: b.y0 - dy, x1: b.x1 + dx, y1: b.y1 + dy };
}

/**
 * The ids of the wires xyflow gets: every wire that may be drawn inside `area`, and every wire of
 * a node in `keep` (selected or being dragged: its wires follow it wherever it goes). The rest are
 * drawn by WireLayer. Wires whose nodes are missing from `g` are never in it (xyflow drops them too).
 */
export function nearWires(g: FarGeometry, area: Box, keep: ReadonlySet<number>, pos?: Pos): Set<string> {
  const at: Pos = pos ?? ((i) => ({ x: g.rects[i * 4], y: g.rects[i * 4 + 1] }));
  const out = new Set<string>();
  for (const w of g.wires) {
    if (keep.has(w.s) || keep.has(w.t) || overlaps(wireBox(wireStops(g, w, at)), area)) out.add(w.id);
  }
  return out;
}

/**
 * The indices of the nodes xyflow gets: every node whose rectangle overlaps `area`, every node in
 * `keep` (selected or dragged), and both ends of every wire in `wires` (the wires handed to
 * xyflow: it drops a wire whose node it does not hold). The rest are drawn on WireLayer's canvas.
 */
export function nearNodes(
  g: FarGeometry,
  area: Box,
  keep: ReadonlySet<number>,
  wires: ReadonlySet<string>,
): Set<number> {
  const { rects } = g;
  const out = new Set<number>(keep);
  for (let i = 0; i < g.ids.length; i++) {
    const o = i * 4;
    const x = rects[o];
    const y = rects[o + 1];
    if (x <= area.x1 && x + rects[o + 2] >= area.x0 && y <= area.y1 && y + rects[o + 3] >= area.y0) out.add(i);
  }
  for (const w of g.wires)
    if (wires.has(w.id)) {
      out.add(w.s);
      out.add(w.t);
    }
  return out;
}
