/**
 * This editor's workspace, when the page is served by our server: the API, a revision that goes
 * up with every change seen on disk (views that list the workspace read it again), and the
 * offer to reload the open pipeline after it changed on disk. The watch follows the server's
 * live-update stream (docs/components.md#the-workspace-api).
 *
 * This module is the state the views read (what acts on it is workspaceActions.ts, which only parts
 * loaded on demand call); following the workspace (its API, its library and the
 * watch) is in workspaceStart.ts, which start-up loads beside the database open, so that none of
 * it is in the first load's script (docs/benchmarks.md#the-first-load).
 */
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";
import type { WorkspaceApi } from "./workspaceApi";
import type { ComponentLibrary, LibraryComponent } from "./libraryComponents";

export interface WorkspaceState {
  api: WorkspaceApi | null;
  /** Where components are published: the workspace, else this browser (null until known). */
  library: ComponentLibrary | null;
  /** Goes up with each change seen on disk. */
  revision: number;
  /** The open pipeline changed on disk while this tab had no edits: offer to reload it. */
  offer: { file: string; etag: string } | null;
  /** The library's components, newest version of each (for the palette). */
  components: readonly LibraryComponent[];
  /** Component files that could not be read. */
  componentProblems: readonly string[];
  /** Every published version's hash, by `id@version`. */
  componentHashes: Readonly<Record<string, string>>;
}

const workspacePart = definePart(
  "workspace",
  () => ({
    state: createUiStore<WorkspaceState>({
      api: null,
      library: null,
      revision: 0,
      offer: null,
      components: [],
      componentProblems: [],
      componentHashes: {},
    }),
    stop: () => {},
  }),
  (w) => w.stop(),
);

/** The workspace part itself: workspaceStart.ts fills it and sets what stops it with the editor. */
export const workspacePartOf = (editor: Editor) => editor.part(workspacePart);
export const workspaceOf = (editor: Editor): UiStore<WorkspaceState> => editor.part(workspacePart).state;
export const useWorkspace = <T>(selector: (s: WorkspaceState) => T): T =>
  useUiStore(usePart(workspacePart).state, selector);
