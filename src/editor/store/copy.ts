/**
 * What Ctrl+C and Cut write: the selected nodes in lora-graph's clipboard format, and the copying
 * of nodes with fresh ids that Duplicate and Paste share. Synchronous (the copy event's data must
 * be set before it returns, and Ctrl+D is immediate) and small, so it is in the first load; reading
 * pasted content back (`clipboard.ts`) loads on the first paste (docs/codebase.md#the-first-load).
 */
import {
  edgeBetween,
  usedComponents,
  type ComponentDefinition,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
  type XY,
} from "../../graph";
import { freshId, type IdFactory } from "./ids";

export const CLIPBOARD_FORMAT = "lora-graph/clipboard";
export const CLIPBOARD_VERSION = 1;

export interface ClipboardPayload {
  format: typeof CLIPBOARD_FORMAT;
  version: typeof CLIPBOARD_VERSION;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  /** The definitions the copied instances use, nested ones too: a paste into another pipeline needs them. */
  components?: ComponentDefinition[];
}

/** The selected nodes and only the wires between them: wires to outside nodes cannot be pasted meaningfully. */
export function serializeNodes(doc: WorkflowDocument, nodeIds: readonly string[]): ClipboardPayload {
  const ids = new Set(nodeIds);
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  const components = usedComponents(nodes, doc.components ?? []);
  return {
    format: CLIPBOARD_FORMAT,
    version: CLIPBOARD_VERSION,
    nodes,
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
    ...(components ? { components } : {}),
  };
}

/** How far a paste without a point, or a duplicate, lands from the originals: a step down and right. */
export const COPY_OFFSET: XY = { x: 32, y: 32 };

/**
 * Copies of `nodes`, whole (params, label, the files' facts: a copy is the same node again), with
 * ids not in `taken` (which then holds them too), moved by `by`; and copies of the `edges` that
 * join two of them, in order, their reroute points moved with the nodes. Where two nodes share an
 * id, wires go to the first. The callers check their nodes first: Duplicate's are the document's
 * own, Paste's are untrusted and checked in `clipboard.ts`.
 */
export function copyNodes(
  nodes: readonly WorkflowNode[],
  edges: readonly WorkflowEdge[],
  taken: Set<string>,
  makeId: IdFactory,
  by: XY,
): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  const copyOf = new Map<string, string>();
  const at = (p: XY): XY => ({ x: p.x + by.x, y: p.y + by.y });
  const copies = nodes.map((n) => {
    const id = freshId(makeId, n.type, taken);
    if (!copyOf.has(n.id)) copyOf.set(n.id, id);
    return { ...structuredClone(n), id, position: at(n.position) };
  });
  const wires = edges.flatMap((e) => {
    const [source, target] = [copyOf.get(e.source), copyOf.get(e.target)];
    if (!source || !target) return [];
    const edge = edgeBetween({ node: source, port: e.sourceHandle }, { node: target, port: e.targetHandle });
    return [e.reroutes?.length ? { ...edge, reroutes: e.reroutes.map(at) } : edge];
  });
  return { nodes: copies, edges: wires };
}
