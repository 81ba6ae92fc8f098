/**
 * Entering and leaving a component instance (docs/components.md#the-editor): the navigation the
 * breadcrumb, Tab and Escape need on the first load. The commands that change components are in
 * ./commands.ts, which loads with the parts that use them (docs/codebase.md#the-first-load).
 */
import { instanceRef } from "../../graph";
import type { EditorStore } from "../store/types";
import { definitionOf } from "../store/scope";

export type CommandResult<T = object> = ({ ok: true } & T) | { ok: false; reason: string };

/** Opens an instance of the view: the canvas shows its definition. */
export function enterInstance(store: EditorStore, instanceId: string): CommandResult {
  const { view, scope, document } = store.getState();
  const node = view.nodes.find((n) => n.id === instanceId);
  const ref = node && instanceRef(node);
  if (!ref) return { ok: false, reason: "that node is not a component" };
  if (!definitionOf(document, ref.key))
    return { ok: false, reason: `the pipeline does not carry component ${ref.key}, so there is nothing to open` };
  store.setScope([...scope, { instance: instanceId, key: ref.key }]);
  return { ok: true };
}

/** Goes back out to `depth` levels (0: the pipeline), selecting the instance it came out of. */
export function leaveTo(store: EditorStore, depth: number): void {
  const { scope } = store.getState();
  if (depth >= scope.length) return;
  const from = scope[depth].instance;
  store.setScope(scope.slice(0, Math.max(0, depth)), { nodes: [from], edges: [] });
}
