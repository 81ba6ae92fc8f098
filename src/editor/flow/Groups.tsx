// Groups on the canvas (docs/canvas.md#groups): titled, coloured frames drawn behind the nodes.
// They are drawn in xyflow's viewport portal rather than as xyflow nodes: as nodes they would join
// every node list (selection, culling, layout, splice, the minimap), and nesting real nodes in them
// (parentId) would make node positions relative, unlike the document's. Only the title bar and the
// resize corner take the pointer; the frame's inside is canvas (pan, box select) as in ComfyUI.
//
// The frames themselves (GroupFrame.tsx: drag, resize, rename) are drawn by the chunk that draws
// the nodes (drawnSlots.tsx): a pipeline without groups never runs them.
import { useEffect } from "react";
import { ViewportPortal } from "@xyflow/react";
import type { Editor } from "../store/editor";
import { useEditor, useEditorInstance } from "../store/react";
import { GROUP_COLORS } from "../store/canvasCommands";
import { canvasUiOf } from "./canvasUi";
import { nodeRect, type Rect } from "./place";
import { canvasViewOf } from "./view";
import { GroupFrameSlot } from "./drawnSlots";

/** Height of the title bar at zoom 1; zoomed out it grows upwards, so its type stays readable. */
const TITLE_H = 34;
const PAD = 24;
/** The least room between the title bar and a node: a node's ports stick out that far. */
const GAP = 8;

export const GROUP_COLOR_NAMES: Record<(typeof GROUP_COLORS)[number], string> = {
  "#3b82f6": "Blue",
  "#22c55e": "Green",
  "#eab308": "Yellow",
  "#f97316": "Orange",
  "#ef4444": "Red",
  "#a855f7": "Purple",
  "#64748b": "Slate",
};

/** The frame around `ids` with room for the title bar, or null when none of them is on the canvas. */
export function frameAround(editor: Editor, ids: readonly string[]): Rect | null {
  const view = canvasViewOf(editor);
  const set = new Set(ids);
  const all = editor.store
    .getState()
    .view.nodes.map((n) => ({ id: n.id, ...nodeRect(view, n, editor.registry.get(n.type)) }));
  const rects = all.filter((r) => set.has(r.id));
  if (!rects.length) return null;
  const x = Math.min(...rects.map((r) => r.x)) - PAD;
  const right = Math.max(...rects.map((r) => r.x + r.width)) + PAD;
  const top = Math.min(...rects.map((r) => r.y));
  // The title bar keeps clear of a node just above that the group does not hold (the starter's
  // Note over the Base model): the margin over the bar gives way first, down to a small gap.
  const above = all
    .filter((r) => !set.has(r.id) && r.x < right && r.x + r.width > x && r.y < top && r.y + r.height <= top)
    .map((r) => r.y + r.height + GAP);
  const y = Math.min(Math.max(top - PAD - TITLE_H, ...above), top - GAP - TITLE_H);
  return { x, y, width: right - x, height: Math.max(...rects.map((r) => r.y + r.height)) + PAD - y };
}

/** Ctrl+Shift+G and the node menu: a group framing the selected nodes, selected, its title ready to type. */
export function groupSelection(editor: Editor, ids = editor.store.getState().selection.nodes): void {
  const frame = frameAround(editor, ids);
  if (!frame) return editor.ui.toast("Select the nodes to group first", "info");
  const id = editor.store.addGroup(frame);
  editor.store.setSelection({ nodes: [], edges: [] });
  canvasUiOf(editor).set({ group: id, reroute: null, renamingGroup: id });
}

/** Delete or Escape on the canvas's own selection (a group, a reroute point); false when there is none. */
export function canvasItemAction(editor: Editor, action: "delete" | "deselect"): boolean {
  const ui = canvasUiOf(editor);
  const { group, reroute } = ui.get();
  if (!group && !reroute) return false;
  if (action === "delete" && reroute) editor.store.removeReroute(reroute.wire, reroute.index);
  else if (action === "delete" && group) editor.store.removeGroup(group);
  ui.set({ group: null, reroute: null });
  return true;
}

/** Every group of the view, behind the nodes and wires. */
export function GroupsLayer() {
  const groups = useEditor((s) => s.view.groups);
  useCanvasSelectionSync();
  if (!groups?.length) return null;
  return (
    <ViewportPortal>
      <div className="groups-layer">
        {groups.map((g) => (
          <GroupFrameSlot key={g.id} group={g} />
        ))}
      </div>
    </ViewportPortal>
  );
}

/** Selecting a node or wire deselects the group or reroute point (one selection at a time). */
function useCanvasSelectionSync() {
  const editor = useEditorInstance();
  useEffect(
    () =>
      editor.store.subscribe((s, prev) => {
        if (s.selection === prev.selection) return;
        if (!s.selection.nodes.length && !s.selection.edges.length) return;
        const ui = canvasUiOf(editor);
        if (ui.get().group || ui.get().reroute) ui.set({ group: null, reroute: null });
      }),
    [editor],
  );
}
