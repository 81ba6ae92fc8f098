import { Suspense, useRef, useState } from "react";
import type { Editor } from "../store";
import { files } from "../library/files";
import { useEditor, useEditorInstance } from "../store/react";
import { canvasViewOf } from "../flow/view";
import { Icon, type IconName } from "../kit/icons";
import { batchUiOf } from "../batch/state";
import { RunButton } from "../run/RunButton";
import { fitGraph } from "../flow/fit";
import { useFlowApi } from "../flow/flowApi";
import { lazyPart, whenIdle } from "../lazy";

// The save menu's list (kit/Menu) loads on its first opening, fetched once the page is idle.
const Menu = lazyPart(() => import("../kit/Menu").then((m) => ({ default: m.Menu })));
whenIdle(() => Menu.preload());

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

/** Save, and beside it the menu of the other ways to keep the pipeline: Save as…, Download. */
function SaveButtons({ editor }: { editor: Editor }) {
  const more = useRef<HTMLButtonElement>(null);
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const open = () => {
    const r = more.current!.parentElement!.getBoundingClientRect();
    setAt({ x: r.left, y: r.bottom + 4 });
  };
  return (
    <div className="tb-split">
      <TB
        icon="save"
        label="Save"
        title="Save where the pipeline lives: its workspace file or library entry; the first time, asks for a name (Ctrl+S)"
        onClick={() => files.save(editor)}
      />
      <button
        ref={more}
        className="tb icon-only tb-more"
        title="Save as…, Download"
        aria-label="More ways to save"
        aria-haspopup="menu"
        aria-expanded={!!at}
        data-testid="save-menu"
        onClick={() => (at ? setAt(null) : open())}
      >
        <Icon name="chevronDown" size={13} />
      </button>
      {at && (
        <Suspense fallback={null}>
          <Menu
            label="Save menu"
            at={at}
            onClose={() => setAt(null)}
            items={[
              { id: "save", label: "Save", keys: "Ctrl+S", run: () => files.save(editor) },
              { id: "save-as", label: "Save as…", keys: "Ctrl+Shift+S", run: () => void files.saveAs(editor) },
              { id: "download", label: "Download JSON", keys: "Ctrl+Alt+S", run: () => files.download(editor) },
            ]}
          />
        </Suspense>
      )}
    </div>
  );
}

export function Toolbar({ onLayout }: { onLayout(): void }) {
  const editor = useEditorInstance();
  const { store, ui } = editor;
  const flow = useFlowApi();
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
      {/* The name gives way (with an ellipsis, whole on hover); the unsaved dot never does. */}
      <div
        className="doc-name"
        data-testid="doc-name"
        title={`${name || "Untitled pipeline"} (${dirty ? "unsaved changes" : "saved"})`}
      >
        <span className="doc-name-text">{name || "Untitled pipeline"}</span>
        {dirty && <span className="dirty-dot" aria-label="unsaved changes" data-testid="dirty-dot" />}
      </div>
      <div className="tb-group">
        <TB icon="filePlus" label="New" title="New empty pipeline" onClick={() => void files.newPipeline(editor)} />
        <TB
          icon="folder"
          label="Open"
          title="Open a workflow file (Ctrl+O), or drop one on the canvas"
          onClick={() => files.pickFile(editor)}
        />
        <SaveButtons editor={editor} />
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
