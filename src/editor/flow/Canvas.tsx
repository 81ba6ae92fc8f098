import { useRef } from "react";
import { Background, BackgroundVariant, ReactFlow, useStore, type Edge } from "@xyflow/react";
import { useEditor } from "../store/react";
import type { GraphFlowNode } from "./derive";
import { GraphNode, LOD_ZOOM } from "./GraphNode";
import { GraphEdge } from "./GraphEdge";
import { CanvasControls, EmptyCanvas, WireHint } from "./CanvasChrome";
import { useFlowElements } from "./useFlowElements";
import { useFocusReveal, useViewportFit } from "./useViewport";
import { useWiring } from "./useWiring";
import { useDropHandlers } from "./useDropHandlers";
import { CanvasMenu, useContextMenuHandlers } from "./contextMenu";
import "./comforts.css";

/** Built once: a new object per render would make xyflow remount every node. */
const nodeTypes = { graph: GraphNode };
const edgeTypes = { default: GraphEdge };
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
  const empty = useEditor((s) => s.document.nodes.length === 0);
  const { nodes, edges, culled, onNodesChange, onEdgesChange, onNodeDragStop } = useFlowElements();
  const { onMoveStart, onMoveEnd, defaultViewport } = useViewportFit(canvasRef, culled);
  useFocusReveal();
  const wires = useWiring();
  const { onDoubleClick, onDragOver, onDrop, openPaletteAtCenter } = useDropHandlers(canvasRef);
  const menus = useContextMenuHandlers();
  const far = useStore((s) => s.transform[2] < LOD_ZOOM);

  return (
    <div
      ref={canvasRef}
      className={`canvas ${far ? "far" : ""}`}
      onDoubleClick={onDoubleClick}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onPointerMove={wires.onPointerMove}
    >
      <ReactFlow<GraphFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={wires.onConnect}
        onConnectStart={wires.onConnectStart}
        onConnectEnd={wires.onConnectEnd}
        isValidConnection={wires.isValidConnection}
        edgeTypes={edgeTypes}
        onReconnect={wires.onReconnect}
        onReconnectStart={wires.onReconnectStart}
        onReconnectEnd={wires.onReconnectEnd}
        onPaneContextMenu={menus.onPaneContextMenu}
        onNodeContextMenu={menus.onNodeContextMenu}
        onSelectionContextMenu={menus.onSelectionContextMenu}
        onEdgeContextMenu={menus.onEdgeContextMenu}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        defaultViewport={defaultViewport}
        minZoom={0.1}
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
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#2a2f3a" />
        <CanvasControls empty={empty} />
      </ReactFlow>
      {empty && <EmptyCanvas onAddNode={openPaletteAtCenter} />}
      <WireHint />
      <CanvasMenu />
    </div>
  );
}
