/**
 * A loaded document crosses from the loader worker in parts (src/editor/load/loadWorker.ts): kept
 * apart from the worker's module, which installs the worker's message handler when it is evaluated.
 */
import type { WorkflowEdge, WorkflowNode } from "../../graph";
import type { LoadReply } from "./loadJob";

/**
 * A document's nodes and wires go back in messages of this many: the main thread rebuilds each
 * message's objects in the task that receives it, and one message with a 5,000-node document was
 * a task of 100–300 ms on a busy machine.
 */
export const PART_SIZE = 500;

/** The messages that carry `reply`: its document's nodes and wires in parts first, then the rest. */
export function inParts(reply: LoadReply): LoadReply[] {
  if (!("result" in reply) || !reply.result?.ok) return [reply];
  const { document: doc } = reply.result;
  const parts: LoadReply[] = [];
  for (let i = 0; i < Math.max(doc.nodes.length, doc.edges.length); i += PART_SIZE)
    parts.push({ part: { nodes: doc.nodes.slice(i, i + PART_SIZE), edges: doc.edges.slice(i, i + PART_SIZE) } });
  if (parts.length < 2) return [reply];
  return [...parts, { ...reply, result: { ...reply.result, document: { ...doc, nodes: [], edges: [] } } }];
}

/** The reply `inParts` split, whole again: `parts` put back into the final message's document. */
export function joinParts(
  parts: readonly { nodes: WorkflowNode[]; edges: WorkflowEdge[] }[],
  last: LoadReply,
): LoadReply {
  if (!parts.length || !("result" in last) || !last.result?.ok) return last;
  const doc = last.result.document;
  return {
    ...last,
    result: {
      ...last.result,
      document: { ...doc, nodes: parts.flatMap((p) => p.nodes), edges: parts.flatMap((p) => p.edges) },
    },
  };
}
