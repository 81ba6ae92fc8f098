import { useLayoutEffect, useMemo, useState } from "react";
import { useStore } from "@xyflow/react";
import type { Registry, WorkflowEdge, WorkflowNode } from "../../graph";
import { useEditor } from "../store/react";
import { boxSize, farGeometry, resized, type FarGeometry, type FarWire } from "./farGeometry";
import { contains, createHanding, grown, nearNodes, nearWires, viewBox, withKept, type Box } from "./nearWires";
import { useAdmission, type Admission } from "./mountSlices";
import { useCanvasView, type CanvasView } from "./view";

/**
 * xyflow pays for every node and wire it holds: it re-adopts every node whenever the node list
 * changes (a slice, a selection, a drag start), rebuilds its connection lookup over every wire, and
 * tests each one for visibility on every pan frame. A big graph therefore hands it only what may
 * show near the view (half a view beyond it on each side): those nodes and the wires between
 * them, selected and dragged nodes with their wires, selected wires and the wire under the
 * pointer, and both ends of every wire it holds. WireLayer (WireCanvas.tsx) draws the rest on one
 * canvas behind xyflow's, wires with a far end among them. The set is chosen again when the view
 * comes to rest outside the area it covered, so the nodes the user can reach with the pointer are
 * real, and a wire drawn on the canvas becomes real when the pointer comes near it.
 */
const MARGIN = 0.5;
const NO_WIRES: ReadonlySet<string> = new Set();
const NO_NODES: ReadonlySet<number> = new Set();

export interface NearWires {
  g: FarGeometry;
  /** Ids of the wires handed to xyflow. */
  handed: ReadonlySet<string>;
  /** Indices of the nodes handed to xyflow: WireLayer draws the others. */
  shown: ReadonlySet<number>;
  /** The wires not handed that may be drawn inside the covered area (a far end): WireLayer's. */
  crossing: readonly FarWire[];
  /**
   * A graph area xyflow draws all of but `crossing`: every node in it and every other wire that
   * may show in it is handed (none waits for a slice, and no handed wire has reroute points,
   * which xyflow may cull), so while the view stays inside it the wire canvas draws `crossing`
   * alone, and is blank without them. Null when there is none.
   */
  whole: Box | null;
  /** `g` with the boxes of the nodes measured since it was built (same indices): what to draw. */
  sized(): FarGeometry;
}

/**
 * The wires' geometry, built again only when a node is added or removed, or a wire changes: a
 * param edit (every keystroke) makes a new node list with the same places, a drop moves a few
 * boxes (a fold resizes one), and a node measured since it was built (xyflow mounted it) gets its
 * measured box (`resized`): each as a new build would give it. `exact` is the geometry only when
 * it was built from these very arrays (titles and key values too): the far canvas then needs no
 * geometry of its own, which at 5,000 nodes was a second build in the render that takes a newly
 * opened file, or in the first zoom out after a pan at zoom 1. `sized(g)`: `g`, when it came from
 * here, with the boxes measured since (what the wire canvas draws).
 */
export function createLayoutCache(registry: Registry, view: Pick<CanvasView, "nodeSizes" | "typeSizes" | "resized">) {
  let last: {
    nodes: readonly WorkflowNode[];
    edges: readonly WorkflowEdge[];
    g: FarGeometry;
    /** What `get` last gave (`g` before the boxes measured since). */
    given: FarGeometry;
    /** The nodes its titles and key values were read from. */
    from: readonly WorkflowNode[];
    /** The measured sizes' version it has the boxes of (CanvasView.resized). */
    sizes: number;
  } | null = null;
  const build = (nodes: readonly WorkflowNode[], edges: readonly WorkflowEdge[]) => {
    const g = farGeometry(registry, view, nodes, edges);
    last = { nodes, edges, g, given: g, from: nodes, sizes: view.resized.version };
    return g;
  };
  const current = (): FarGeometry | null => {
    if (!last || last.sizes === view.resized.version) return last?.g ?? null;
    const g = resized(registry, view, last.g, last.nodes, last.sizes);
    if (!g) return build(last.nodes, last.edges);
    last = { ...last, g, sizes: view.resized.version };
    return g;
  };
  const get = (nodes: readonly WorkflowNode[], edges: readonly WorkflowEdge[]): FarGeometry => {
    const moved = last && last.edges === edges ? movedPlaces(last.nodes, nodes) : null;
    if (!last || !moved) return build(nodes, edges);
    // A drop moved a few nodes: their places change, the rest stands (rebuilding all of a
    // 5,000-node graph's geometry was a few ms of the drop's task).
    const now = current()!;
    const g = moved.length ? withPlaces(now, nodes, moved, (n) => boxSize(registry, view, n)) : now;
    last = { ...last!, nodes, g, given: g };
    return g;
  };
  const exact = (nodes: readonly WorkflowNode[], edges: readonly WorkflowEdge[]): FarGeometry | null =>
    last && last.from === nodes && last.edges === edges ? current() : null;
  const sized = (g: FarGeometry): FarGeometry => (last && (g === last.given || g === last.g) ? current()! : g);
  return Object.assign(get, { exact, sized });
}
export type LayoutCache = ReturnType<typeof createLayoutCache>;

/**
 * The indices whose position or folding (an unmeasured node's estimated height) changed, when
 * nothing else the geometry reads did (ids, types, collapsed); else null.
 */
function movedPlaces(a: readonly WorkflowNode[], b: readonly WorkflowNode[]): number[] | null {
  if (a === b) return [];
  if (a.length !== b.length) return null;
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i].id !== b[i].id || a[i].type !== b[i].type || a[i].collapsed !== b[i].collapsed) return null;
    if (a[i].position !== b[i].position || a[i].expanded !== b[i].expanded) out.push(i);
  }
  return out;
}

function withPlaces(
  g: FarGeometry,
  nodes: readonly WorkflowNode[],
  moved: readonly number[],
  size: (n: WorkflowNode) => { width: number; height: number },
): FarGeometry {
  const rects = g.rects.slice();
  for (const i of moved) {
    const { width, height } = size(nodes[i]);
    rects.set([nodes[i].position.x, nodes[i].position.y, width, height], i * 4);
  }
  return { ...g, rects };
}

/**
 * What xyflow holds of a big graph (null: everything, as for small graphs): the wires between the
 * nodes near the view plus those of `keepNodes` (selected, dragged) and `keepEdges` (selected, under
 * the pointer), and
 * the nodes near the view plus `keepNodes` and the ends of those wires, handed in a slice a frame
 * when many come at once (useAdmission). `now`: nodes that must be held this frame (dragged).
 * Zoomed far out (`far`) FarLayer draws the graph: xyflow holds `keepNodes` alone, and no wire.
 */
export function useNearView(
  active: boolean,
  far: boolean,
  layout: ReturnType<typeof createLayoutCache>,
  nodes: readonly WorkflowNode[],
  edges: readonly WorkflowEdge[],
  keepNodes: readonly string[],
  keepEdges: readonly string[],
  now: readonly string[],
): { near: NearWires | null; shown: ReadonlySet<number> | null; progress: Admission["progress"] } {
  const epoch = useEditor((s) => s.epoch);
  const g = useMemo(() => (active ? layout(nodes, edges) : null), [active, layout, nodes, edges]);
  const shared = useCanvasView().layout;
  // Before any effect or frame reads it (a fit right after an arrange).
  useLayoutEffect(() => shared.set(g), [shared, g]);
  const area = useCoveredArea(active);
  const indices = (ids: readonly string[]) => {
    const out = new Set<number>();
    for (const id of ids) {
      const i = g?.index.get(id);
      if (i !== undefined) out.add(i);
    }
    return out;
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps -- indices reads g
  const keep = useMemo(() => indices(keepNodes), [g, keepNodes]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- indices reads g
  const dragged = useMemo(() => indices(now), [g, now]);
  // The area's split is kept across selections and drag starts, which add the kept nodes' wires.
  const base = useMemo(() => (!g || far ? null : nearWires(g, area, NO_NODES)), [g, far, area]);
  const split = useMemo(() => (g && base ? withKept(g, base, keep) : null), [g, base, keep]);
  const wires = useMemo(() => {
    if (!split || !keepEdges.length) return split?.handed ?? null;
    const handed = new Set(split.handed);
    for (const id of keepEdges) handed.add(id);
    return handed;
  }, [split, keepEdges]);
  const core = useMemo(() => (!g ? null : wires ? nearNodes(g, area, keep, NO_WIRES) : keep), [g, wires, area, keep]);
  const wanted = useMemo(() => (!g ? null : wires ? nearNodes(g, area, keep, wires) : keep), [g, wires, area, keep]);
  const { shown, progress } = useAdmission(g, wanted, core, dragged, area, epoch);
  const handing = useMemo(createHanding, []);
  const near = useMemo(() => {
    if (!g || !wires || !shown || !split) return null;
    // A wire waits for both its nodes.
    const { handed, rerouted } = handing(g, wires, shown);
    // `wanted` holds every node in `area` and both ends of every handed wire: all in, all drawn.
    const whole = !rerouted && wanted?.size === shown.size ? area : null;
    return { g, handed, shown, crossing: split.crossing, whole, sized: () => layout.sized(g) };
  }, [g, wires, split, shown, wanted, area, layout, handing]);
  return { near, shown, progress };
}

/**
 * The graph area whose wires xyflow holds: the view at rest grown by MARGIN, kept while the view
 * rests inside it, so panning a little hands xyflow nothing new. Follows the viewport saved at the
 * end of each move (and a newly opened document's), not every pan frame. Only a big graph (`active`)
 * has one: a small graph's canvas follows neither the view nor the pane's size, which xyflow first
 * measures after the first commit (following it re-rendered the whole canvas before the first frame:
 * docs/benchmarks.md#the-first-load).
 */
export function useCoveredArea(active: boolean): Box {
  const vp = useEditor((s) => (active ? s.viewport : null));
  const epoch = useEditor((s) => s.epoch);
  const width = useStore((s) => (active ? s.width : 0));
  const height = useStore((s) => (active ? s.height : 0));
  const [covered, setCovered] = useState<{ box: Box; epoch: number } | null>(null);
  if (!vp) return NOWHERE;
  const size = width && height ? { width, height } : { width: innerWidth, height: innerHeight };
  const seen = viewBox(vp, size);
  if (covered && covered.epoch === epoch && contains(covered.box, seen)) return covered.box;
  const box = grown(seen, MARGIN);
  // Adjusting state while rendering: React re-renders at once, before anything is committed.
  setCovered({ box, epoch });
  return box;
}

/** What a small graph's canvas covers: nothing is culled, so no area is asked for. */
const NOWHERE: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
