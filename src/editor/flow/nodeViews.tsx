/**
 * A node's own pictures, by the kind its definition declares (src/graph/views.ts): the canvas
 * strip inside the node and the section in the inspector. The editor never asks which node type
 * it is drawing; it looks the declared kind up here (docs/codebase.md#node-views).
 *
 * Always loaded, so it stays tiny: each view's code (and the schedule math) loads the first time
 * a node that declares it is shown. The canvas leaves its view out in the zoomed-out mode.
 */
import { lazy, Suspense, useEffect, useState, type ComponentType, type LazyExoticComponent } from "react";
import type { CanvasViewKind, InspectorViewKind, NodeDefinition } from "../../graph";
import type { NodeViewProps } from "../kit/nodeView";
import { useEditor } from "../store/react";
import { CULL_FROM_NODES } from "./useFlowElements";

type View = LazyExoticComponent<ComponentType<NodeViewProps>>;

const strips = () => import("../teach/NodeStripsView");
const sections = () => import("../teach/NodeTeach");
const view = (load: () => Promise<ComponentType<NodeViewProps>>): View =>
  lazy(() => load().then((c) => ({ default: c })));

const CANVAS_VIEWS = {
  "denoise-strip": view(() => strips().then((m) => m.SamplerStrip)),
  "schedule-spark": view(() => strips().then((m) => m.SchedulerSpark)),
  "model-file": view(() => import("../files/ModelFileView").then((m) => m.ModelFileView)),
} satisfies Record<CanvasViewKind, View>;

const INSPECTOR_VIEWS = {
  "denoise-timeline": view(() => sections().then((m) => m.DenoiseTimelineSection)),
  "control-window": view(() => sections().then((m) => m.ControlWindowSection)),
  "schedule-plot": view(() => sections().then((m) => m.SchedulePlotSection)),
} satisfies Record<InspectorViewKind, View>;

type Props = NodeViewProps & { def: NodeDefinition };

/** The node's canvas view, if its definition declares one. */
export function NodeCanvasView({ def, nodeId, params }: Props) {
  const kind = def.views?.canvas;
  const big = useEditor((s) => s.view.nodes.length >= CULL_FROM_NODES);
  const ready = useIdle(!kind || !big);
  if (!kind) return null;
  const View = CANVAS_VIEWS[kind];
  // The placeholder keeps roughly the strip's height so the node does not jump when it loads.
  const wait = <div className="nstrip-wait" style={{ height: 30 }} />;
  if (!ready) return wait;
  return (
    <Suspense fallback={wait}>
      <View nodeId={nodeId} params={params} />
    </Suspense>
  );
}

/**
 * True at once when `now`, else from the first idle moment after mounting. In a big graph a view
 * reads much of the document (the Sampler's timeline walks every ControlNet upstream: ~160 ms on
 * a busy machine with 5,000 nodes), and as part of the node's own mount it lengthened the task
 * that mounts the first nodes of a file being opened.
 */
function useIdle(now: boolean): boolean {
  const [idle, setIdle] = useState(now);
  useEffect(() => {
    if (idle || now) return;
    if (typeof requestIdleCallback !== "function") {
      const t = setTimeout(() => setIdle(true), 50);
      return () => clearTimeout(t);
    }
    const h = requestIdleCallback(() => setIdle(true), { timeout: 1500 });
    return () => cancelIdleCallback(h);
  }, [idle, now]);
  return idle || now;
}

/** The node's inspector section, if its definition declares one. */
export function NodeInspectorView({ def, nodeId, params }: Props) {
  const kind = def.views?.inspector;
  if (!kind) return null;
  const View = INSPECTOR_VIEWS[kind];
  return (
    <Suspense fallback={null}>
      <View nodeId={nodeId} params={params} />
    </Suspense>
  );
}
