import { useCallback, useEffect, useRef, useState, type MouseEvent as ReactMouseEvent, type RefObject } from "react";
import { ReactFlow, useStore, useStoreApi, type Edge } from "@xyflow/react";
import { useEditor, useEditorInstance } from "../store/react";
import { useOpeningFile } from "../store/importDoor";
import type { GraphFlowNode } from "./derive";
import { LIGHT_ZOOM, LOD_ZOOM, TITLE_READABLE_ZOOM } from "./zoom";
import { GraphEdgeSlot, GraphNodeSlot, SettleSlot, WireLayerSlot } from "./drawnSlots";
import { CanvasControls, EmptyCanvas, WireHint } from "./CanvasChrome";
import { useFlowElements } from "./useFlowElements";
import { useFocusReveal, useUnfittedOpen, useViewportFit, useZoomToNode } from "./useViewport";
import { useWiring } from "./useWiring";
import { useDropHandlers } from "./useDropHandlers";
import { Uploads } from "../files/Uploads";
import { CanvasMenu, useContextMenuHandlers } from "./contextMenu";
import { useSpliceDrag } from "./splice";
import { Breadcrumb, MakeComponentDialog, useInstanceDoubleClick } from "../components/ui";
import { VersionDialogs } from "../components/versionUi";
import "./comforts.css";
import { onDemand } from "../lazy";
import { GroupsLayer } from "./Groups";
import { DotGrid } from "./DotGrid";
import { MIN_ZOOM } from "./fit";
import { MountProgress } from "./mountSlices";
import { canvasUiOf, useNodeDragFlag } from "./canvasUi";
import { useRectSelection } from "./rectSelect";

/**
 * Only big graphs zoomed far out need it: loaded once a graph is big enough to be culled, then kept
 * (its geometry with it).
 */
const farLayer = onDemand(() => import("./FarLayer"));

/** Built once: a new object per render would make xyflow remount every node. */
const nodeTypes = { graph: GraphNodeSlot };
const edgeTypes = { default: GraphEdgeSlot };
/*
 * Props handed to xyflow are built once (or memoised): a fresh object or closure on each render
 * makes xyflow push it into its store, re-running every node's and the minimap's selectors.
 */
const MULTI_SELECT_KEYS = ["Meta", "Control", "Shift"];
const PRO_OPTIONS = { hideAttribution: true };
const DEFAULT_EDGE_OPTIONS = { type: "default" };

/** The graph canvas: xyflow over the editor store. Each concern lives in its own hook. */
export function Canvas() {
  const canvasRef = useRef<HTMLDivElement>(null);
  const empty = useEditor((s) => s.view.nodes.length === 0);
  const far = useStore((s) => s.transform[2] < LOD_ZOOM);
  // A document opened with a far view is far before xyflow takes its viewport (an effect later):
  // otherwise xyflow would mount every node of a big graph for one frame (1,000 nodes: seconds).
  const savedFar = useEditor((s) => !s.scope.length && s.viewport.zoom < LOD_ZOOM);
  // A big file opened without a saved view: on the far canvas until it is fitted (before the first paint).
  const unfitted = useUnfittedOpen();
  const { nodes, edges, layout, near, progress, culled, onCanvas, onNodesChange, onEdgesChange, onNodeDragStop } =
    useFlowElements(far || savedFar, unfitted[0]);
  const { onMoveStart, onMoveEnd, defaultViewport, ready } = useViewportFit(canvasRef, culled, !!progress, unfitted);
  useFocusReveal();
  useRectSelection(culled);
  useZoomType(canvasRef);
  const FarLayer = useFarLayer(culled);
  const wires = useWiring();
  const { onDoubleClick, onDragOver, onDragLeave, onDrop, openPaletteAtCenter } = useDropHandlers(canvasRef);
  const menus = useContextMenuHandlers();
  const nodeDrag = useNodeDragFlag();
  const splice = useSpliceDrag(
    useCallback(
      (dragged) => {
        onNodeDragStop(null, null!, dragged);
        nodeDrag.stop();
      },
      [onNodeDragStop, nodeDrag],
    ),
  );
  const inside = useEditor((s) => s.scope.length > 0);
  const editor = useEditorInstance();
  const onNodeDoubleClick = useNodeDoubleClick();
  const onPaneClick = useCallback(() => {
    const ui = canvasUiOf(editor);
    if (ui.get().group || ui.get().reroute) ui.set({ group: null, reroute: null });
  }, [editor]);

  return (
    <div
      ref={canvasRef}
      className={`canvas ${far ? "far" : ""} ${onCanvas ? "far-canvas" : ""} ${inside ? "in-component" : ""}`}
      data-mounted={nodes.length}
      data-view={ready ? "ready" : "fitting"}
      onDoubleClick={onDoubleClick}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      onPointerMove={wires.onPointerMove}
    >
      <ReactFlow<GraphFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={nodeDrag.start}
        onNodeDrag={splice.onNodeDrag}
        onNodeDragStop={splice.onNodeDragStop}
        onNodeDoubleClick={onNodeDoubleClick}
        onConnect={wires.onConnect}
        onConnectStart={wires.onConnectStart}
        onConnectEnd={wires.onConnectEnd}
        isValidConnection={wires.isValidConnection}
        edgeTypes={edgeTypes}
        onReconnect={wires.onReconnect}
        onReconnectStart={wires.onReconnectStart}
        onReconnectEnd={wires.onReconnectEnd}
        onPaneClick={onPaneClick}
        onPaneContextMenu={menus.onPaneContextMenu}
        onNodeContextMenu={menus.onNodeContextMenu}
        onSelectionContextMenu={menus.onSelectionContextMenu}
        onEdgeContextMenu={menus.onEdgeContextMenu}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        defaultViewport={defaultViewport}
        minZoom={MIN_ZOOM}
        maxZoom={2.5}
        zoomOnDoubleClick={false}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        connectionRadius={28}
        onlyRenderVisibleElements={culled}
        colorMode="dark"
        proOptions={PRO_OPTIONS}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
      >
        <DotGrid />
        <GroupsLayer />
        <SettleSlot />
        {near && <WireLayerSlot near={near} />}
        {culled && FarLayer && <FarLayer active={onCanvas} layout={layout} />}
        <CanvasControls empty={empty} />
      </ReactFlow>
      {empty && <EmptyCanvas onAddNode={openPaletteAtCenter} />}
      <MountProgress progress={progress} />
      <WireHint />
      <Uploads />
      <Breadcrumb />
      <CanvasMenu />
      <MakeComponentDialog />
      <VersionDialogs />
    </div>
  );
}

/**
 * A double click on a node: a light card zooms to its node, where its fields are (editing is one
 * double click away at any zoom); a full instance opens.
 */
function useNodeDoubleClick() {
  const open = useInstanceDoubleClick();
  const zoomTo = useZoomToNode();
  return useCallback(
    (e: ReactMouseEvent, node: GraphFlowNode) => {
      const on = e.target as Element;
      const card = !on.closest?.("input, textarea, select, button, .run-strip") && on.closest?.(".gnode.light");
      if (card) zoomTo(node.id);
      else open(e, node);
    },
    [open, zoomTo],
  );
}

/**
 * FarLayer, once its chunk is here: fetched when a big file starts opening (named over the canvas
 * while it is read, so the fetch runs beside the loader) or a graph is big enough to be culled.
 * Not through React.lazy and Suspense: React holds a Suspense boundary's reveal back for 300 ms,
 * which was a third of the first render of a 1,000-node graph opened fitted.
 */
function useFarLayer(culled: boolean) {
  const opening = !!useOpeningFile(useEditorInstance());
  const [mod, setMod] = useState(farLayer.current);
  useEffect(() => {
    if (mod || !(culled || opening)) return;
    let live = true;
    farLayer.load().then(
      (m) => live && setMod(m),
      () => undefined,
    );
    return () => void (live = false);
  }, [mod, culled, opening]);
  return mod?.FarLayer ?? null;
}

/**
 * Screen-size type at any zoom, set as CSS variables on the canvas outside React (a re-render per
 * wheel notch would cost every node a render): `--light-inv` (1 / zoom) below LIGHT_ZOOM, for the
 * light form's title and key value; `--inv-zoom` (1 / zoom) below LOD_ZOOM, for group frames;
 * `--title-scale` between LOD_ZOOM and TITLE_READABLE_ZOOM, which enlarges titles shown in a node's
 * fixed-height head (full or collapsed nodes, group bars) just enough to stay readable; and the
 * attribute `data-light-zoom` below LIGHT_ZOOM, where a collapsed node's title is written as a card's
 * (comforts.css). An attribute, not a class: React sets the canvas's class on each render.
 */
function useZoomType(ref: RefObject<HTMLDivElement | null>) {
  const rf = useStoreApi();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let last = "";
    const set = (k: number) => {
      const light = k < LIGHT_ZOOM ? (1 / k).toFixed(3) : "1";
      const inv = k < LOD_ZOOM ? (1 / k).toFixed(3) : "1";
      const title = k < LOD_ZOOM ? "1" : Math.max(1, TITLE_READABLE_ZOOM / k).toFixed(2);
      if (`${light} ${inv} ${title}` === last) return;
      last = `${light} ${inv} ${title}`;
      el.style.setProperty("--light-inv", light);
      el.style.setProperty("--inv-zoom", inv);
      el.style.setProperty("--title-scale", title);
      el.toggleAttribute("data-light-zoom", k < LIGHT_ZOOM);
    };
    set(rf.getState().transform[2]);
    return rf.subscribe((s, prev) => {
      if (s.transform[2] !== prev.transform[2]) set(s.transform[2]);
    });
  }, [ref, rf]);
}
