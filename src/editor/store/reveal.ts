/**
 * Going to where a request value, a problem or a fal 422 came from. A place inside a component
 * (`inner`, docs/components.md#compiling) opens the instances on its path and selects the inner
 * node; a place in the pipeline itself brings the canvas back to the top.
 */
import { instanceRef, type InnerPlace } from "../../graph";
import type { Editor } from "./editor";
import { definitionOf, type ScopeStep } from "./scope";

export interface Place {
  nodeId?: string;
  field?: string;
  inner?: InnerPlace;
}

/** The instances on the way to `inner`, from the pipeline's `nodeId` down; short when one is missing. */
function pathTo(editor: Editor, nodeId: string, inner: InnerPlace): ScopeStep[] {
  const doc = editor.store.getState().document;
  const steps: ScopeStep[] = [];
  let nodes = doc.nodes;
  for (const id of [nodeId, ...inner.path.slice(0, -1)]) {
    const node = nodes.find((n) => n.id === id);
    const ref = node && instanceRef(node);
    const def = ref && definitionOf(doc, ref.key);
    if (!def) break;
    steps.push({ instance: id, key: ref.key });
    nodes = def.nodes;
  }
  return steps;
}

/** Shows `place` on the canvas and in the inspector (keepTab: the request view stays open). */
export function revealPlace(editor: Editor, place: Place, options: { keepTab?: boolean } = {}): void {
  const { store, ui } = editor;
  if (!place.nodeId) return;
  if (place.inner && place.inner.path.length) {
    const steps = pathTo(editor, place.nodeId, place.inner);
    if (steps.length === place.inner.path.length) {
      const node = place.inner.path[place.inner.path.length - 1];
      store.setScope(steps, { nodes: [node], edges: [] });
      ui.focus(node, place.inner.field, options);
      return;
    }
  }
  if (store.getState().scope.length) store.setScope([]);
  store.setSelection({ nodes: [place.nodeId], edges: [] });
  ui.focus(place.nodeId, place.field, options);
}
