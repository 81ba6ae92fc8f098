import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from "react";
import { useStoreApi, type Edge, type ReactFlowInstance, type Viewport } from "@xyflow/react";
import { useFlowApi, whenViewportReady } from "./flowApi";
import { getNodeDimensions } from "@xyflow/system";
import { useEditor, useEditorInstance, useUiApi } from "../store/react";
import { canvasViewOf, type CanvasView } from "./view";
import { geometryBounds } from "./farGeometry";
import type { GraphFlowNode } from "./derive";
import { EDGE, FIT_MAX_ZOOM, fitGraph } from "./fit";
import { TITLE_READABLE_ZOOM } from "./zoom";
import { CULL_FROM_NODES } from "./useFlowElements";
import { useRefit } from "./refit";
import { provideCanvasFit } from "../store/canvasFit";

/**
 * Whether the document just opened is a big one without a saved view that is not fitted yet, and
 * the call that says it is. Such a document is fitted before any of it is mounted (useViewportFit):
 * mounting the nodes near the old view first, only to fit the graph far out once they were all in,
 * was most of opening the 5,000-node file (docs/benchmarks.md#opening-the-5000-node-file).
 */
export function useUnfittedOpen(): [boolean, (epoch: number) => void] {
  const epoch = useEditor((s) => s.epoch);
  const opened = useEditor(
    (s) => s.epoch !== 0 && !s.scope.length && !s.document.viewport && s.view.nodes.length >= CULL_FROM_NODES,
  );
  const [done, setDone] = useState(0);
  return [opened && done !== epoch, setDone];
}

/**
 * Where the view starts and when it refits: a newly opened document, the first visit, a resized
 * canvas. Returns the viewport props for xyflow; the view is saved with the document on each move.
 */
export function useViewportFit(
  canvasRef: RefObject<HTMLDivElement | null>,
  culled: boolean,
  mounting: boolean,
  [unfitted, fittedAt]: ReturnType<typeof useUnfittedOpen>,
) {
  const editor = useEditorInstance();
  const store = editor.store;
  const view = canvasViewOf(editor);
  const epoch = useEditor((s) => s.epoch);
  const flow = useFlowApi<GraphFlowNode>();

  // Before the first paint, from the layout (every node's estimated or measured size), which the
  // canvas shares in a layout effect that ran before this one: the render that follows mounts
  // only what is near the fitted view, or nothing when that is far out.
  useLayoutEffect(() => {
    if (!unfitted) return;
    fitGraph(view, flow, { now: true });
    fittedAt(epoch);
  }, [unfitted, epoch, view, flow, fittedAt]);

  // A different document was opened: show all of it (a big one once xyflow holds all its nodes).
  // Its saved view is set once React Flow's viewport exists, but not when React Flow is there
  // already, as a reload's canvas is (its default viewport): setting it again started and ended a
  // move for nothing, and the move's end re-rendered the canvas before the first frame
  // (docs/benchmarks.md#the-first-load).
  const fitOpened = useRef(false);
  const rf = useStoreApi();
  useEffect(() => {
    if (epoch === 0) return;
    const vp = store.getState().document.viewport;
    if (!vp) return void (fitOpened.current = true);
    return whenViewportReady(rf, () => {
      const now = flow.getViewport();
      if (vp.x !== now.x || vp.y !== now.y || vp.zoom !== now.zoom) void flow.setViewport(vp);
    });
  }, [epoch, flow, store, view, rf]);
  const wasMounting = useRef(false);
  useEffect(() => {
    if (mounting) wasMounting.current = true;
    if (!fitOpened.current || mounting) return;
    fitOpened.current = false;
    const now = wasMounting.current;
    wasMounting.current = false;
    requestAnimationFrame(() => fitGraph(view, flow, { duration: 200, now }));
  }, [epoch, mounting, flow, view]);

  useScopeViewport(view, flow);

  // First visit (no saved view): fit once every node has its measured size, so tall nodes count.
  // xyflow's flag for that is followed here, not through useNodesInitialized: the hook re-rendered
  // the whole canvas when xyflow first took the nodes, before the first frame, for an effect that a
  // reload (a saved view) or an empty pipeline never runs (docs/benchmarks.md#the-first-load).
  // An empty first document is not fitted later: the first node added must not move the view.
  const firstFit = useRef(!!store.getState().document.viewport || store.getState().document.nodes.length === 0);
  // Shown on the canvas (data-view="ready"): until then the view may still jump, e.g. under a press.
  const [ready, setReady] = useState(firstFit.current);
  useEffect(() => {
    if (firstFit.current || mounting) return;
    const fit = () => {
      if (firstFit.current) return;
      firstFit.current = true;
      fitGraph(view, flow);
      setReady(true);
    };
    if (rf.getState().nodesInitialized) return fit();
    const off = rf.subscribe((s) => void (s.nodesInitialized && fit()));
    // Culled big graphs never measure every node, but every node has an estimated size: fit on the
    // next frame. The timeout is for anything else that never settles.
    const t = setTimeout(fit, culled ? 0 : 1000);
    return () => {
      off();
      clearTimeout(t);
    };
  }, [rf, flow, culled, view, mounting]);

  // A fitted view stays fitted when the window or the room above the canvas changes.
  useRefit(canvasRef, view, flow);
  // The lesson card, below the canvas, has the graph fitted beside it through the editor.
  useEffect(() => provideCanvasFit(editor, (beside) => fitGraph(view, flow, { beside })), [editor, view, flow]);

  const onMoveStart = useCallback(
    (e: MouseEvent | TouchEvent | null) => {
      if (e) view.fitted = false;
      view.fit.moveStarted(!!e);
      view.motion.set(true);
    },
    [view],
  );
  const onMoveEnd = useCallback(
    (_: unknown, vp: Viewport) => {
      view.motion.set(false);
      store.setViewport(vp);
    },
    [store, view],
  );
  const defaultViewport = useMemo(() => store.getState().viewport, [store]);
  return { onMoveStart, onMoveEnd, defaultViewport, ready };
}

/** Reveals a node asked for by the problems list or the request view. */
export function useFocusReveal() {
  const ui = useUiApi();
  const editor = useEditorInstance();
  const flow = useFlowApi<GraphFlowNode>();
  const lastFocus = useRef(0);
  useEffect(() => {
    const off = ui.subscribe(() => {
      const f = ui.get().focus;
      if (!f || f.nonce === lastFocus.current) return;
      lastFocus.current = f.nonce;
      const box = nodeBox(canvasViewOf(editor), flow, f.nodeId);
      if (!box) return;
      flow.setCenter(box.x + box.width / 2, box.y + box.height / 2, {
        zoom: Math.max(flow.getZoom(), 0.9),
        duration: 250,
      });
    });
    return () => void off();
  }, [flow, ui, editor]);
}

/**
 * Zooms to one node so that its fields read: zoom 1, or less for a node wider than the canvas, but
 * never below TITLE_READABLE_ZOOM. The node is centred where it fits, else its top left corner (its
 * first fields) is in view. A double click on a light card does it (docs/canvas.md).
 */
export function useZoomToNode() {
  const editor = useEditorInstance();
  const flow = useFlowApi<GraphFlowNode>();
  return useCallback(
    (id: string) => {
      const view = canvasViewOf(editor);
      const box = nodeBox(view, flow, id);
      const pane = document.querySelector<HTMLElement>(".canvas .react-flow");
      if (!box || !pane) return;
      const { clientWidth: w, clientHeight: h } = pane;
      const zoom = Math.min(FIT_MAX_ZOOM, Math.max(TITLE_READABLE_ZOOM, (w - 2 * EDGE) / box.width));
      const along = (at: number, size: number, room: number) =>
        size * zoom + 2 * EDGE <= room ? (room - size * zoom) / 2 - at * zoom : EDGE - at * zoom;
      // The user asked for this view: like a pan, it is never re-fitted.
      view.fitted = false;
      void flow.setViewport({ x: along(box.x, box.width, w), y: along(box.y, box.height, h), zoom }, { duration: 250 });
    },
    [editor, flow],
  );
}

/**
 * Where node `id` is: xyflow's own node when it holds it, else the big graph's layout (it holds
 * only those near the view).
 */
function nodeBox(view: CanvasView, flow: ReactFlowInstance<GraphFlowNode, Edge>, id: string) {
  const n = flow.getInternalNode(id);
  if (n) {
    const { x, y } = n.internals.positionAbsolute;
    // Measured, else the estimate the node was derived with (its initial size).
    return { x, y, ...getNodeDimensions(n) };
  }
  const g = view.layout.get();
  return g ? geometryBounds(g, [id]) : null;
}

/**
 * Entering a component shows all of it; leaving puts the view back where it was at that level
 * (docs/components.md#the-editor).
 */
function useScopeViewport(view: ReturnType<typeof canvasViewOf>, flow: ReactFlowInstance<GraphFlowNode, Edge>) {
  const where = useEditor((s) => s.scope.map((x) => x.instance).join("\u001f"));
  const last = useRef(where);
  // With whether it was still fitted: a view the user had moved is not refitted once back at it.
  const saved = useRef(new Map<string, { vp: Viewport; fitted: boolean }>());
  useEffect(() => {
    if (where === last.current) return;
    saved.current.set(last.current, { vp: flow.getViewport(), fitted: view.fitted });
    last.current = where;
    const back = saved.current.get(where);
    if (back) {
      view.fitted = back.fitted;
      return void flow.setViewport(back.vp);
    }
    // The inner nodes mount now: fit them on the next frame, once xyflow holds them (the fit waits
    // for their sizes). The breadcrumb may come later (its code loads on demand): the fit then
    // follows it (refit.ts).
    const raf = requestAnimationFrame(() => fitGraph(view, flow, { duration: 200 }));
    return () => cancelAnimationFrame(raf);
  }, [where, flow, view]);
}
