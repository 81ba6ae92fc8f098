import type { WorkflowNode } from "../../graph";

const indexes = new WeakMap<readonly WorkflowNode[], Map<string, WorkflowNode>>();

/**
 * Nodes by id, built once per node array: selectors run on every store change, and immer gives a
 * new array only when the document changed, so every component looking a node up shares one index.
 */
export function nodeIndex(nodes: readonly WorkflowNode[]): ReadonlyMap<string, WorkflowNode> {
  let index = indexes.get(nodes);
  if (!index) {
    index = new Map();
    for (const n of nodes) index.set(n.id, n);
    indexes.set(nodes, index);
  }
  return index;
}

/** A node by id in O(1) (see nodeIndex). */
export const nodeById = (nodes: readonly WorkflowNode[], id: string): WorkflowNode | undefined =>
  nodeIndex(nodes).get(id);
