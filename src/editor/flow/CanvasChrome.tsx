import { useCallback, useState } from "react";
import { ControlButton, Controls, type Node } from "@xyflow/react";
import { useFlowApi } from "./flowApi";
import { useEditorInstance, useUi } from "../store/react";
import { canvasViewOf } from "./view";
import type { GraphFlowNode } from "./derive";
import { fitGraph, MINIMAP } from "./fit";
import { MiniMapSlot } from "./drawnSlots";
import { Icon } from "../kit/icons";
import { files } from "../library/files";

const MINIMAP_KEY = "lora-graph:minimap";

/** The minimap and the zoom controls (with fit and the minimap's toggle); rendered inside <ReactFlow>. */
export function CanvasControls({ empty }: { empty: boolean }) {
  const editor = useEditorInstance();
  const registry = editor.store.registry;
  const flow = useFlowApi<GraphFlowNode>();
  const [minimap, setMinimap] = useState(() => localStorage.getItem(MINIMAP_KEY) !== "off");
  const toggleMinimap = useCallback(() => {
    setMinimap((m) => {
      localStorage.setItem(MINIMAP_KEY, m ? "off" : "on");
      return !m;
    });
  }, []);
  // Memoised: a new nodeColor re-renders all minimap nodes, 500 of them on each keystroke.
  const minimapColor = useCallback(
    (n: Node) => {
      const def = registry.get((n as GraphFlowNode).data.type);
      return def ? def.category.color : "#555";
    },
    [registry],
  );
  const toggleLabel = minimap ? "Hide the minimap" : "Show the minimap";
  return (
    <>
      {!empty && minimap && (
        <MiniMapSlot
          nodeColor={minimapColor}
          ariaLabel="Mini map"
          maskColor="rgba(10,12,16,0.72)"
          width={MINIMAP.width}
          height={MINIMAP.height}
          margin={MINIMAP.margin}
        />
      )}
      <Controls
        showInteractive={false}
        showFitView={false}
        position="bottom-left"
        orientation="horizontal"
        aria-label="Zoom controls"
      >
        <ControlButton
          onClick={() => fitGraph(canvasViewOf(editor), flow, { duration: 200 })}
          title="Fit view (F)"
          aria-label="Fit view"
        >
          <Icon name="fit" strokeWidth={2} />
        </ControlButton>
        {!empty && (
          <ControlButton
            onClick={toggleMinimap}
            title={toggleLabel}
            aria-label={toggleLabel}
            aria-pressed={minimap}
            className={minimap ? "on" : ""}
          >
            <Icon name="map" strokeWidth={2} />
          </ControlButton>
        )}
      </Controls>
    </>
  );
}

/** What an empty canvas says to do. */
export function EmptyCanvas({ onAddNode }: { onAddNode: () => void }) {
  const editor = useEditorInstance();
  return (
    <div className="canvas-empty" data-testid="canvas-empty">
      <div className="empty-title">An empty canvas</div>
      <div className="empty-sub">
        Double-click or press <kbd>Space</kbd> to add a node — or start from a template.
      </div>
      <div className="empty-actions">
        <button type="button" className="btn primary" onClick={() => files.showTemplates(editor)}>
          <Icon name="grid" size={14} /> Templates
        </button>
        <button type="button" className="btn" onClick={onAddNode}>
          <Icon name="search" size={14} /> Add a node
        </button>
      </div>
    </div>
  );
}

/** Why the wire under the pointer would be refused, beside the pointer. */
export function WireHint() {
  const hint = useUi((s) => s.wireHint);
  if (!hint) return null;
  return (
    <div className="wire-hint" role="status" style={{ left: hint.x + 16, top: hint.y + 12 }}>
      {hint.text}
    </div>
  );
}
