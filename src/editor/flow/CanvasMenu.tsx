/** The canvas's right-click menu: items for the canvas, a node, a wire or a group. */
import { useCallback } from "react";
import type { XY } from "../../graph";
import { Menu, type MenuItem } from "../kit/Menu";
import type { Editor } from "../store/editor";
import { sayRefusal } from "../store/ui";
import { useEditorInstance } from "../store/react";
import { canvasUiOf, type MenuRequest } from "./canvasUi";
import { startRename } from "./contextMenu";
import { explainNode, openInsertPalette } from "./menuActions";
import { pasteFromClipboard } from "../shortcuts";
import { useArrange } from "./useArrange";
import { componentMenuItems } from "../components/actions";
import { GROUP_COLORS } from "../store/canvasCommands";
import { GROUP_COLOR_NAMES, groupSelection } from "./Groups";
import { rerouteIndex, wireEndsOf } from "./reroute";

/** The open context menu (contextMenu.tsx mounts it while there is one). */
export default function CanvasMenu({ req }: { req: MenuRequest }) {
  const editor = useEditorInstance();
  const arrange = useArrange();
  const close = useCallback(() => canvasUiOf(editor).set({ menu: null }), [editor]);
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
