// A group's frame on the canvas (docs/canvas.md#groups): its title bar moves it with the nodes
// whose middle is inside it and the groups nested in it, its corner resizes it, a double-click on
// the title renames it. Drawn through drawnSlots.tsx, in the chunk that draws the nodes.
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { useFlowApi } from "./flowApi";
import type { WorkflowGroup, WorkflowNode } from "../../graph";
import type { Editor } from "../store/editor";
import { useEditorInstance } from "../store/react";
import { useCornerDrag } from "../kit/useCornerDrag";
import { canvasUiOf, useCanvasUi } from "./canvasUi";
import { nodeRect, type Rect } from "./place";
import { canvasViewOf } from "./view";

const MIN_W = 160;
const MIN_H = 90;

/** The nodes a group carries when it moves: those whose middle is inside its frame. */
function nodesInside(editor: Editor, b: Rect): string[] {
  const view = canvasViewOf(editor);
  return editor.store
    .getState()
    .view.nodes.filter((n: WorkflowNode) => {
      const r = nodeRect(view, n, editor.registry.get(n.type));
      const cx = r.x + r.width / 2,
        cy = r.y + r.height / 2;
      return cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height;
    })
    .map((n) => n.id);
}

/**
 * The groups nested in frame `b` (other than `id`): those whose frame lies wholly inside it, as
 * ComfyUI nests them. They move with it; their members already do, their middles being inside.
 */
function groupsInside(editor: Editor, id: string, b: Rect): string[] {
  return (editor.store.getState().view.groups ?? [])
    .filter((g) => {
      const r = g.bounds;
      return (
        g.id !== id && r.x >= b.x && r.y >= b.y && r.x + r.width <= b.x + b.width && r.y + r.height <= b.y + b.height
      );
    })
    .map((g) => g.id);
}

type Grab = { x: number; y: number; moved: boolean; nodes: string[]; groups: string[] };

export function GroupFrame({ group }: { group: WorkflowGroup }) {
  const editor = useEditorInstance();
  const ui = canvasUiOf(editor);
  const flow = useFlowApi();
  const selected = useCanvasUi((s) => s.group === group.id);
  // Its own drag, or that of a group it is nested in.
  const drag = useCanvasUi((s) =>
    s.groupDrag && (s.groupDrag.id === group.id || s.groupDrag.groups?.includes(group.id)) ? s.groupDrag : null,
  );
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const grab = useRef<Grab | null>(null);
  const b = group.bounds;
  const x = b.x + (drag?.dx ?? 0),
    y = b.y + (drag?.dy ?? 0);
  const { width, height } = size ?? b;

  const select = () => {
    editor.store.setSelection({ nodes: [], edges: [] });
    ui.set({ group: group.id, reroute: null });
  };
  const onTitleDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || (e.target as Element).closest("input,button")) return;
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    select();
    const [nodes, groups] = [nodesInside(editor, b), groupsInside(editor, group.id, b)];
    grab.current = { x: e.clientX, y: e.clientY, moved: false, nodes, groups };
  };
  const onTitleMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const g = grab.current;
    if (!g) return;
    if (!g.moved && Math.hypot(e.clientX - g.x, e.clientY - g.y) < 3) return;
    g.moved = true;
    const z = flow.getZoom();
    ui.set({
      groupDrag: {
        id: group.id,
        from: b,
        dx: (e.clientX - g.x) / z,
        dy: (e.clientY - g.y) / z,
        nodes: g.nodes,
        groups: g.groups,
      },
    });
  };
  const onTitleUp = () => {
    const g = grab.current;
    grab.current = null;
    const d = ui.get().groupDrag;
    if (!g?.moved || !d) return;
    editor.store.moveGroup(group.id, { x: d.dx, y: d.dy }, d.nodes, d.groups);
    ui.set({ groupDrag: null });
  };
  const resize = useResize(group, setSize);

  return (
    <div
      className={`group-frame ${selected ? "selected" : ""}`}
      data-group={group.id}
      style={{ transform: `translate(${x}px, ${y}px)`, width, height, ["--g" as string]: group.color }}
    >
      <div
        className="group-title nopan nodrag"
        onPointerDown={onTitleDown}
        onPointerMove={onTitleMove}
        onPointerUp={onTitleUp}
        onPointerCancel={onTitleUp}
        onClick={(e) => e.stopPropagation()}
        onDoubleClick={(e) => {
          e.stopPropagation();
          ui.set({ renamingGroup: group.id });
        }}
        onContextMenu={(e) => {
          e.preventDefault();
          e.stopPropagation();
          select();
          const screen = { x: e.clientX, y: e.clientY };
          ui.set({
            menu: { target: { kind: "group", id: group.id }, screen, flow: flow.screenToFlowPosition(screen) },
          });
        }}
        title="Drag to move the group and its nodes; double-click to rename; right-click for colour"
      >
        <GroupTitle group={group} />
      </div>
      <div
        className="group-resize nopan nodrag"
        aria-label="Resize group"
        title="Drag to resize the group"
        {...resize}
      />
    </div>
  );
}

/** The bottom-right corner: resizes the frame (nodes stay where they are); one undo step. */
function useResize(group: WorkflowGroup, setSize: (s: { width: number; height: number } | null) => void) {
  const editor = useEditorInstance();
  const flow = useFlowApi();
  return useCornerDrag({
    start: () => null,
    move(dx, dy) {
      const z = flow.getZoom();
      const size = {
        width: Math.max(MIN_W, group.bounds.width + dx / z),
        height: Math.max(MIN_H, group.bounds.height + dy / z),
      };
      setSize(size);
      return size;
    },
    end(size) {
      setSize(null);
      if (size) editor.store.updateGroup(group.id, { bounds: { ...group.bounds, ...size } });
    },
  });
}

function GroupTitle({ group }: { group: WorkflowGroup }) {
  const editor = useEditorInstance();
  const ui = canvasUiOf(editor);
  const renaming = useCanvasUi((s) => s.renamingGroup === group.id);
  const [text, setText] = useState(group.title);
  // Enter or Escape ends it; the blur that can follow as the field goes away must not end it again.
  const ended = useRef(false);
  useEffect(() => {
    setText(group.title);
    ended.current = false;
  }, [group.title, renaming]);
  if (!renaming) return <span className="group-name">{group.title || "Group"}</span>;
  const done = (keep: boolean) => {
    if (ended.current) return;
    ended.current = true;
    ui.set({ renamingGroup: null });
    if (keep && text.trim() && text.trim() !== group.title) editor.store.updateGroup(group.id, { title: text });
  };
  return (
    <input
      className="group-rename"
      aria-label="Group title"
      value={text}
      autoFocus
      onFocus={(e) => e.currentTarget.select()}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => done(true)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Enter") done(true);
        else if (e.key === "Escape") done(false);
      }}
    />
  );
}
