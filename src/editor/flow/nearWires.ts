import type { XY } from "../../graph";
import type { FarGeometry, FarWire } from "./farGeometry";
import { weakMemo } from "../../shared/weakMemo";

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

/**
 * Every wire's box (wireBox) where `g` has its nodes, four numbers a wire (x0, y0, x1, y1), made
 * once per geometry: the culling on every frame of the wire canvas and in each pick of the wires
 * near the view then makes no objects (5,300 wires at 5,000 nodes).
 */
export const wireBoxes = weakMemo((g: FarGeometry): Float64Array => {
  const out = new Float64Array(g.wires.length * 4);
  const r = g.rects;
  const at = (i: number): XY => ({ x: r[i * 4], y: r[i * 4 + 1] });
  g.wires.forEach((w, j) => {
    if (w.via?.length) {
      const b = wireBox(wireStops(g, w, at));
      out.set([b.x0, b.y0, b.x1, b.y1], j * 4);
      return;
    }
    // wireBox of the two ends, without making them.
    const ax = r[w.s * 4] + r[w.s * 4 + 2];
    const ay = r[w.s * 4 + 1] + w.sy;
    const bx = r[w.t * 4];
    const by = r[w.t * 4 + 1] + w.ty;
    const c = controlOffset(bx - ax);
    out.set([Math.min(ax, bx - c), Math.min(ay, by), Math.max(ax + c, bx), Math.max(ay, by)], j * 4);
  });
  return out;
});

/** Whether box `j` of `boxes` (wireBoxes) overlaps `area`, as `overlaps` says. */
export const boxMeets = (boxes: Float64Array, j: number, area: Box) =>
  boxes[j * 4] <= area.x1 && boxes[j * 4 + 2] >= area.x0 && boxes[j * 4 + 1] <= area.y1 && boxes[j * 4 + 3] >= area.y0;

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

/** What xyflow gets of the wires near an area, and what the wire canvas draws across it. */
export interface NearSplit {
  /** Ids of the wires handed to xyflow. */
  handed: Set<string>;
  /** The other wires that may be drawn inside the area: WireLayer draws them. */
  crossing: FarWire[];
}

/**
 * The wires xyflow gets: every wire whose two nodes are both in `area`, and every wire of a node
 * in `keep` (selected or being dragged: its wires follow it wherever it goes). A wire with an end
 * outside `area` that may be drawn inside it is `crossing`, drawn by WireLayer: xyflow culls a
 * wire by the box of its two nodes, so the image encoder's wires to IP-Adapters all over a big
 * grid entered and left that box by the hundred as a pan swung the view, each a React mount or
 * removal of its SVG (docs/benchmarks.md#zoom-1-wires-with-a-far-end-on-the-canvas). Wires whose
 * nodes are missing from `g` are never in it (xyflow drops them too).
 */
export function nearWires(g: FarGeometry, area: Box, keep: ReadonlySet<number>, pos?: Pos): NearSplit {
  // Without `pos`, a node is read from the rectangles and a wire tested by its kept box: no
  // objects made per wire.
  const r = g.rects;
  const boxes = pos ? null : wireBoxes(g);
  const inArea = pos
    ? (i: number) => {
        const { x, y } = pos(i);
        return nodeIn(g, i, area, x, y);
      }
    : (i: number) => nodeIn(g, i, area, r[i * 4], r[i * 4 + 1]);
  const handed = new Set<string>();
  const crossing: FarWire[] = [];
  g.wires.forEach((w, j) => {
    if (keep.has(w.s) || keep.has(w.t) || (inArea(w.s) && inArea(w.t))) handed.add(w.id);
    else if (boxes ? boxMeets(boxes, j, area) : overlaps(wireBox(wireStops(g, w, pos!)), area)) crossing.push(w);
  });
  return { handed, crossing };
}

/**
 * `nearWires(g, area, keep)` from `split`, `nearWires(g, area, none)`: the wires of the kept
 * nodes handed too, and so no longer the canvas's. A selection or a drag's start changes `keep`
 * alone, and this is one pass over the wires' ends, where a new split tested every wire against
 * the area (the press of a drag, docs/benchmarks.md#zoom-1-the-press-and-the-inspector). `split`
 * itself when that hands nothing new.
 */
export function withKept(g: FarGeometry, split: NearSplit, keep: ReadonlySet<number>): NearSplit {
  if (!keep.size) return split;
  const theirs = (w: FarWire) => keep.has(w.s) || keep.has(w.t);
  let handed: Set<string> | null = null;
  for (const w of g.wires) if (theirs(w) && !split.handed.has(w.id)) (handed ??= new Set(split.handed)).add(w.id);
  if (!handed) return split;
  return { handed, crossing: split.crossing.filter((w) => !theirs(w)) };
}

/** Whether node `i`, its top left at (x, y), meets `area`. */
function nodeIn(g: FarGeometry, i: number, area: Box, x: number, y: number): boolean {
  return x <= area.x1 && x + g.rects[i * 4 + 2] >= area.x0 && y <= area.y1 && y + g.rects[i * 4 + 3] >= area.y0;
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

/**
 * Each node's wires (indices in `g.wires`), built once per node list and wire list: a moved or
 * resized geometry shares both (farGeometry makes them together; resized copies only the boxes).
 */
const nodeWires = weakMemo((ids: readonly string[]) =>
  weakMemo((wires: readonly FarWire[]): readonly (readonly number[])[] => {
    const lists = Array.from({ length: ids.length }, (): number[] => []);
    wires.forEach((w, j) => {
      lists[w.s].push(j);
      if (w.t !== w.s) lists[w.t].push(j);
    });
    return lists;
  }),
);
const wiresOf = (g: FarGeometry) => nodeWires(g.ids)(g.wires);

/** The members of `next` not in `prev` when `next` holds all of `prev`, else null. */
function addedTo(prev: ReadonlySet<number>, next: ReadonlySet<number>): number[] | null {
  if (next.size < prev.size) return null;
  for (const i of prev) if (!next.has(i)) return null;
  const out: number[] = [];
  if (next.size > prev.size) for (const i of next) if (!prev.has(i)) out.push(i);
  return out;
}

/**
 * The wires of `wires` whose two nodes are both `shown` (xyflow drops a wire whose node it does not
 * hold), and whether any has reroute points. Called again for the same geometry and wires with
 * more nodes shown (the next slice of an opening file), it adds the wires of those nodes only:
 * a pass over every wire of a 5,000-node graph on each slice was part of each slice's frame.
 */
export function createHanding() {
  let last: {
    g: FarGeometry;
    wires: ReadonlySet<string>;
    shown: ReadonlySet<number>;
    handed: Set<string>;
    rerouted: boolean;
  } | null = null;
  return (g: FarGeometry, wires: ReadonlySet<string>, shown: ReadonlySet<number>) => {
    const added = last && last.g === g && last.wires === wires ? addedTo(last.shown, shown) : null;
    if (last && added && !added.length) return last;
    const handed = new Set<string>(added ? last!.handed : undefined);
    let rerouted = added ? last!.rerouted : false;
    const take = (w: FarWire) => {
      if (!wires.has(w.id) || !shown.has(w.s) || !shown.has(w.t)) return;
      handed.add(w.id);
      rerouted ||= !!w.via?.length;
    };
    if (added) {
      const lists = wiresOf(g);
      for (const i of added) for (const j of lists[i]) take(g.wires[j]);
    } else for (const w of g.wires) take(w);
    last = { g, wires, shown, handed, rerouted };
    return last;
  };
}
