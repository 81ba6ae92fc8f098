/**
 * Telling a drop of dragged nodes from an edit. What runs on every document change and reads no
 * position (the compile, the Sampler's timeline) can keep its result when nodes were only moved:
 * in a 5,000-node graph a drop ran all of it in the task of the mouse-up
 * (docs/benchmarks.md#zoom-1-the-drop-and-the-autosave).
 */
import type { WorkflowDocument, WorkflowNode } from "./document";

/**
 * Whether `b` holds `a`'s nodes in the same order, each the same object or equal to its old self
 * but for `position` (by identity, key by key: immer keeps what an edit left alone).
 */
export function nodesMovedOnly(a: readonly WorkflowNode[], b: readonly WorkflowNode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && !sameBut(x, y, "position")) return false;
  }
  return true;
}

/**
 * Whether `b` is `a` with some nodes moved and nothing else changed: the same wires, groups,
 * components and meta, and nodes as `nodesMovedOnly` says.
 */
export function movedOnly(a: WorkflowDocument, b: WorkflowDocument): boolean {
  return a === b || (sameBut(a, b, "nodes") && nodesMovedOnly(a.nodes, b.nodes));
}

/** Same keys holding the same values (by identity), key `but` aside. */
function sameBut<T extends object>(a: T, b: T, but: keyof T): boolean {
  const ka = Object.keys(a) as (keyof T)[];
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k === but || (Object.hasOwn(b, k) && a[k] === b[k]));
}
