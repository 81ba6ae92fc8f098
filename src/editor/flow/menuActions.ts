/**
 * What the keyboard asks of the canvas menu and the menu's items need, outside the menu itself:
 * opening it for the selection (Shift+F10), a node into the selected wire (Space or Tab), the
 * node's explanation (I). Loaded with the menu's items (CanvasMenu.tsx) and by the first such key
 * (`menuActions` in contextMenu.tsx), not in the first load (docs/codebase.md#the-first-load).
 */
import type { useReactFlow } from "@xyflow/react";
import type { XY } from "../../graph";
import type { Editor } from "../store/editor";
import { canvasUiOf, type MenuTarget } from "./canvasUi";
import type { GraphFlowNode } from "./derive";

type Flow = ReturnType<typeof useReactFlow<GraphFlowNode>>;

/**
 * The menu for what is selected, at that thing on screen: the keyboard's way in (Shift+F10, the
 * Menu key), where a right-click is the mouse's.
 */
export function openMenuForSelection(editor: Editor, flow: Pick<Flow, "screenToFlowPosition">): void {
  const { nodes, edges } = editor.store.getState().selection;
  const pane = document.querySelector(".canvas .react-flow")?.getBoundingClientRect();
  const centre = pane ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 } : { x: 200, y: 200 };
  let target: MenuTarget = { kind: "canvas" };
  let screen = centre;
  const nodeEl = nodes.length ? document.querySelector(`.react-flow__node[data-id="${CSS.escape(nodes[0])}"]`) : null;
  if (nodeEl) {
    const r = nodeEl.getBoundingClientRect();
    target = { kind: "node", id: nodes[0] };
    screen = { x: r.left + Math.min(r.width / 2, 120), y: r.top + 28 };
  } else if (edges.length) {
    target = { kind: "edge", id: edges[0] };
    screen = wireMiddle(edges[0]) ?? centre;
  }
  canvasUiOf(editor).set({ menu: { target, screen, flow: flow.screenToFlowPosition(screen) } });
}

/** The middle of a drawn wire, in page pixels. */
function wireMiddle(edgeId: string): XY | null {
  const path = document.querySelector<SVGPathElement>(
    `.react-flow__edge[data-id="${CSS.escape(edgeId)}"] path.react-flow__edge-path`,
  );
  const ctm = path?.getScreenCTM();
  if (!path || !ctm) return null;
  const p = path.getPointAtLength(path.getTotalLength() / 2);
  return { x: ctm.a * p.x + ctm.c * p.y + ctm.e, y: ctm.b * p.x + ctm.d * p.y + ctm.f };
}

/** The add-node search for a node to put into a wire: it lists the nodes that take the wire's kind. */
export function openInsertPalette(editor: Editor, wireId: string, screen: XY, flow: XY): void {
  const { document: doc } = editor.store.getState();
  const e = doc.edges.find((x) => x.id === wireId);
  const source = e && doc.nodes.find((n) => n.id === e.source);
  const kind = source && editor.store.registry.get(source.type)?.outputs.find((p) => p.id === e.sourceHandle)?.kind;
  if (!e || !kind) return;
  editor.ui.set({ palette: { screen, flow, spliceInto: { wireId, kind } } });
}

/** Space or Tab with one wire selected (and no node): insert a node into it, at its middle. */
export function insertIntoSelectedWire(editor: Editor, flow: Pick<Flow, "screenToFlowPosition">): boolean {
  const { nodes, edges } = editor.store.getState().selection;
  if (nodes.length || edges.length !== 1) return false;
  const screen = wireMiddle(edges[0]);
  if (!screen) return false;
  openInsertPalette(editor, edges[0], screen, flow.screenToFlowPosition(screen));
  return true;
}

/** Shows what a node does: its explanation at the top of the inspector, flashed. */
export function explainNode(editor: Editor, id: string): void {
  editor.store.setSelection({ nodes: [id], edges: [] });
  editor.ui.focus(id);
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const el = document.querySelector<HTMLElement>(".inspector .insp-desc");
      if (!el) return;
      el.scrollIntoView({ block: "nearest" });
      el.classList.add("flash");
      setTimeout(() => el.classList.remove("flash"), 1200);
    }),
  );
}
