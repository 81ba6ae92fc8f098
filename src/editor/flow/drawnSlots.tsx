/**
 * What only a canvas with nodes draws (drawnParts.ts: the node views with their fields, widgets,
 * output strip and node pictures, the wires, the minimap, a big graph's wire canvas) is not in
 * the first load's script: an empty pipeline never runs it (docs/benchmarks.md#the-first-load).
 * Start-up fetches it beside the database open, and a restored draft with nodes waits for it
 * before the first render (main.tsx), so a node is drawn with its body from the first frame. Only
 * a node added before it arrives (within the first moments of an empty pipeline) shows its title
 * at its estimated size until then, and its wires, the minimap and the wire canvas show once it
 * has.
 */
import { lazy, memo, Suspense, type ComponentType } from "react";
import type { NodeProps } from "@xyflow/react";
import { onDemand } from "../lazy";
import { useEditor, useEditorInstance } from "../store/react";
import { nodeById } from "../store/nodeIndex";
import type { GraphFlowNode } from "./derive";
import { canvasViewOf } from "./view";
import { estimatedSize } from "./sizes";
import type * as DrawnParts from "./drawnParts";

type Parts = typeof DrawnParts;

const views = onDemand((): Promise<Parts> => import("./drawnParts"));
const LazyNode = lazy(() => views.load().then((m) => ({ default: m.GraphNode })));

/** Fetches the chunk (once); resolves when its parts render without waiting. */
export const loadNodeViews = (): Promise<unknown> => views.load();

function NodeSlot(props: NodeProps<GraphFlowNode>) {
  const Loaded = views.current()?.GraphNode;
  if (Loaded) return <Loaded {...props} />;
  return (
    <Suspense fallback={<PendingNode id={props.id} selected={props.selected} />}>
      <LazyNode {...props} />
    </Suspense>
  );
}

/** A node whose view is still on its way: its frame and title, at the size it will have. */
function PendingNode({ id, selected }: { id: string; selected: boolean }) {
  const editor = useEditorInstance();
  const node = useEditor((s) => nodeById(s.view.nodes, id));
  if (!node) return null;
  const def = editor.store.registry.get(node.type);
  const view = canvasViewOf(editor);
  const { height } = view.nodeSizes.get(id) ?? estimatedSize(view.typeSizes, def, node);
  return (
    <div
      className={`gnode ${selected ? "sel" : ""}`}
      style={{ ["--cat" as string]: def?.category.color, height }}
      aria-busy="true"
    >
      <div className="node-head">
        <span className="dot" />
        <span className="node-title">{node.label || def?.title || node.type}</span>
      </div>
    </div>
  );
}

/**
 * A node's view reads only its id and selection from xyflow's props (the rest from the store):
 * xyflow hands a dragged node new props on every frame (its place, `dragging`), which re-rendered
 * the node's head, fields and pictures on each drag frame
 * (docs/benchmarks.md#zoom-1-wires-with-a-far-end-on-the-canvas).
 */
export const sameNodeProps = (a: NodeProps<GraphFlowNode>, b: NodeProps<GraphFlowNode>) =>
  a.id === b.id && a.selected === b.selected;

export const GraphNodeSlot = memo(NodeSlot, sameNodeProps);

/**
 * A part of the chunk that renders directly once the chunk is here, and through React.lazy (drawing
 * nothing meanwhile) before.
 */
function drawnSlot<P extends object>(pick: (parts: Parts) => ComponentType<P>) {
  const Lazy = lazy(() => views.load().then((m) => ({ default: pick(m) })));
  return function DrawnSlot(props: P) {
    const parts = views.current();
    const Loaded = parts && pick(parts);
    if (Loaded) return <Loaded {...props} />;
    return (
      <Suspense fallback={null}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}

/** A wire: there are none before there are nodes, whose draft waits for the chunk. */
export const GraphEdgeSlot = memo(drawnSlot((m) => m.GraphEdge));
/** The canvas overview. */
export const MiniMapSlot = drawnSlot((m) => m.MiniMap);
/** A big graph's nodes and wires that xyflow does not hold (WireCanvas.tsx). */
export const WireLayerSlot = drawnSlot((m) => m.WireLayer);
/** A group's frame (a draft with groups but no nodes shows them once the chunk is here). */
export const GroupFrameSlot = drawnSlot((m) => m.GroupFrame);
/**
 * The placing of nodes by their drawn sizes (settle.ts): a node added before it arrives waits
 * hidden, as it waits to be drawn.
 */
export const SettleSlot = drawnSlot((m) => m.Settle);
