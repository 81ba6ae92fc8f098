import { Suspense, useMemo, type MouseEvent as ReactMouseEvent } from "react";
import { type Edge } from "@xyflow/react";
import { useFlowApi } from "./flowApi";
import { lazyPart, onDemand, whenIdle } from "../lazy";
import type { Editor } from "../store/editor";
import { useEditorInstance } from "../store/react";
import { canvasUiOf, useCanvasUi, type MenuTarget } from "./canvasUi";
import type { GraphFlowNode } from "./derive";

/** xyflow's right-click callbacks: each opens the menu for what is under the pointer. */
export function useContextMenuHandlers() {
  const editor = useEditorInstance();
  const flow = useFlowApi<GraphFlowNode>();
  return useMemo(() => {
    const open = (e: ReactMouseEvent | MouseEvent, target: MenuTarget) => {
      e.preventDefault();
      const screen = { x: e.clientX, y: e.clientY };
      canvasUiOf(editor).set({ menu: { target, screen, flow: flow.screenToFlowPosition(screen) } });
    };
    const { store } = editor;
    return {
      onPaneContextMenu: (e: ReactMouseEvent | MouseEvent) => open(e, { kind: "canvas" }),
      onNodeContextMenu: (e: ReactMouseEvent, n: GraphFlowNode) => {
        // As in ComfyUI: a right-click on a node outside the selection acts on that node alone.
        if (!store.getState().selection.nodes.includes(n.id)) store.setSelection({ nodes: [n.id], edges: [] });
        open(e, { kind: "node", id: n.id });
      },
      onSelectionContextMenu: (e: ReactMouseEvent, ns: GraphFlowNode[]) =>
        ns[0] ? open(e, { kind: "node", id: ns[0].id }) : open(e, { kind: "canvas" }),
      onEdgeContextMenu: (e: ReactMouseEvent, edge: Edge) => {
        store.setSelection({ nodes: [], edges: [edge.id] });
        open(e, { kind: "edge", id: edge.id });
      },
    };
  }, [editor, flow]);
}

// The menu's items (and what they need) load on the first right-click, fetched once the page is
// idle so that first menu opens at once (docs/codebase.md#the-first-load).
const MenuBody = lazyPart(() => import("./CanvasMenu"));
whenIdle(() => void MenuBody.preload().catch(() => undefined));
/** What the keyboard asks of the menu (menuActions.ts), with the menu's items or on its first key. */
export const menuActions = onDemand(() => import("./menuActions"));

/** The open context menu, if any. Rendered inside the canvas (it needs xyflow's instance). */
export function CanvasMenu() {
  const req = useCanvasUi((s) => s.menu);
  if (!req) return null;
  return (
    <Suspense fallback={null}>
      <MenuBody req={req} />
    </Suspense>
  );
}

/** Puts the node's title into its rename field (F2, the node menu). */
export function startRename(editor: Editor, id: string): void {
  canvasUiOf(editor).set({ renaming: id });
}
