import { useCallback, type DragEvent, type MouseEvent as ReactMouseEvent, type RefObject } from "react";
import { useReactFlow } from "@xyflow/react";
import { useEditorInstance } from "../store/react";
import { canvasViewOf } from "./view";
import type { GraphFlowNode } from "./derive";
import { placeNewNode } from "./place";
import { clearSpliceTarget, draggedType, showSpliceTarget } from "./splice";
import type { NodeDefinition, WorkflowNode } from "../../graph";

/** The node a dragged type would become, to judge which wires it fits before it exists. */
const draftNode = (def: NodeDefinition): WorkflowNode => ({
  id: "\u0000dragged",
  type: def.type,
  typeVersion: def.version,
  position: { x: 0, y: 0 },
  params: {},
});
import { nodeTypeFor } from "../library/components";

/** What the sidebar puts on a dragged node type. */
export const DND_MIME = "application/x-lora-graph-node";

/**
 * Adding nodes on the canvas: a node type dropped from the sidebar, and the palette opened by a
 * double-click on empty canvas or at the canvas centre (the empty state's button).
 */
export function useDropHandlers(canvasRef: RefObject<HTMLDivElement | null>) {
  const editor = useEditorInstance();
  const { store, ui } = editor;
  const view = canvasViewOf(editor);
  const flow = useReactFlow<GraphFlowNode>();

  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!(e.target as Element).classList?.contains("react-flow__pane")) return;
      ui.set({
        palette: {
          screen: { x: e.clientX, y: e.clientY },
          flow: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }),
        },
      });
    },
    [flow, ui],
  );

  const onDragOver = useCallback(
    (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(DND_MIME)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
      // Over a wire the type fits, the wire lights up: dropping there puts the node into it.
      const type = draggedType(e.dataTransfer.types);
      const def = type ? nodeTypeFor(editor, type)?.def : undefined;
      if (def) showSpliceTarget(editor, { x: e.clientX, y: e.clientY }, draftNode(def));
    },
    [editor],
  );

  const onDragLeave = useCallback(
    (e: DragEvent) => {
      if (!(e.currentTarget as Element).contains(e.relatedTarget as Node | null)) clearSpliceTarget(editor);
    },
    [editor],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const wire = clearSpliceTarget(editor);
      const type = e.dataTransfer.getData(DND_MIME);
      // A library component brings its definitions along (library/components.ts).
      const found = type ? nodeTypeFor(editor, type) : undefined;
      if (!found) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      store.addNode(
        type,
        placeNewNode(found.def, { x: p.x - 20, y: p.y - 16 }, store.getState().document.nodes, view.nodeSizes, flow),
        { ...found.options, ...(wire ? { spliceInto: wire } : {}) },
      );
    },
    [editor, store, flow, view],
  );

  const openPaletteAtCenter = useCallback(() => {
    const r = canvasRef.current!.getBoundingClientRect();
    const screen = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    ui.set({ palette: { screen: { x: screen.x - 160, y: screen.y - 120 }, flow: flow.screenToFlowPosition(screen) } });
  }, [canvasRef, flow, ui]);

  return { onDoubleClick, onDragOver, onDragLeave, onDrop, openPaletteAtCenter };
}
