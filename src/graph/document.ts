/**
 * The workflow document: what is saved to disk, kept in IndexedDB and compiled.
 * Params hold only what the user chose; definitions hold everything else (InvokeAI's
 * template/instance split), so files stay small and survive catalogue changes.
 */
export const WORKFLOW_FORMAT = "lora-graph/workflow";
export const WORKFLOW_VERSION = 2;

export interface XY {
  x: number;
  y: number;
}

export interface WorkflowNode {
  id: string;
  type: string;
  typeVersion: number;
  position: XY;
  params: Record<string, unknown>;
  /** User's name for the node; shown instead of the type's title. */
  label?: string;
  /** Switched off without deleting: contributes nothing, model/conditioning pass straight through. */
  bypass?: boolean;
  /** Advanced params unfolded in the node body. */
  expanded?: boolean;
}

export interface WorkflowEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export interface WorkflowMeta {
  name?: string;
  description?: string;
  createdWith?: string;
  createdAt?: string;
  updatedAt?: string;
  tags?: string[];
}

export interface WorkflowDocument {
  format: typeof WORKFLOW_FORMAT;
  version: typeof WORKFLOW_VERSION;
  meta: WorkflowMeta;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  viewport?: { x: number; y: number; zoom: number };
}

export function emptyDocument(meta: WorkflowMeta = {}): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, meta, nodes: [], edges: [] };
}

export function edgeId(source: string, sourceHandle: string, target: string, targetHandle: string): string {
  return `e:${source}.${sourceHandle}->${target}.${targetHandle}`;
}
