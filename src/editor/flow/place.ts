import type { NodeDefinition, WorkflowNode, XY } from "../../graph";
import { estimatedSize } from "./sizes";
import type { CanvasView, Size } from "./view";
import { estimateNodeSize } from "../../graph";

/** Gap kept between a new node and the canvas edge. */
const MARGIN = 16;

/**
 * How big a node of this type will be: the largest measured one of the same type on the canvas,
 * else an estimate from its ports and basic settings (close enough to keep it on screen).
 */
export function expectedSize(
  def: NodeDefinition,
  nodes: readonly WorkflowNode[],
  nodeSizes: ReadonlyMap<string, Size>,
): { width: number; height: number } {
  let best: { width: number; height: number } | undefined;
  for (const n of nodes) {
    if (n.type !== def.type) continue;
    const s = nodeSizes.get(n.id);
    if (s && (!best || s.height > best.height)) best = s;
  }
  return best ?? estimateNodeSize({}, def);
}

/**
 * Moves `at` (the node's top-left, flow coordinates) so a node of `size` lies fully inside the
 * visible canvas. A node larger than the view keeps its top-left corner in view.
 */
export function placeInView(
  at: XY,
  size: { width: number; height: number },
  view: { topLeft: XY; bottomRight: XY; zoom: number },
): XY {
  const m = MARGIN / view.zoom;
  const minX = view.topLeft.x + m,
    minY = view.topLeft.y + m;
  const maxX = view.bottomRight.x - m - size.width,
    maxY = view.bottomRight.y - m - size.height;
  return {
    x: Math.round(Math.max(minX, Math.min(at.x, maxX))),
    y: Math.round(Math.max(minY, Math.min(at.y, maxY))),
  };
}

/** The visible canvas in flow coordinates, for placeInView. */
export function visibleFlowRect(
  screenToFlow: (p: XY) => XY,
  zoom: number,
): { topLeft: XY; bottomRight: XY; zoom: number } | null {
  const r = document.querySelector(".canvas .react-flow")?.getBoundingClientRect();
  if (!r || !r.width) return null;
  return {
    topLeft: screenToFlow({ x: r.left, y: r.top }),
    bottomRight: screenToFlow({ x: r.right, y: r.bottom }),
    zoom,
  };
}

/**
 * Where a node of `def` added at `at` (the cursor, flow coordinates) goes: right of the cursor, or
 * left of it when it will feed the input a wire was dragged from, then moved fully into view.
 */
export function placeNewNode(
  def: NodeDefinition,
  at: XY,
  nodes: readonly WorkflowNode[],
  nodeSizes: ReadonlyMap<string, Size>,
  flow: { screenToFlowPosition(p: XY): XY; getZoom(): number },
  wireFrom?: "source" | "target",
): XY {
  const size = expectedSize(def, nodes, nodeSizes);
  const want =
    wireFrom === "target"
      ? { x: at.x - size.width, y: at.y - 20 }
      : wireFrom === "source"
        ? { x: at.x, y: at.y - 20 }
        : at;
  const view = visibleFlowRect((p) => flow.screenToFlowPosition(p), flow.getZoom());
  return view ? placeInView(want, size, view) : { x: Math.round(want.x), y: Math.round(want.y) };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Space kept around every node: its ports stick out of its sides, and wires need room to bend. */
export const NODE_GAP = 24;

/** Where a node of the document is and how big it is drawn (measured, else estimated). */
export function nodeRect(
  view: Pick<CanvasView, "nodeSizes" | "typeSizes">,
  n: WorkflowNode,
  def: NodeDefinition | undefined,
): Rect {
  const size = view.nodeSizes.get(n.id) ?? estimatedSize(view.typeSizes, def, n);
  return { x: n.position.x, y: n.position.y, width: size.width, height: size.height };
}

/**
 * The top-left nearest `want` where a box of want's size covers no rect of `taken` (nor comes
 * within `gap` of one). Candidates are `want` itself and the spots flush beside each taken rect
 * (right, left, below, above), nearest first; with `bounds`, spots inside them are preferred.
 * Hand-written: the graph is small and this needs no packing library, only "nearest free spot".
 */
export function freeSpot(want: Rect, taken: readonly Rect[], bounds?: Rect | null, gap = NODE_GAP): XY {
  const clear = (x: number, y: number) =>
    !taken.some(
      (t) =>
        x < t.x + t.width + gap &&
        t.x < x + want.width + gap &&
        y < t.y + t.height + gap &&
        t.y < y + want.height + gap,
    );
  if (clear(want.x, want.y)) return { x: want.x, y: want.y };
  const xs = [want.x],
    ys = [want.y];
  for (const t of taken) {
    xs.push(t.x + t.width + gap, t.x - gap - want.width);
    ys.push(t.y + t.height + gap, t.y - gap - want.height);
  }
  // Every pairing of those edges: a handful of nodes gives a few hundred spots, each checked in O(n).
  const candidates: XY[] = xs.flatMap((x) => ys.map((y) => ({ x, y })));
  // At equal distance, beside beats above or below: data flows left to right.
  const d = (p: XY) => (p.x - want.x) ** 2 + 1.1 * (p.y - want.y) ** 2;
  candidates.sort((a, b) => d(a) - d(b));
  const inside = (p: XY) =>
    !bounds ||
    (p.x >= bounds.x &&
      p.y >= bounds.y &&
      p.x + want.width <= bounds.x + bounds.width &&
      p.y + want.height <= bounds.y + bounds.height);
  const found = candidates.find((p) => inside(p) && clear(p.x, p.y)) ?? candidates.find((p) => clear(p.x, p.y));
  // Right of everything is always free.
  return found ?? { x: Math.max(...taken.map((t) => t.x + t.width + gap)), y: want.y };
}

/** The visible canvas in flow coordinates, read from the drawn viewport; null when not drawn. */
export function visibleFlowBounds(): Rect | null {
  const pane = document.querySelector(".canvas .react-flow")?.getBoundingClientRect();
  const vp = document.querySelector<HTMLElement>(".react-flow__viewport");
  if (!pane || !pane.width || !vp) return null;
  const m = new DOMMatrixReadOnly(getComputedStyle(vp).transform);
  const z = m.a || 1;
  const m2 = MARGIN / z;
  return { x: -m.e / z + m2, y: -m.f / z + m2, width: pane.width / z - 2 * m2, height: pane.height / z - 2 * m2 };
}

/**
 * How far to move nodes being added so they cover no node already there: the group keeps its
 * shape and goes to the nearest free spot, in view when it was asked for in view. Every way of
 * adding (sidebar, palette, wire drop, paste, duplicate) goes through the store, which calls this.
 */
export function arrangeAdded(
  canvas: Pick<CanvasView, "nodeSizes" | "typeSizes">,
  added: readonly WorkflowNode[],
  existing: readonly WorkflowNode[],
  def: (type: string) => NodeDefinition | undefined,
  drawn?: ReadonlyMap<string, Size>,
): XY {
  if (!added.length || !existing.length) return { x: 0, y: 0 };
  const rects = added.map((n) => {
    // A new node is not measured yet (unless `drawn` says): the largest drawn one of its type, else the estimate.
    const d = def(n.type);
    const size =
      drawn?.get(n.id) ?? (d ? expectedSize(d, existing, canvas.nodeSizes) : estimatedSize(canvas.typeSizes, d, n));
    return { x: n.position.x, y: n.position.y, ...size };
  });
  const x = Math.min(...rects.map((r) => r.x)),
    y = Math.min(...rects.map((r) => r.y));
  const box = {
    x,
    y,
    width: Math.max(...rects.map((r) => r.x + r.width)) - x,
    height: Math.max(...rects.map((r) => r.y + r.height)) - y,
  };
  const view = typeof document === "undefined" ? null : visibleFlowBounds();
  const wantedInView =
    !!view &&
    box.x >= view.x - 1 &&
    box.y >= view.y - 1 &&
    box.x <= view.x + view.width &&
    box.y <= view.y + view.height;
  const at = freeSpot(
    box,
    existing.map((n) => nodeRect(canvas, n, def(n.type))),
    wantedInView ? view : null,
  );
  return { x: Math.round(at.x - box.x), y: Math.round(at.y - box.y) };
}
