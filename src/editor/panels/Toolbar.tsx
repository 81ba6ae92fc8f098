import { useReactFlow } from "@xyflow/react";
import { files } from "../library/files";
import { useEditor, useEditorInstance } from "../store/react";
import { canvasViewOf } from "../flow/view";
import { Icon, type IconName } from "../kit/icons";
import { batchUiOf } from "../batch/state";
import { RunButton } from "../run/RunButton";
import { fitGraph } from "../flow/fit";

function TB({
  icon,
  label,
  onClick,
  disabled,
  title,
  primary,
}: {
  icon: IconName;
  label?: string;
  onClick(): void;
  disabled?: boolean;
  title: string;
  primary?: boolean;
}) {
  return (
    // aria-label always: narrow windows hide the text label, which would leave the button nameless.
    <button
      className={`tb ${primary ? "primary" : ""} ${label ? "" : "icon-only"}`}
      onClick={onClick}
      disabled={disabled}
      title={title}
      aria-label={label ?? title}
    >
      <Icon name={icon} size={15} />
      {label && <span>{label}</span>}
    </button>
  );
}

export function Toolbar({ onLayout }: { onLayout(): void }) {
  const editor = useEditorInstance();
  const { store, ui } = editor;
  const flow = useReactFlow();
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const name = useEditor((s) => s.document.meta.name);
  const dirty = useEditor((s) => s.dirty);
  const undoLabel = useEditor((s) => s.history.past.at(-1)?.label);
  const redoLabel = useEditor((s) => s.history.future[0]?.label);
  return (
    <header className="toolbar">
      <div className="brand">
        <Icon name="logo" size={18} />
        <span>lora-graph</span>
      </div>
      <div className="doc-name" title={dirty ? "Unsaved changes" : "Saved"}>
        {name || "Untitled pipeline"}
        {dirty && <span className="dirty-dot" aria-label="unsaved changes" />}
      </div>
      <div className="tb-group">
        <TB icon="filePlus" label="New" title="New empty pipeline" onClick={() => void files.newPipeline(editor)} />
        <TB
          icon="folder"
          label="Open"
          title="Open a workflow file (Ctrl+O), or drop one on the canvas"
          onClick={() => files.pickFile(editor)}
        />
        <TB
          icon="save"
          label="Save"
          title="Download the workflow as JSON (Ctrl+S)"
          onClick={() => files.saveToFile(editor)}
        />
        <TB
          icon="braces"
          label="Import request"
          title="Import a fal request, A1111 generation data, a ComfyUI workflow or an image as a pipeline"
          onClick={() => ui.set({ importOpen: true })}
        />
        <TB
          icon="grid"
          label="Templates"
          title="Start from an example pipeline"
          onClick={() => files.showTemplates(editor)}
        />
        <TB
          icon="library"
          label="Library"
          title="Your saved workflows and recoverable drafts"
          onClick={() => files.showLibrary(editor)}
        />
      </div>
      <div className="tb-sep" />
      <div className="tb-group">
        <TB
          icon="undo"
          title={`Undo${undoLabel ? ` ${undoLabel}` : ""} (Ctrl+Z)`}
          disabled={!canUndo}
          onClick={() => store.undo()}
        />
        <TB
          icon="redo"
          title={`Redo${redoLabel ? ` ${redoLabel}` : ""} (Ctrl+Shift+Z)`}
          disabled={!canRedo}
          onClick={() => store.redo()}
        />
        <TB icon="layout" label="Layout" title="Arrange nodes left to right (Ctrl+Shift+L)" onClick={onLayout} />
        <TB icon="fit" title="Fit view (F)" onClick={() => fitGraph(canvasViewOf(editor), flow, { duration: 200 })} />
      </div>
      <span className="grow" />
      <TB icon="help" title="Keyboard shortcuts (?)" onClick={() => ui.set({ help: true })} />
      <TB
        icon="dice"
        label="Batch"
        title="Run a batch: table rows, wildcards, many seeds"
        onClick={() => batchUiOf(editor).set({ open: true })}
      />
      <RunButton />
    </header>
  );
}
