import { memo, useEffect, useState, type PointerEvent as ReactPointerEvent } from "react";
import { BaseEdge, EdgeLabelRenderer, type EdgeProps } from "@xyflow/react";
import { useFlowApi } from "./flowApi";
import type { XY } from "../../graph";
import { useEditorInstance, useEditorStore } from "../store/react";
import { canvasUiOf, useCanvasUi } from "./canvasUi";
import { reroutedPath, rerouteIndex, wireEndsOf } from "./reroute";

const NO_POINTS: readonly XY[] = [];

/**
 * xyflow's bezier wire drawn through its reroute points, plus a ✕ at its middle while it is
 * selected (Delete/Backspace work too). Registered as the "default" edge type, so every wire uses
 * it without a type on each edge. A double-click on the wire adds a point there.
 */
export const GraphEdge = memo(function GraphEdge(props: EdgeProps) {
  const { id, sourceX, sourceY, targetX, targetY, style, markerEnd, selected, interactionWidth } = props;
  const store = useEditorStore();
  const wireEnds = wireEndsOf(useEditorInstance());
  const flow = useFlowApi();
  const stored = (props.data?.reroutes as readonly XY[] | undefined) ?? NO_POINTS;
  const points = useLivePoints(id, stored);
  const [path, labelX, labelY] = reroutedPath(props, points);
  // A node dragged over this wire would be spliced into it.
  const spliceHere = useCanvasUi((s) => s.spliceWire === id);
  useEffect(() => {
    wireEnds.set(id, { source: { x: sourceX, y: sourceY }, target: { x: targetX, y: targetY } });
  }, [wireEnds, id, sourceX, sourceY, targetX, targetY]);
  useEffect(() => () => void wireEnds.delete(id), [wireEnds, id]);
  const addPoint = (e: React.MouseEvent) => {
    e.stopPropagation();
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const i = rerouteIndex({ x: sourceX, y: sourceY }, { x: targetX, y: targetY }, stored, at);
    store.addReroute(id, i, at);
  };
  return (
    <>
      {spliceHere && <path d={path} className="splice-glow" style={{ ["--c" as string]: style?.stroke }} />}
      <g onDoubleClick={addPoint}>
        <BaseEdge id={id} path={path} style={style} markerEnd={markerEnd} interactionWidth={interactionWidth} />
      </g>
      {points.map((p, i) => (
        <ReroutePoint key={i} wire={id} index={i} at={p} color={style?.stroke} />
      ))}
      {selected && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className="edge-delete nodrag nopan"
            style={{
              transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
              ["--c" as string]: style?.stroke,
            }}
            title="Remove this wire (Delete)"
            aria-label="Remove wire"
            onClick={(e) => {
              e.stopPropagation();
              // The first click of a double-click on the wire's middle selected it and put this
              // button under the pointer: the second one is the double-click's, not a delete.
              if (e.detail < 2) store.removeEdges([id]);
            }}
            onDoubleClick={addPoint}
          >
            <svg
              width="10"
              height="10"
              viewBox="0 0 24 24"
              fill="none"
              stroke="currentColor"
              strokeWidth={3}
              strokeLinecap="round"
              aria-hidden="true"
            >
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

/**
 * The wire's points as drawn: the stored ones, with the one being dragged where the pointer is and
 * those inside a group being dragged moved with it (both enter the document on release).
 */
function useLivePoints(wire: string, stored: readonly XY[]): readonly XY[] {
  const drag = useCanvasUi((s) => (s.rerouteDrag?.wire === wire ? s.rerouteDrag : null));
  const group = useCanvasUi((s) => s.groupDrag);
  if (!drag && !group) return stored;
  return stored.map((p, i) => {
    if (drag && drag.index === i) return drag.at;
    if (group && insideRect(p, group.from)) return { x: p.x + group.dx, y: p.y + group.dy };
    return p;
  });
}

const insideRect = (p: XY, r: { x: number; y: number; width: number; height: number }) =>
  p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;

/**
 * A reroute point: drag to move it, click to select it (Delete removes it). Drawn in the edge-label
 * layer, above every wire: in its own wire's SVG, a later wire's hit area would cover it.
 */
function ReroutePoint({ wire, index, at, color }: { wire: string; index: number; at: XY; color?: string }) {
  const editor = useEditorInstance();
  const flow = useFlowApi();
  const ui = canvasUiOf(editor);
  const selected = useCanvasUi((s) => s.reroute?.wire === wire && s.reroute.index === index);
  const [grab, setGrab] = useState<{ x: number; y: number; moved: boolean } | null>(null);
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    editor.store.setSelection({ nodes: [], edges: [] });
    ui.set({ reroute: { wire, index }, group: null });
    setGrab({ x: e.clientX, y: e.clientY, moved: false });
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (!grab) return;
    if (!grab.moved && Math.hypot(e.clientX - grab.x, e.clientY - grab.y) < 3) return;
    if (!grab.moved) setGrab({ ...grab, moved: true });
    ui.set({ rerouteDrag: { wire, index, at: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) } });
  };
  const onPointerUp = () => {
    const drag = ui.get().rerouteDrag;
    setGrab(null);
    if (!drag) return;
    ui.set({ rerouteDrag: null });
    editor.store.moveReroute(wire, index, drag.at);
  };
  return (
    <EdgeLabelRenderer>
      <div
        className={`reroute nopan nodrag ${selected ? "selected" : ""}`}
        data-wire={wire}
        data-index={index}
        role="button"
        aria-label="Reroute point"
        title="Reroute point: drag to move; click, then Delete to remove"
        style={{ transform: `translate(-50%, -50%) translate(${at.x}px, ${at.y}px)`, ["--c" as string]: color }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onClick={(e) => e.stopPropagation()}
        onDoubleClick={(e) => e.stopPropagation()}
      />
    </EdgeLabelRenderer>
  );
}
