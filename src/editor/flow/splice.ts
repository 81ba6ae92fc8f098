import { useCallback, useRef } from "react";
import { componentRegistry, planSplice, type ComponentDefinition, type WorkflowNode, type XY } from "../../graph";
import type { Editor } from "../store/editor";
import { useEditorInstance } from "../store/react";
import { canvasUiOf } from "./canvasUi";
import type { GraphFlowNode } from "./derive";

/**
 * Dragging a node type from the sidebar also carries it as a format of its own: a drop target may
 * read the data only on drop, but it may read the formats while the drag passes over it, which is
 * when a wire must light up if the type fits it.
 */
const TYPE_FORMAT = "application/x-lora-graph-type.";
export const typeFormat = (type: string) => TYPE_FORMAT + type;
export const draggedType = (types: readonly string[]): string | undefined =>
  types.find((t) => t.startsWith(TYPE_FORMAT))?.slice(TYPE_FORMAT.length);

/** The wire under a point on the page (its wide, invisible hit path counts), other than `skip`'s. */
export function wireAt(p: XY, skip: (id: string) => boolean = () => false): string | null {
  for (const el of document.elementsFromPoint(p.x, p.y)) {
    const id = el.closest<SVGGElement>(".react-flow__edge")?.dataset.id;
    if (id && !skip(id)) return id;
  }
  return null;
}

/**
 * The wire `node` would be spliced into if dropped at `p`, lit up on the canvas; null (and nothing
 * lit) when there is none or the node does not fit it. `components` are the definitions a library
 * component brings with it: the pipeline's registry knows its ports only once the drop adds them.
 */
export function showSpliceTarget(
  editor: Editor,
  p: XY,
  node: WorkflowNode,
  components?: readonly ComponentDefinition[],
): string | null {
  const { document: doc } = editor.store.getState();
  const wire = wireAt(p, (id) => {
    const e = doc.edges.find((x) => x.id === id);
    return !e || e.source === node.id || e.target === node.id;
  });
  const ui = canvasUiOf(editor);
  const registry = componentRegistry(editor.store.registry, components);
  const fits = wire && planSplice(doc, wire, node, registry).ok ? wire : null;
  if (ui.get().spliceWire !== fits) ui.set({ spliceWire: fits });
  return fits;
}

export function clearSpliceTarget(editor: Editor): string | null {
  const ui = canvasUiOf(editor);
  const wire = ui.get().spliceWire;
  if (wire) ui.set({ spliceWire: null });
  return wire;
}

/**
 * Dragging one node over a wire it fits lights the wire; dropping it there splices it in, moved
 * and wired in one undo step (store.spliceNode). Dragging several nodes never splices.
 */
export function useSpliceDrag(moveNodes: (dragged: GraphFlowNode[]) => void) {
  const editor = useEditorInstance();
  const last = useRef<XY>({ x: 0, y: 0 });
  const onNodeDrag = useCallback(
    (e: MouseEvent | TouchEvent, _n: GraphFlowNode, dragged: GraphFlowNode[]) => {
      const pt = "touches" in e ? e.touches[0] : e;
      if (!pt) return;
      last.current = { x: pt.clientX, y: pt.clientY };
      const node = dragged.length === 1 && editor.store.getState().view.nodes.find((n) => n.id === dragged[0].id);
      if (node) showSpliceTarget(editor, last.current, node);
      else clearSpliceTarget(editor);
    },
    [editor],
  );
  const onNodeDragStop = useCallback(
    (_e: unknown, _n: GraphFlowNode, dragged: GraphFlowNode[]) => {
      const wire = clearSpliceTarget(editor);
      if (wire && dragged.length === 1) {
        const { id, position } = dragged[0];
        const r = editor.store.spliceNode(id, wire, [
          { id, position: { x: Math.round(position.x), y: Math.round(position.y) } },
        ]);
        if (r.ok) return moveNodes([]);
      }
      moveNodes(dragged);
    },
    [editor, moveNodes],
  );
  return { onNodeDrag, onNodeDragStop };
}
