import { useCallback, useMemo, type MouseEvent as ReactMouseEvent } from "react";
import { useReactFlow, type Edge } from "@xyflow/react";
import type { XY } from "../../graph";
import { Menu, type MenuItem } from "../kit/Menu";
import type { Editor } from "../store/editor";
import { sayRefusal } from "../store/ui";
import { useEditorInstance } from "../store/react";
import { canvasUiOf, useCanvasUi, type MenuRequest, type MenuTarget } from "./canvasUi";
import { pasteFromClipboard } from "../shortcuts";
import type { GraphFlowNode } from "./derive";
import { useArrange } from "./useArrange";
import { componentMenuItems } from "../components/ui";
import { GROUP_COLORS } from "../store/canvasCommands";
import { GROUP_COLOR_NAMES, groupSelection } from "./Groups";
import { rerouteIndex, wireEndsOf } from "./reroute";

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

/** xyflow's right-click callbacks: each opens the menu for what is under the pointer. */
export function useContextMenuHandlers() {
  const editor = useEditorInstance();
  const flow = useReactFlow<GraphFlowNode>();
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

/** The open context menu, if any. Rendered inside the canvas (it needs xyflow's instance). */
export function CanvasMenu() {
  const editor = useEditorInstance();
  const req = useCanvasUi((s) => s.menu);
  const arrange = useArrange();
  const close = useCallback(() => canvasUiOf(editor).set({ menu: null }), [editor]);
  if (!req) return null;
  const items = menuItems(editor, req, arrange);
  const label = { canvas: "Canvas", node: "Node", edge: "Wire", group: "Group" }[req.target.kind];
  return <Menu label={`${label} menu`} at={req.screen} items={items} onClose={close} />;
}

function menuItems(editor: Editor, req: MenuRequest, arrange: () => Promise<void>): MenuItem[] {
  switch (req.target.kind) {
    case "canvas":
      return canvasItems(editor, req, arrange);
    case "node":
      return nodeItems(editor, req.target.id);
    case "edge":
      return edgeItems(editor, req.target.id, req);
    case "group":
      return groupItems(editor, req.target.id);
  }
}

function canvasItems(editor: Editor, req: MenuRequest, arrange: () => Promise<void>): MenuItem[] {
  const { ui } = editor;
  return [
    {
      id: "add",
      label: "Add a node here…",
      keys: "Space",
      run: () => ui.set({ palette: { screen: req.screen, flow: req.flow } }),
    },
    { id: "paste", label: "Paste", keys: "Ctrl+V", run: () => void pasteFromClipboard(editor, req.flow) },
    {
      id: "arrange",
      label: "Arrange the pipeline",
      keys: "Ctrl+Shift+L",
      disabled: !editor.store.getState().view.nodes.length,
      run: () => void arrange(),
    },
  ];
}

/** The node's commands; with several nodes selected and this one among them, they act on all. */
function nodeItems(editor: Editor, id: string): MenuItem[] {
  const { store } = editor;
  const { view: doc, selection } = store.getState();
  const ids = selection.nodes.includes(id) ? selection.nodes : [id];
  const node = doc.nodes.find((n) => n.id === id);
  const def = node && store.registry.get(node.type);
  const many = ids.length > 1;
  const items: MenuItem[] = [
    { id: "rename", label: "Rename", keys: "F2", disabled: many, run: () => startRename(editor, id) },
    {
      id: "bypass",
      label: node?.bypass ? "Enable" : "Bypass",
      keys: "Ctrl+B",
      disabled: !!def?.inert,
      run: () => store.toggleBypass(ids),
    },
    { id: "duplicate", label: "Duplicate", keys: "Ctrl+D", run: () => store.duplicate(ids) },
    {
      id: "collapse",
      label: node?.collapsed ? "Expand" : "Collapse",
      keys: "Alt+C",
      run: () => store.toggleCollapsed(ids),
    },
    { id: "explain", label: "Explain", keys: "I", disabled: !def || many, run: () => explainNode(editor, id) },
    {
      id: "group",
      label: many ? "Group the selection" : "Group",
      keys: "Ctrl+Shift+G",
      run: () => groupSelection(editor, ids),
    },
    ...componentItems(editor, ids),
    {
      id: "delete",
      label: many ? `Delete ${ids.length} nodes` : "Delete",
      keys: "Delete",
      separator: true,
      run: () => sayRefusal(editor.ui, store.removeNodes(ids)),
    },
  ];
  return items;
}

/** Component commands on the node menu, between Explain and Delete (src/editor/components). */
function componentItems(editor: Editor, ids: readonly string[]): MenuItem[] {
  return componentMenuItems(editor, ids);
}

function edgeItems(editor: Editor, id: string, req: MenuRequest): MenuItem[] {
  return [
    {
      id: "insert",
      label: "Insert a node…",
      keys: "Space",
      run: () => openInsertPalette(editor, id, req.screen, req.flow),
    },
    {
      id: "reroute",
      label: "Add reroute point",
      keys: "Double-click a wire",
      disabled: !wireEndsOf(editor).has(id),
      run: () => addRerouteAt(editor, id, req.flow),
    },
    { id: "delete", label: "Delete wire", keys: "Delete", separator: true, run: () => editor.store.removeEdges([id]) },
  ];
}

/** A reroute point where the wire's menu was opened, in the segment it bends least. */
function addRerouteAt(editor: Editor, wireId: string, at: XY): void {
  const ends = wireEndsOf(editor).get(wireId);
  const wire = editor.store.getState().view.edges.find((e) => e.id === wireId);
  if (!ends || !wire) return;
  editor.store.addReroute(wireId, rerouteIndex(ends.source, ends.target, wire.reroutes ?? [], at), at);
}

function groupItems(editor: Editor, id: string): MenuItem[] {
  const group = editor.store.getState().view.groups?.find((g) => g.id === id);
  const ui = canvasUiOf(editor);
  return [
    { id: "rename", label: "Rename group", keys: "Double-click a title", run: () => ui.set({ renamingGroup: id }) },
    ...GROUP_COLORS.map((color, i) => ({
      id: `color-${color}`,
      label: `Colour: ${GROUP_COLOR_NAMES[color]}${group?.color === color ? " ✓" : ""}`,
      separator: i === 0,
      run: () => editor.store.updateGroup(id, { color }),
    })),
    {
      id: "delete",
      label: "Delete group (keeps its nodes)",
      keys: "Delete",
      separator: true,
      run: () => {
        editor.store.removeGroup(id);
        ui.set({ group: null });
      },
    },
  ];
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

/** Puts the node's title into its rename field (F2, the node menu). */
export function startRename(editor: Editor, id: string): void {
  canvasUiOf(editor).set({ renaming: id });
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
