/**
 * Components published to the workspace (`components/*.json`) as node types for the palette and
 * the sidebar, beside the built-in nodes. Adding one inserts an instance and copies its
 * definition (and the ones it uses) into the document, so the pipeline stays self-contained
 * (docs/components.md#in-the-editor).
 */
import { useMemo } from "react";
import { COMPONENT_CATEGORY, componentRegistry, instanceType, type NodeDefinition } from "../../graph";
import type { Editor } from "../store/editor";
import { EditRefused, type AddNodeOptions } from "../store/types";
import { useWorkspace, workspaceOf } from "./workspace";
import type { LibraryComponent } from "./libraryComponents";

const EMPTY: readonly LibraryComponent[] = [];

/** The library's components as node types, with what adding one needs. */
export function libraryNodeTypes(
  editor: Editor,
  items: readonly LibraryComponent[],
): { defs: NodeDefinition[]; byType: Map<string, LibraryComponent> } {
  const byType = new Map<string, LibraryComponent>();
  const defs: NodeDefinition[] = [];
  for (const item of items) {
    const type = instanceType(item.definition.id, item.definition.version);
    const node = componentRegistry(editor.store.registry, [item.definition, ...item.uses]).get(type);
    if (!node) continue;
    byType.set(type, item);
    defs.push({ ...node, category: COMPONENT_CATEGORY });
  }
  return { defs, byType };
}

/** The library's components as node types; re-made when the library changes. */
export function useLibraryNodeTypes(editor: Editor) {
  const items = useWorkspace((w) => w.components ?? EMPTY);
  return useMemo(() => libraryNodeTypes(editor, items), [editor, items]);
}

/** A node type to add: a built-in (or the document's own component) or one from the library. */
export function nodeTypeFor(
  editor: Editor,
  type: string,
): { def: NodeDefinition; options: Pick<AddNodeOptions, "components"> } | undefined {
  const own = editor.store.registry.get(type);
  if (own) return { def: own, options: {} };
  const { defs, byType } = libraryNodeTypes(editor, workspaceOf(editor).get().components ?? EMPTY);
  const item = byType.get(type);
  const def = defs.find((d) => d.type === type);
  return item && def ? { def, options: { components: [item.definition, ...item.uses] } } : undefined;
}

/**
 * Adds a node as the palette, the sidebar or a drop asks; an addition the store refuses (an
 * instance placed inside itself) is said in a toast instead.
 */
export function addNodeOrSay(
  editor: Editor,
  type: string,
  at: { x: number; y: number },
  options?: AddNodeOptions,
): string | undefined {
  try {
    return editor.store.addNode(type, at, options);
  } catch (e) {
    if (!(e instanceof EditRefused)) throw e;
    editor.ui.toast(e.message, "error", 8000);
    return undefined;
  }
}
