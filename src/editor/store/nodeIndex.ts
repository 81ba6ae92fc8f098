import type { WorkflowNode } from "../../graph";
import { weakMemo } from "../../shared/weakMemo";

/**
 * Nodes by id, built once per node array: selectors run on every store change, and immer gives a
 * new array only when the document changed, so every component looking a node up shares one index.
 */
export const nodeIndex = weakMemo((nodes: readonly WorkflowNode[]): ReadonlyMap<string, WorkflowNode> => {
  const index = new Map<string, WorkflowNode>();
  for (const n of nodes) index.set(n.id, n);
  return index;
});

/** A node by id in O(1) (see nodeIndex). */
export const nodeById = (nodes: readonly WorkflowNode[], id: string): WorkflowNode | undefined =>
  nodeIndex(nodes).get(id);
