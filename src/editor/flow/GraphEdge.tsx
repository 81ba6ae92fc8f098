import { memo } from "react";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { useEditorStore } from "../store/react";
import { useCanvasUi } from "./canvasUi";

/**
 * xyflow's bezier wire, plus a ✕ at its middle while it is selected (Delete/Backspace work too).
 * Registered as the "default" edge type, so every wire uses it without a type on each edge.
 */
export const GraphEdge = memo(function GraphEdge({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  style,
  markerEnd,
  selected,
  interactionWidth,
}: EdgeProps) {
  const store = useEditorStore();
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  // A node dragged over this wire would be spliced into it.
  const spliceHere = useCanvasUi((s) => s.spliceWire === id);
  return (
    <>
      {spliceHere && <path d={path} className="splice-glow" style={{ ["--c" as string]: style?.stroke }} />}
      <BaseEdge id={id} path={path} style={style} markerEnd={markerEnd} interactionWidth={interactionWidth} />
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
              store.removeEdges([id]);
            }}
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
