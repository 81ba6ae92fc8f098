/**
 * The editor instance: everything one editor holds, so two editors in a page (or two tests in a
 * file) share nothing. Folders below the store hang on it directly (the engine); folders above it
 * (run, teach, library, persistence, flow) keep their state in parts, made on first use for each
 * editor, so this file knows none of them (docs/codebase.md#editor-state).
 */
import type { Registry, WorkflowDocument } from "../../graph";
import { createEngine, type Engine } from "../engine";
import { createEditorStore, type EditorStore, type EditorStoreOptions } from "./createEditorStore";
import { createUi, type Ui } from "./ui";
import { instanceIds, liveRegistry } from "./liveRegistry";
import { randomId } from "./ids";

/** A piece of per-editor state owned by a folder above the store. */
export interface Part<T> {
  readonly name: string;
  create(editor: Editor): T;
  /** Called by editor.dispose() on a part that was made. */
  dispose?(value: T): void;
}

export interface Editor {
  /** The catalogue. Views and commands use `store.registry`, which adds the document's components. */
  readonly registry: Registry;
  /** The document, selection, viewport and undo history (immer patches). */
  readonly store: EditorStore;
  /** The compiler and its memoised results. */
  readonly engine: Engine;
  /** Panels, toasts, the field to focus. */
  readonly ui: Ui;
  /** This editor's value of `part`, made on first use. */
  part<T>(part: Part<T>): T;
  /** Ends what the parts started (timers, subscriptions, the run controller). */
  dispose(): void;
}

/** Declares a part; keep the returned object in a module constant and pass it to `editor.part`. */
export function definePart<T>(name: string, create: (editor: Editor) => T, dispose?: (value: T) => void): Part<T> {
  return { name, create, dispose };
}

export interface CreateEditorOptions extends EditorStoreOptions {
  registry: Registry;
  document?: WorkflowDocument;
}

/**
 * @example
 * const editor = createEditor({ registry });
 * editor.store.addNode("sampler", { x: 0, y: 0 });
 * editor.engine.compiled(editor.store.getState().document).outputs;
 */
export function createEditor({ registry, document, ...options }: CreateEditorOptions): Editor {
  const made = new Map<Part<unknown>, unknown>();
  // Instances are node types only while the document carries their definitions.
  const types = liveRegistry(registry, () => editor.store.getState().document.components);
  const editor: Editor = {
    registry,
    store: createEditorStore(types, document, { ...options, makeId: instanceIds(options.makeId ?? randomId) }),
    engine: createEngine(registry),
    ui: createUi(),
    part<T>(part: Part<T>): T {
      if (!made.has(part)) made.set(part, part.create(editor));
      return made.get(part) as T;
    },
    dispose() {
      for (const [part, value] of [...made].reverse()) part.dispose?.(value);
      made.clear();
    },
  };
  return editor;
}
