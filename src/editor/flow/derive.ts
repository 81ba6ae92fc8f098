import type { Edge, Node } from "@xyflow/react";
import { estimatedHandles, estimatedSize } from "./sizes";
import type { CanvasView } from "./view";
import { isPortStandIn } from "../store/scope";
import type { Registry, WorkflowEdge, WorkflowNode, XY } from "../../graph";
import { wireColor } from "./farGeometry";

/**
 * Only what never changes for a node id: the node's params are read from the editor store by the
 * node component itself, so editing a field leaves xyflow's node list untouched (no re-adoption
 * of every node, no minimap or culling selectors re-run) and re-renders that one node.
 */
export type GraphNodeData = { type: string };
export type GraphFlowNode = Node<GraphNodeData, "graph">;

interface CachedNode {
  type: string;
  estimated: boolean;
  selected: boolean;
  hidden: boolean;
  placing: boolean;
  position: XY;
  size: { width: number; height: number } | undefined;
  rf: GraphFlowNode;
}

/**
 * Builds xyflow's controlled nodes from the document, reusing the previous object for every node
 * whose position, selection or size did not change. A param edit changes none of those, so the
 * same array comes back and xyflow does no work at all. A drag frame (only the drag overlay
 * changed) looks at the dragged nodes alone: at 5,000 nodes a pass over all of them each frame
 * cost more than the frame's own work.
 */
export function createNodeDeriver(
  registry: Registry,
  view: Pick<CanvasView, "nodeSizes" | "typeSizes"> & { placed?: Pick<CanvasView["placed"], "has" | "version"> },
) {
  const { nodeSizes, typeSizes, placed } = view;
  let cache = new Map<string, CachedNode>();
  let last: GraphFlowNode[] = [];
  /** Where each node id sits in `last`, and what it was derived from. */
  let index = new Map<string, number>();
  let from: {
    nodes: readonly WorkflowNode[];
    selected: ReadonlySet<string>;
    drag: ReadonlyMap<string, XY> | null;
    estimate: boolean;
    hidden: boolean;
    placing: number;
  } | null = null;

  function entryFor(n: WorkflowNode, sel: boolean, pos: XY, estimate: boolean, hidden: boolean): CachedNode {
    const prev = cache.get(n.id);
    const size = nodeSizes.get(n.id);
    const placing = !!placed?.has(n.id);
    if (
      prev &&
      prev.type === n.type &&
      prev.selected === sel &&
      prev.position.x === pos.x &&
      prev.position.y === pos.y &&
      prev.size === size &&
      prev.hidden === hidden &&
      prev.placing === placing &&
      prev.estimated === (estimate && !size)
    )
      return prev;
    const rf: GraphFlowNode = {
      id: n.id,
      type: "graph",
      position: pos,
      data: prev?.type === n.type ? prev.rf.data : { type: n.type },
      selected: sel,
      // Without the measured size xyflow would hide and re-measure the node on every edit.
      measured: size,
      // Not measured yet (never on screen): a size and handles to cull it by; see estimatedHandles.
      ...(estimate && !size ? estimated(registry, typeSizes, n) : {}),
      // Inert nodes (notes) are commentary: keep them under the wires' nodes.
      zIndex: registry.get(n.type)?.inert ? -1 : undefined,
      // Zoomed far out, a big graph is drawn by FarLayer; xyflow keeps only selected and dragged nodes, hidden.
      hidden,
      // Just added, waiting to be placed by its drawn size (flow/settle.ts): drawn, but invisible
      // and out of the pointer's way (styles.css), so nobody grabs it where it will not stay.
      ...(placing ? { className: "placing" } : {}),
      // Inside a component, its ports' stand-ins are wired to but never moved, copied or deleted;
      // selected, the inspector lists the ports (to remove one).
      ...(isPortStandIn(n) ? { draggable: false, deletable: false } : {}),
    };
    return { type: n.type, estimated: estimate && !size, selected: sel, hidden, placing, position: pos, size, rf };
  }

  /** Only `drag` changed since the last call: re-derive the nodes in it now or before, nothing else. */
  function dragFrame(drag: ReadonlyMap<string, XY> | null): GraphFlowNode[] {
    const f = from!;
    let out: GraphFlowNode[] | null = null;
    const redo = (id: string) => {
      const i = index.get(id);
      if (i === undefined) return;
      const n = f.nodes[i];
      const entry = entryFor(n, f.selected.has(id), drag?.get(id) ?? n.position, f.estimate, f.hidden);
      cache.set(id, entry);
      if (entry.rf !== last[i]) (out ??= last.slice())[i] = entry.rf;
    };
    for (const id of drag?.keys() ?? []) redo(id);
    for (const id of f.drag?.keys() ?? []) if (!drag?.has(id)) redo(id);
    from = { ...f, drag };
    return out ? (last = out) : last;
  }

  /**
   * `estimate`: give nodes not measured yet a size and handles (see estimatedHandles). Only worth it
   * when culling: otherwise every node mounts anyway, and a node shown before it is measured and
   * fitted would move under the user's pointer.
   */
  return function derive(
    nodes: readonly WorkflowNode[],
    selected: ReadonlySet<string>,
    drag: ReadonlyMap<string, XY> | null,
    estimate = false,
    hidden = false,
  ): GraphFlowNode[] {
    if (
      from &&
      from.drag !== drag &&
      from.nodes === nodes &&
      from.selected === selected &&
      from.estimate === estimate &&
      from.hidden === hidden &&
      from.placing === (placed?.version ?? 0)
    )
      return dragFrame(drag);
    const next = new Map<string, CachedNode>();
    const out: GraphFlowNode[] = new Array(nodes.length);
    index = new Map();
    let same = nodes.length === last.length;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      const entry = entryFor(n, selected.has(n.id), drag?.get(n.id) ?? n.position, estimate, hidden);
      next.set(n.id, entry);
      index.set(n.id, i);
      out[i] = entry.rf;
      if (same && last[i] !== entry.rf) same = false;
    }
    cache = next;
    from = { nodes, selected, drag, estimate, hidden, placing: placed?.version ?? 0 };
    // The same array when nothing changed: xyflow then skips re-adopting every node.
    if (same) return last;
    return (last = out);
  };
}

function estimated(
  registry: Registry,
  typeSizes: CanvasView["typeSizes"],
  n: WorkflowNode,
): Pick<GraphFlowNode, "initialWidth" | "initialHeight" | "handles"> {
  const def = registry.get(n.type);
  const { width, height } = estimatedSize(typeSizes, def, n);
  return { initialWidth: width, initialHeight: height, handles: estimatedHandles(def) };
}

export type GraphFlowEdge = Edge;

export function createEdgeDeriver(registry: Registry) {
  type Cached = { src: WorkflowEdge; selected: boolean; bypassed: boolean; rf: Edge };
  let cache = new Map<string, Cached>();
  let last: Edge[] = [];
  let lastNodes: readonly WorkflowNode[] | null = null;
  let types = new Map<string, WorkflowNode>();
  return function derive(
    edges: readonly WorkflowEdge[],
    nodes: readonly WorkflowNode[],
    selected: ReadonlySet<string>,
    selectedNodes: ReadonlySet<string>,
  ): Edge[] {
    if (nodes !== lastNodes) {
      types = new Map();
      for (const n of nodes) types.set(n.id, n);
      lastNodes = nodes;
    }
    let same = edges.length === last.length;
    const next = new Map<string, Cached>();
    const out: Edge[] = [];
    for (const e of edges) {
      const sel = selected.has(e.id) || selectedNodes.has(e.source) || selectedNodes.has(e.target);
      const bypassed = !!types.get(e.source)?.bypass;
      const prev = cache.get(e.id);
      let entry = prev;
      if (!prev || prev.src !== e || prev.selected !== sel || prev.bypassed !== bypassed) {
        const color = wireColor(registry, types.get(e.source), e.sourceHandle);
        entry = {
          src: e,
          selected: sel,
          bypassed,
          rf: {
            id: e.id,
            source: e.source,
            sourceHandle: e.sourceHandle,
            target: e.target,
            targetHandle: e.targetHandle,
            selected: selected.has(e.id),
            className: `${sel ? "hot" : ""} ${bypassed ? "bypassed" : ""}`,
            style: { stroke: color },
            ...(e.reroutes ? { data: { reroutes: e.reroutes } } : {}),
          },
        };
      }
      next.set(e.id, entry!);
      if (same && last[out.length] !== entry!.rf) same = false;
      out.push(entry!.rf);
    }
    cache = next;
    // Editing a field changes the node list but no wire: handing xyflow the same array spares it
    // rebuilding its connection lookup for every wire on every keystroke.
    if (same) return last;
    return (last = out);
  };
}
