/**
 * What Ctrl+C and Cut write: the selected nodes in lora-graph's clipboard format. Synchronous (the
 * copy event's data must be set before it returns) and small, so it is in the first load; reading
 * pasted content back (`clipboard.ts`) loads on the first paste (docs/codebase.md#the-first-load).
 */
import {
  usedComponents,
  type ComponentDefinition,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from "../../graph";

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
