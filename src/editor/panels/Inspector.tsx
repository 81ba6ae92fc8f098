import { Suspense, useDeferredValue, useState } from "react";
import { useEditor, useEditorStore, useUiApi } from "../store/react";
import { sayRefusal } from "../store/ui";
import { lazyPart, whenIdle } from "../lazy";
import { MakeComponentButton } from "../components/ui";
import { withExplainers } from "./explainers";
import { useCanvasUi } from "../flow/canvasUi";

// One node's settings load with the first selection, fetched once the page is idle: an empty
// pipeline's first paint shows only the pipeline's own fields (docs/codebase.md#the-first-load).
const NodeInspector = lazyPart(() => withExplainers(import("./NodeInspector")));
whenIdle(() => void NodeInspector.preload().catch(() => undefined));

/** Loads one node's settings now, so that a selection renders them without suspending (tests). */
export const preloadNodeInspector = (): Promise<unknown> => NodeInspector.preload();

export function Inspector() {
  // A node selected by dragging it shows here at the drop, and a click's selection in the render
  // after the canvas's: the frames of a drag and of a click's press draw the canvas alone
  // (docs/canvas.md#the-inspector-follows-the-selection).
  const sel = useDeferredValue(
    useHeldWhile(
      useEditor((s) => s.selection.nodes),
      useCanvasUi((s) => s.nodeDrag),
    ),
  );
  if (sel.length === 1)
    return (
      <Suspense fallback={null}>
        <NodeInspector id={sel[0]} />
      </Suspense>
    );
  if (sel.length > 1) return <MultiInspector count={sel.length} />;
  return <PipelineInspector />;
}

/** `value`, or while `held` the value it had when `held` began. */
function useHeldWhile<T>(value: T, held: boolean): T {
  const [kept, setKept] = useState(value);
  // Adjusting state while rendering: React renders again at once, before committing.
  if (!held && kept !== value) setKept(value);
  return held ? kept : value;
}

function PipelineInspector() {
  const store = useEditorStore();
  const meta = useEditor((s) => s.document.meta);
  const count = useEditor((s) => s.document.nodes.length);
  return (
    <div className="panel-pad">
      <div className="empty-state small">
        <div className="empty-title">No node selected</div>
        <div className="empty-sub">Click a node to see and edit all of its settings here, with explanations.</div>
      </div>
      <h4 className="section">Pipeline</h4>
      <div className="field">
        <label className="field-label" htmlFor="meta-name">
          Name
        </label>
        <input
          id="meta-name"
          className="input"
          value={meta.name ?? ""}
          placeholder="Untitled pipeline"
          onChange={(e) => store.setMeta({ name: e.target.value || undefined })}
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="meta-desc">
          Description
        </label>
        <textarea
          id="meta-desc"
          className="input textarea"
          rows={4}
          value={meta.description ?? ""}
          placeholder="What this pipeline is for"
          onChange={(e) => store.setMeta({ description: e.target.value || undefined })}
        />
      </div>
      <div className="field-desc">
        {count} node{count === 1 ? "" : "s"}
      </div>
    </div>
  );
}

function MultiInspector({ count }: { count: number }) {
  const store = useEditorStore();
  const ui = useUiApi();
  return (
    <div className="panel-pad">
      <div className="empty-state small">
        <div className="empty-title">{count} nodes selected</div>
        <div className="empty-sub">Select a single node to edit its settings.</div>
      </div>
      <div className="row gap8">
        <button className="btn" onClick={() => store.duplicate()}>
          Duplicate
        </button>
        <button className="btn" onClick={() => store.toggleBypass()}>
          Bypass
        </button>
        <button className="btn danger" onClick={() => sayRefusal(ui, store.removeSelection())}>
          Delete
        </button>
      </div>
      <div className="row gap8 insp-actions">
        <MakeComponentButton />
      </div>
    </div>
  );
}
