/**
 * When the far canvas can copy its last drawing instead of drawing the graph again. Drawing 5,000
 * nodes and their wires (thousands of curves) costs a software-rendered frame ~100 ms, and a pan
 * only shifts that drawing: so the graph is drawn once onto a bitmap that reaches half a screen
 * past each edge of the view (clipped to the graph), and a pan inside it is one image copy. A zoom
 * draws straight onto the canvas, as before: scaling a bitmap of four screens each frame, and
 * drawing one every few notches, cost more than drawing the view (measured: 5.0 → 2.2 fps).
 */
import type { FarGeometry } from "./farGeometry";
import type { Transform } from "./drawFar";
import type { XY } from "../../graph";
import { wireBox, wireStops } from "./nearWires";

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A drawing of `area` (graph units) at zoom `k`, and what it was drawn from. */
export interface FarBitmap {
  area: Area;
  k: number;
  key: unknown;
}

/** Past each edge of the view, the share of a screen the bitmap also covers. */
const MARGIN = 0.5;

/**
 * Where anything of `g` is drawn, in graph units: the nodes, and the control points of the
 * wires (a curve stays inside them), moved nodes where they are now.
 */
export function farBounds(g: FarGeometry, moved: ReadonlyMap<number, XY>): Area | null {
  const { rects } = g;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  const at = (i: number): XY => moved.get(i) ?? { x: rects[i * 4], y: rects[i * 4 + 1] };
  for (let i = 0; i < g.ids.length; i++) {
    const { x, y } = at(i);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + rects[i * 4 + 2]);
    y1 = Math.max(y1, y + rects[i * 4 + 3]);
  }
  for (const w of g.wires) {
    const b = wireBox(wireStops(g, w, at));
    x0 = Math.min(x0, b.x0);
    y0 = Math.min(y0, b.y0);
    x1 = Math.max(x1, b.x1);
    y1 = Math.max(y1, b.y1);
  }
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The graph-space view of a `size` canvas at transform `t`. */
export function viewArea([tx, ty, k]: Transform, size: { width: number; height: number }): Area {
  return { x: -tx / k, y: -ty / k, width: size.width / k, height: size.height / k };
}

/** What a bitmap drawn now at `t` should cover: the view and a margin, within the graph's bounds (padded for strokes). */
export function bitmapArea(bounds: Area, t: Transform, size: { width: number; height: number }): Area | null {
  const v = viewArea(t, size);
  const pad = 4 / t[2];
  const wide = {
    x: v.x - v.width * MARGIN,
    y: v.y - v.height * MARGIN,
    width: v.width * (1 + 2 * MARGIN),
    height: v.height * (1 + 2 * MARGIN),
  };
  return intersect(wide, {
    x: bounds.x - pad,
    y: bounds.y - pad,
    width: bounds.width + 2 * pad,
    height: bounds.height + 2 * pad,
  });
}

/** Whether `b` can be copied for the view at `t` (same zoom, what is on screen inside it), instead of drawing the graph again. */
export function bitmapServes(
  b: FarBitmap | null,
  key: unknown,
  bounds: Area,
  t: Transform,
  size: { width: number; height: number },
): boolean {
  if (!b || b.key !== key || b.k !== t[2]) return false;
  const pad = 4 / t[2];
  const need = intersect(viewArea(t, size), {
    x: bounds.x - pad,
    y: bounds.y - pad,
    width: bounds.width + 2 * pad,
    height: bounds.height + 2 * pad,
  });
  return !need || contains(b.area, need);
}

function intersect(a: Area, b: Area): Area | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.width, b.x + b.width) - x;
  const h = Math.min(a.y + a.height, b.y + b.height) - y;
  return w > 0 && h > 0 ? { x, y, width: w, height: h } : null;
}

const contains = (a: Area, b: Area) =>
  b.x >= a.x && b.y >= a.y && b.x + b.width <= a.x + a.width && b.y + b.height <= a.y + a.height;
