import { useCallback, type DragEvent, type MouseEvent as ReactMouseEvent, type RefObject } from "react";
import { useFlowApi } from "./flowApi";
import { useEditorInstance } from "../store/react";
import { warmImportDoor } from "../store/importDoor";
import type { Editor } from "../store/editor";
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
import { addNodeOrSay, nodeTypeFor } from "../library/components";

/** A file, or an image's https URL dragged from another tab; nothing for a node type from the sidebar. */
function droppedItem(dt: DataTransfer): { file: File } | { url: string } | null {
  const file = dt.files?.[0];
  if (file) return { file };
  if (dt.types.includes(DND_MIME)) return null;
  const url = (dt.getData("text/uri-list") || "").split(/\r?\n/).find((l) => l && !l.startsWith("#"));
  return url && /^https:\/\//i.test(url.trim()) ? { url: url.trim() } : null;
}

/** The node, input port and field under the pointer, read from the DOM the node views draw. */
function dropTarget(el: Element | null): { nodeId?: string; port?: string; field?: string } {
  const node = el?.closest<HTMLElement>(".react-flow__node");
  if (!node?.dataset.id) return {};
  const port = el?.closest<HTMLElement>(".port.in")?.dataset.port;
  const field = el?.closest<HTMLElement>("[data-field]")?.dataset.field;
  return { nodeId: node.dataset.id, ...(port ? { port } : {}), ...(field ? { field } : {}) };
}

/**
 * A file on its way: the drop's code and the import door's, fetched side by side while it is
 * dragged over the canvas (each drop otherwise waited for one, then the other, then read the file).
 */
function warmDrop(editor: Editor) {
  void import("../files/drop").catch(() => undefined);
  warmImportDoor(editor);
  void import("../load/loadOffThread").then(
    (m) => m.warmLoader(),
    () => undefined,
  );
}

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
  const flow = useFlowApi<GraphFlowNode>();

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
      const types = e.dataTransfer.types;
      if (!types.includes(DND_MIME) && !types.includes("Files") && !types.includes("text/uri-list")) return;
      e.preventDefault();
      if (types.includes("Files")) warmDrop(editor);
      e.dataTransfer.dropEffect = "copy";
      // Over a wire the type fits, the wire lights up: dropping there puts the node into it.
      const type = draggedType(e.dataTransfer.types);
      const found = type ? nodeTypeFor(editor, type) : undefined;
      if (found)
        showSpliceTarget(editor, { x: e.clientX, y: e.clientY }, draftNode(found.def), found.options.components);
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
      const dropped = droppedItem(e.dataTransfer);
      if (dropped) {
        e.preventDefault();
        const target = dropTarget(e.target as Element | null);
        const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
        const place = (def: NodeDefinition) =>
          placeNewNode(def, at, store.getState().view.nodes, view.nodeSizes, flow, target.port ? "target" : undefined);
        warmDrop(editor);
        void import("../files/drop").then(
          (m) => m.dropOnCanvas(editor, dropped, { ...target, place }),
          (err: unknown) => ui.toast(`The drop could not be used: ${(err as Error).message}`, "error", 6000),
        );
        return;
      }
      const type = e.dataTransfer.getData(DND_MIME);
      // A library component brings its definitions along (library/components.ts).
      const found = type ? nodeTypeFor(editor, type) : undefined;
      if (!found) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNodeOrSay(
        editor,
        type,
        placeNewNode(found.def, { x: p.x - 20, y: p.y - 16 }, store.getState().view.nodes, view.nodeSizes, flow),
        { ...found.options, ...(wire ? { spliceInto: wire } : {}) },
      );
    },
    [editor, ui, store, flow, view],
  );

  const openPaletteAtCenter = useCallback(() => {
    const r = canvasRef.current!.getBoundingClientRect();
    const screen = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    ui.set({ palette: { screen: { x: screen.x - 160, y: screen.y - 120 }, flow: flow.screenToFlowPosition(screen) } });
  }, [canvasRef, flow, ui]);

  return { onDoubleClick, onDragOver, onDragLeave, onDrop, openPaletteAtCenter };
}
