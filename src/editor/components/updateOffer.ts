/**
 * Whether the library has a newer version of an instance's component: what the canvas shows on
 * an instance at once, apart from versions.ts, whose plans and diffs load with the dialogs. Only
 * parts that load on demand (the node views' mark, the inspector, the canvas menu) ask it, so it
 * stays out of the first load too (docs/codebase.md#the-first-load).
 */
import { instanceRef } from "../../graph";
import { compareVersions } from "../../graph/semver";
import type { Editor } from "../store/editor";
import { workspaceOf } from "../library/workspace";
import type { LibraryComponent } from "../library/libraryComponents";
import { definitionOf } from "../store/scope";

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

/** Whether the node of the canvas's view is an instance whose component has a newer library version. */
export function hasUpdate(editor: Editor, id: string): boolean {
  const { scope, document } = editor.store.getState();
  const inside = scope.at(-1)?.key;
  const nodes = inside ? (definitionOf(document, inside)?.nodes ?? []) : document.nodes;
  const node = nodes.find((n) => n.id === id);
  return !!node && !!availableUpdate(editor, node);
}
