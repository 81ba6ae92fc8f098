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
import { isPortStandIn } from "../store/scope";
import "./components.css";

interface ComponentUiState {
  /** The nodes the make-component dialog is making a component of; null when it is closed. */
  making: readonly string[] | null;
}

// The dialog loads on first open, fetched once the page is idle (docs/codebase.md#the-first-load).
const MakeComponentForm = lazyPart(() => import("./MakeComponentDialog"));
whenIdle(() => MakeComponentForm.preload());
// The breadcrumb shows only inside a component.
const Crumbs = lazyPart(() => import("./Breadcrumb"));
whenIdle(() => Crumbs.preload());

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

/** The path into nested components, shown on the canvas while inside one (its code loads then). */
export function Breadcrumb() {
  const inside = useEditor((s) => s.scope.length > 0);
  if (!inside) return null;
  return (
    <Suspense fallback={null}>
      <Crumbs />
    </Suspense>
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
