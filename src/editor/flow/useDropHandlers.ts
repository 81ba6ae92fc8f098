import { useCallback, type DragEvent, type MouseEvent as ReactMouseEvent, type RefObject } from "react";
import { useReactFlow } from "@xyflow/react";
import { useEditorInstance } from "../store/react";
import { canvasViewOf } from "./view";
import type { GraphFlowNode } from "./derive";
import { placeNewNode } from "./place";

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
  const registry = store.registry;
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

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(DND_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DND_MIME);
      if (!type || !registry.get(type)) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      store.addNode(
        type,
        placeNewNode(
          registry.getOrThrow(type),
          { x: p.x - 20, y: p.y - 16 },
          store.getState().document.nodes,
          view.nodeSizes,
          flow,
        ),
      );
    },
    [store, registry, flow, view],
  );

  const openPaletteAtCenter = useCallback(() => {
    const r = canvasRef.current!.getBoundingClientRect();
    const screen = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    ui.set({ palette: { screen: { x: screen.x - 160, y: screen.y - 120 }, flow: flow.screenToFlowPosition(screen) } });
  }, [canvasRef, flow, ui]);

  return { onDoubleClick, onDragOver, onDrop, openPaletteAtCenter };
}
