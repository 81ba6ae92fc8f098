/**
 * Whether the library has a newer version of an instance's component: what the canvas shows on
 * an instance at once, apart from versions.ts, whose plans and diffs load with the dialogs
 * (docs/codebase.md#the-first-load).
 */
import { compareVersions, instanceRef } from "../../graph";
import type { Editor } from "../store/editor";
import { workspaceOf } from "../library/workspace";
import type { LibraryComponent } from "../library/libraryComponents";

/** The library's newest version of a component id, when the library has it. */
export function libraryItem(editor: Editor, id: string): LibraryComponent | undefined {
  return workspaceOf(editor)
    .get()
    .components.find((c) => c.definition.id === id);
}

/** The library's newer version of an instance's component, when there is one. */
export function availableUpdate(editor: Editor, node: { type: string }) {
  return newerInLibrary(workspaceOf(editor).get().components, node);
}

/** Of the library's `components`, the newer version of an instance's component, when there is one. */
export function newerInLibrary(
  components: readonly LibraryComponent[],
  node: { type: string },
): { from: string; to: string; item: LibraryComponent } | undefined {
  const ref = instanceRef(node);
  const item = ref && components.find((c) => c.definition.id === ref.id);
  if (!ref || !item || compareVersions(item.definition.version, ref.version) <= 0) return undefined;
  return { from: ref.version, to: item.definition.version, item };
}
