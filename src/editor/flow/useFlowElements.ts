import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { useStoreApi, type Edge, type EdgeChange, type NodeChange } from "@xyflow/react";
import { useFlowApi } from "./flowApi";
import type { XY } from "../../graph";
import { useEditor, useEditorInstance } from "../store/react";
import { nodeById } from "../store/nodeIndex";
import { createEdgeDeriver, createNodeDeriver, type GraphFlowNode } from "./derive";
import { canvasViewOf, recordSize } from "./view";
import { useCanvasUi } from "./canvasUi";
import { createLayoutCache, useNearView } from "./WireLayer";

/**
 * From this many nodes on, only nodes and wires on screen are in the DOM (xyflow's
 * onlyRenderVisibleElements). Measured with `npm run bench -- editor` on the 2-core bench machine:
 * 100 unculled nodes dragged at 23 fps and panned at 31 fps (every node's widgets in style and
 * layout work each frame), while 500 culled nodes dragged at 53 fps and panned at 42 fps (the
 * few nodes scrolling in are cheap to mount). Tiny graphs are all on screen anyway. Widget values
 * live in the store, so a culled node comes back as it was.
 */
export const CULL_FROM_NODES = 40;

/** How long the view rests before a big graph zoomed back in leaves the far canvas for DOM nodes. */
const SETTLE_MS = 500;

const NO_EDGES: Edge[] = [];
const NO_IDS: readonly string[] = [];

/**
 * The document's nodes and wires as xyflow objects, and xyflow's change reports folded back into
 * the store (selection, one undo step per drag) and into the measured-size caches.
 */
export function useFlowElements(far: boolean, unfitted = false) {
  const editor = useEditorInstance();
  const store = editor.store;
  const view = canvasViewOf(editor);
  const registry = store.registry;
  const doc = useEditor((s) => s.view);
  const selection = useEditor((s) => s.selection);
  const flow = useFlowApi<GraphFlowNode>();
  const [drag, setDrag] = useState<Map<string, XY> | null>(null);
  const [sizeTick, sizesChanged] = useSizeSync();
  const deriveNodes = useMemo(() => createNodeDeriver(registry, view), [registry, view]);
  const deriveEdges = useMemo(() => createEdgeDeriver(registry), [registry]);
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  const culled = doc.nodes.length >= CULL_FROM_NODES;
  // Not fitted yet (useUnfittedOpen): on the canvas for the one render before the fit, not kept there.
  const onCanvas = useOnCanvas(culled && far) || (culled && unfitted);
  const moving = useGroupDrag(doc.nodes, drag);
  const placing = useSyncExternalStore(view.placed.subscribe, () => view.placed.version);
  const layout = useMemo(() => createLayoutCache(registry, view), [registry, view]);
  const movingKey = moving ? [...moving.keys()].join("\n") : "";
  const movingIds = useMemo(() => (movingKey ? movingKey.split("\n") : NO_IDS), [movingKey]);
  const keepNodes = useMemo(
    () => (movingKey ? [...selection.nodes, ...movingIds] : selection.nodes),
    [selection.nodes, movingKey, movingIds],
  );
  const hoverWire = useCanvasUi((s) => s.hoverWire);
  const keepEdges = useMemo(
    () => (hoverWire ? [...selection.edges, hoverWire] : selection.edges),
    [selection.edges, hoverWire],
  );
  const { near, shown, progress } = useNearView(
    culled,
    onCanvas,
    layout,
    doc.nodes,
    doc.edges,
    keepNodes,
    keepEdges,
    movingIds,
  );
  // From the held indices, in the document's order: a pass over every node on each slice of an
  // opening file was part of each slice's frame.
  const handedNodes = useMemo(() => (shown ? inOrder(shown).map((i) => doc.nodes[i]) : doc.nodes), [shown, doc.nodes]);
  const nodes = useMemo(
    () => deriveNodes(handedNodes, selectedNodes, moving, culled, onCanvas),
    // Two deps the callback does not read: sizeTick re-derives once measured sizes are stored,
    // placing once a new node is placed.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- sizeTick and placing, said above
    [deriveNodes, handedNodes, selectedNodes, moving, culled, onCanvas, sizeTick, placing],
  );
  const edgeAt = useMemo(() => (culled ? new Map(doc.edges.map((e, i) => [e.id, i])) : null), [culled, doc.edges]);
  const handed = near?.handed;
  const handedEdges = useMemo(
    () => (handed && edgeAt ? inOrder(handed, (id) => edgeAt.get(id)).map((i) => doc.edges[i]) : doc.edges),
    [handed, edgeAt, doc.edges],
  );
  const edges = useMemo(
    // None on the far canvas: xyflow would still mount a wrapper (and run its selectors) for each one.
    () => (onCanvas ? NO_EDGES : deriveEdges(handedEdges, doc.nodes, selectedEdges, selectedNodes)),
    [deriveEdges, handedEdges, doc.nodes, selectedEdges, selectedNodes, onCanvas],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphFlowNode>[]) => {
      let moved: Map<string, XY> | null = null;
      let resized = false;
      for (const c of changes) {
        if (c.type === "position" && c.position && c.dragging) (moved ??= new Map()).set(c.id, c.position);
        else if (c.type === "dimensions" && c.dimensions)
          // A collapsed node's bar is not its type's size (other nodes of its type are not bars).
          resized =
            recordSize(
              view,
              c.id,
              nodeById(store.getState().view.nodes, c.id)?.collapsed ? undefined : flow.getNode(c.id)?.data.type,
              c.dimensions,
            ) || resized;
      }
      if (moved) setDrag((d) => new Map([...(d ?? []), ...moved!]));
      if (resized) sizesChanged(store.getState().view.nodes.length < CULL_FROM_NODES);
      const sel = toggled(store.getState().selection.nodes, changes);
      if (sel) store.setSelection({ nodes: sel });
    },
    [store, flow, sizesChanged, view],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<Edge>[]) => {
      const sel = toggled(store.getState().selection.edges, changes);
      if (sel) store.setSelection({ edges: sel });
    },
    [store],
  );

  // One undo step per drag: positions live in `drag` while moving and enter the document on release.
  const onNodeDragStop = useCallback(
    (_: unknown, __: GraphFlowNode, dragged: GraphFlowNode[]) => {
      store.moveNodes(
        dragged.map((n) => ({ id: n.id, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } })),
      );
      setDrag(null);
    },
    [store],
  );

  return {
    nodes,
    edges,
    layout,
    near,
    progress,
    culled,
    onCanvas,
    onNodesChange,
    onEdgesChange,
    onNodeDragStop,
  };
}

/** The indices of `items` (through `index`) in ascending order, those without one left out. */
function inOrder<T>(items: Iterable<T>, index: (x: T) => number | undefined = (x) => x as number): number[] {
  const out: number[] = [];
  for (const x of items) {
    const i = index(x);
    if (i !== undefined) out.push(i);
  }
  return out.sort((a, b) => a - b);
}

/** The positions being dragged: xyflow's node drag, and the nodes of a group moved by its title. */
function useGroupDrag(nodes: readonly { id: string; position: XY }[], drag: Map<string, XY> | null) {
  const group = useCanvasUi((s) => s.groupDrag);
  return useMemo(() => {
    if (!group) return drag;
    const inside = new Set(group.nodes);
    const out = new Map(drag ?? []);
    for (const n of nodes)
      if (inside.has(n.id)) out.set(n.id, { x: n.position.x + group.dx, y: n.position.y + group.dy });
    return out;
  }, [group, drag, nodes]);
}

/**
 * Whether FarLayer draws the graph (xyflow keeps only selected nodes, hidden): when a big graph is
 * zoomed far out, and after a gesture that went far out, until the view has rested for SETTLE_MS.
 * Handing the nodes near the view back to xyflow costs a few slices (just above LOD_ZOOM, ~600
 * nodes of a 5,000-node grid) and mounting the nodes on screen (hundreds of ms), so a wheel zoom
 * that crosses LOD_ZOOM back and forth pays it once, when the view rests. xyflow's own end of a
 * wheel gesture (150 ms without a notch) came between notches whenever a frame was slow, and each
 * such handover made the next frames slower still.
 */
function useOnCanvas(far: boolean): boolean {
  const rf = useStoreApi();
  const { motion } = canvasViewOf(useEditorInstance());
  const moving = useSyncExternalStore(motion.subscribe, () => motion.moving);
  const [sticky, setSticky] = useState(false);
  useEffect(() => {
    if (far) setSticky(true);
  }, [far]);
  useEffect(() => {
    if (far || moving || !sticky) return;
    let last = performance.now();
    let timer = 0;
    let frame = 0;
    const off = rf.subscribe((s, prev) => {
      if (s.transform !== prev.transform) last = performance.now();
    });
    // Checked again on a frame: input queued behind a slow frame is handled before it.
    const check = () => {
      const wait = last + SETTLE_MS - performance.now();
      if (wait > 0) timer = window.setTimeout(check, wait);
      else frame = requestAnimationFrame(() => (performance.now() - last >= SETTLE_MS ? setSticky(false) : check()));
    };
    check();
    return () => {
      off();
      clearTimeout(timer);
      cancelAnimationFrame(frame);
    };
  }, [far, moving, sticky, rf]);
  return far || sticky;
}

/**
 * Bumped after xyflow measures nodes of a small graph: the measured sizes go into our node objects
 * at once, because xyflow only counts nodes as initialized (the first fit waits for that) once our
 * node objects carry the sizes. A culled graph is never bumped: xyflow already keeps each measured
 * size and handles in its own lookup, the minimap and the far canvas read them there or in
 * CanvasView, and a node object rebuilt later (moved, selected) takes its size from CanvasView
 * then. Re-deriving after measurements handed xyflow a new node array each time nodes scrolled in
 * during a pan, which it re-adopted whole (5,000 nodes: 10.6 fps with it, 17.7 without).
 */
function useSizeSync() {
  const [sizeTick, setSizeTick] = useState(0);
  const changed = useCallback((small: boolean) => {
    if (small) setSizeTick((t) => t + 1);
  }, []);
  return [sizeTick, changed] as const;
}

/** The selection after xyflow's select changes, or null when there were none. */
function toggled(current: readonly string[], changes: readonly (NodeChange | EdgeChange)[]): string[] | null {
  let sel: Set<string> | null = null;
  for (const c of changes) {
    if (c.type !== "select") continue;
    sel ??= new Set(current);
    if (c.selected) sel.add(c.id);
    else sel.delete(c.id);
  }
  return sel && [...sel];
}
