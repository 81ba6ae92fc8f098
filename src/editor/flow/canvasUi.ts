import type { WorkflowGroup, XY } from "../../graph";
import { definePart, type Editor } from "../store/editor";
import { useEffect, useMemo } from "react";
import { usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";

/** What was right-clicked (or had the focus when Shift+F10 was pressed). */
export type MenuTarget =
  { kind: "canvas" } | { kind: "node"; id: string } | { kind: "edge"; id: string } | { kind: "group"; id: string };

export interface MenuRequest {
  target: MenuTarget;
  /** Where the menu opens, in page pixels. */
  screen: XY;
  /** The same point on the canvas: "Add node here" puts the node there. */
  flow: XY;
}

/** The canvas's passing state, neither document nor selection: one per editor, never saved. */
export interface CanvasUiState {
  menu: MenuRequest | null;
  /** A node whose title is being renamed in place (F2, the node menu's Rename). */
  renaming: string | null;
  /** The wire a node dragged over it would be spliced into (drawn highlighted). */
  spliceWire: string | null;
  /** A wire of a big graph the wire canvas draws, handed to xyflow while the pointer is near it (flow/wireHover.ts). */
  hoverWire: string | null;
  /** The selected group (groups are not in the document's selection: they are not nodes). */
  group: string | null;
  /** A group whose title is being renamed in place. */
  renamingGroup: string | null;
  /** The selected reroute point (Delete removes it). */
  reroute: { wire: string; index: number } | null;
  /** A reroute point being dragged: drawn at `at` until it is dropped. */
  rerouteDrag: { wire: string; index: number; at: XY } | null;
  /**
   * A group being moved (by dx, dy from `from`, its frame when the drag began) with the nodes
   * and the nested groups (`groups`) inside it. Drawn so until the drop puts it in the document.
   */
  groupDrag: {
    id: string;
    from: WorkflowGroup["bounds"];
    dx: number;
    dy: number;
    nodes: readonly string[];
    groups?: readonly string[];
  } | null;
  /** The number of nodes being arranged off the main thread (flow/arrange.ts), while it runs. */
  arranging: number | null;
  /**
   * Nodes are being dragged (xyflow's drag, from its start to its drop): the inspector shows what
   * was selected before until the drop (panels/Inspector.tsx).
   */
  nodeDrag: boolean;
}

const canvasUiPart = definePart("canvasUi", (): UiStore<CanvasUiState> =>
  createUiStore<CanvasUiState>({
    menu: null,
    renaming: null,
    spliceWire: null,
    hoverWire: null,
    group: null,
    renamingGroup: null,
    reroute: null,
    rerouteDrag: null,
    groupDrag: null,
    arranging: null,
    nodeDrag: false,
  }),
);
export const canvasUiOf = (editor: Editor) => editor.part(canvasUiPart);
export const useCanvasUi = <T>(select: (s: CanvasUiState) => T): T => useUiStore(usePart(canvasUiPart), select);

/** Says in the canvas's UI state (`nodeDrag`) that nodes are being dragged, from xyflow's drag start to the drop. */
export function useNodeDragFlag() {
  const ui = usePart(canvasUiPart);
  useEffect(() => () => ui.set({ nodeDrag: false }), [ui]);
  return useMemo(() => ({ start: () => ui.set({ nodeDrag: true }), stop: () => ui.set({ nodeDrag: false }) }), [ui]);
}
