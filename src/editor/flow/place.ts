import type { NodeDefinition, WorkflowNode, XY } from "../../graph";
import { nodeSizes } from "./sizes";
import { estimateNodeSize } from "../../graph";

/** Gap kept between a new node and the canvas edge. */
const MARGIN = 16;

/**
 * How big a node of this type will be: the largest measured one of the same type on the canvas,
 * else an estimate from its ports and basic settings (close enough to keep it on screen).
 */
export function expectedSize(def: NodeDefinition, nodes: readonly WorkflowNode[]): { width: number; height: number } {
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
  flow: { screenToFlowPosition(p: XY): XY; getZoom(): number },
  wireFrom?: "source" | "target",
): XY {
  const size = expectedSize(def, nodes);
  const want =
    wireFrom === "target"
      ? { x: at.x - size.width, y: at.y - 20 }
      : wireFrom === "source"
        ? { x: at.x, y: at.y - 20 }
        : at;
  const view = visibleFlowRect((p) => flow.screenToFlowPosition(p), flow.getZoom());
  return view ? placeInView(want, size, view) : { x: Math.round(want.x), y: Math.round(want.y) };
}
