import { createContext, useCallback, useContext, useSyncExternalStore, type ReactNode } from "react";
import type { EditorState, EditorStore } from "./createEditorStore";
import type { Editor, Part } from "./editor";
import type { Ui, UiState } from "./ui";
import { useUiStore } from "./uiStore";

const EditorContext = createContext<Editor | null>(null);

export function EditorProvider({ editor, children }: { editor: Editor; children: ReactNode }) {
  return <EditorContext.Provider value={editor}>{children}</EditorContext.Provider>;
}

/** The editor this view belongs to (from the nearest <EditorProvider>). */
export function useEditorInstance(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error("useEditorInstance must be used inside <EditorProvider>");
  return editor;
}

export function useEditorStore(): EditorStore {
  return useEditorInstance().store;
}

/** This editor's value of a folder's part (see definePart). */
export function usePart<T>(part: Part<T>): T {
  return useEditorInstance().part(part);
}

/**
 * Subscribes to a slice of editor state. Keep selectors narrow and returning stable references
 * (a node object, a primitive): a component re-renders only when its slice changes identity.
 */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  const editor = useEditorInstance();
  const { store, engine } = editor;
  // The store's changes, and a sliced compile landing (engine.compiledSoon): selectors that read
  // a compile result run again then.
  const subscribe = useCallback(
    (listener: () => void) => {
      const offStore = store.subscribe(listener);
      const offEngine = engine.subscribe(listener);
      return () => {
        offStore();
        offEngine();
      };
    },
    [store, engine],
  );
  return useSyncExternalStore(
    subscribe,
    () => selector(store.getState()),
    () => selector(store.getState()),
  );
}

/** The editor's UI store, for handlers (toast, focus, set). */
export function useUiApi(): Ui {
  return useEditorInstance().ui;
}

/** A slice of the editor's UI state; re-renders only when it changes. */
export function useUi<T>(selector: (s: UiState) => T): T {
  return useUiStore(useUiApi(), selector);
}
