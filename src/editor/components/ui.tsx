/**
 * The component editor's views: the make-component dialog, the breadcrumb shown inside a
 * component, and the actions the shortcuts, menus and inspector share.
 */
import { Suspense, useCallback, type MouseEvent as ReactMouseEvent } from "react";
import { instanceRef } from "../../graph";
import { lazyPart, whenIdle } from "../lazy";
import { definePart, type Editor } from "../store/editor";
import { useEditor, useEditorInstance, usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";
import { enterInstance, leaveTo } from "./enter";
import { definitionOf, isPortStandIn } from "../store/scope";
import { startPublish } from "./versionUi";
import "./components.css";

interface ComponentUiState {
  /** The nodes the make-component dialog is making a component of; null when it is closed. */
  making: readonly string[] | null;
}

// The dialog loads on first open, fetched once the page is idle (docs/codebase.md#the-first-load).
const MakeComponentForm = lazyPart(() => import("./MakeComponentDialog"));
whenIdle(() => MakeComponentForm.preload());

const uiPart = definePart("componentUi", (): UiStore<ComponentUiState> => createUiStore({ making: null }));
export const componentUiOf = (editor: Editor) => editor.part(uiPart);

/** Opens the make-component dialog for the selection, or says why the selection cannot be one. */
export function startMakeComponent(editor: Editor, ids = editor.store.getState().selection.nodes): void {
  const { view } = editor.store.getState();
  const own = ids.filter((id) => view.nodes.some((n) => n.id === id && !isPortStandIn(n)));
  if (!own.length) return editor.ui.toast("Select the nodes to make a component of first", "info");
  componentUiOf(editor).set({ making: own });
}

/** Whether a node of the canvas's view is a component instance. */
export function isInstance(editor: Editor, id: string): boolean {
  const node = editor.store.getState().view.nodes.find((n) => n.id === id);
  return !!node && !!instanceRef(node);
}

/** The definition key (`id@version`) of an instance of the canvas's view. */
export function instanceKey(editor: Editor, id: string): string | undefined {
  const node = editor.store.getState().view.nodes.find((n) => n.id === id);
  return node && instanceRef(node)?.key;
}

/** Enters an instance (double-click, Tab, the menus); a toast says why not. */
export function openInstance(editor: Editor, id: string): boolean {
  const r = enterInstance(editor.store, id);
  if (!r.ok) editor.ui.toast(`Cannot open it: ${r.reason}`, "error");
  return r.ok;
}

/** xyflow's node double-click: opens an instance, unless it was in a field of the node. */
export function useInstanceDoubleClick() {
  const editor = useEditorInstance();
  return useCallback(
    (e: ReactMouseEvent, node: { id: string }) => {
      if ((e.target as Element).closest?.("input, textarea, select, button, .field")) return;
      if (isInstance(editor, node.id)) openInstance(editor, node.id);
    },
    [editor],
  );
}

/** Goes back out one level (Escape inside a component); false at the top. */
export function leaveOne(editor: Editor): boolean {
  const { scope } = editor.store.getState();
  if (!scope.length) return false;
  leaveTo(editor.store, scope.length - 1);
  return true;
}

/** The path into nested components, each level a way back out. Shown on the canvas while inside. */
export function Breadcrumb() {
  const editor = useEditorInstance();
  const scope = useEditor((s) => s.scope);
  const doc = useEditor((s) => s.document);
  if (!scope.length) return null;
  const name = doc.meta.name?.trim() || "Pipeline";
  let nodes = doc.nodes;
  const levels = scope.map((step) => {
    const node = nodes.find((n) => n.id === step.instance);
    const def = definitionOf(doc, step.key);
    nodes = def?.nodes ?? [];
    return { label: node?.label || def?.title || step.instance, version: instanceRef(node ?? { type: "" })?.version };
  });
  return (
    <nav className="comp-crumbs" aria-label="Component path" data-testid="component-breadcrumb">
      <button type="button" className="crumb" onClick={() => leaveTo(editor.store, 0)} title="Back to the pipeline">
        {name}
      </button>
      {levels.map((l, i) => (
        <span key={i} className="crumb-level">
          <span className="crumb-sep" aria-hidden>
            ›
          </span>
          {i < levels.length - 1 ? (
            <button type="button" className="crumb" onClick={() => leaveTo(editor.store, i + 1)}>
              {l.label}
            </button>
          ) : (
            <span className="crumb here" aria-current="location">
              {l.label}
              {l.version && <span className="crumb-version">{l.version}</span>}
            </span>
          )}
        </span>
      ))}
      <span className="crumb-note">Editing the component: every instance follows.</span>
      <button
        type="button"
        className="btn small"
        onClick={() => startPublish(editor, scope[scope.length - 1].key)}
        title="Publish to the library: write this component there, as a new version when the library has it already"
      >
        Publish…
      </button>
      <button
        type="button"
        className="btn small crumb-exit"
        onClick={() => leaveTo(editor.store, scope.length - 1)}
        title="Back out one level (Esc)"
      >
        Done <kbd>Esc</kbd>
      </button>
    </nav>
  );
}

/** The make-component dialog: a name, and which fields the instances show. */
export function MakeComponentDialog() {
  const editor = useEditorInstance();
  const making = useUiStore(usePart(uiPart), (s) => s.making);
  if (!making) return null;
  return (
    <Suspense fallback={null}>
      <MakeComponentForm ids={making} onClose={() => componentUiOf(editor).set({ making: null })} />
    </Suspense>
  );
}

/** The multi-selection's way to make a component (Ctrl+G does the same). */
export function MakeComponentButton() {
  const editor = useEditorInstance();
  return (
    <button
      className="btn"
      onClick={() => startMakeComponent(editor)}
      title="Replace the selected nodes with one reusable node (Ctrl+G)"
    >
      Make component…
    </button>
  );
}
