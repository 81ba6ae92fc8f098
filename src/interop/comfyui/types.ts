import type { ForeignNote, ForeignRequest } from "../foreign";

export type ComfyFormat = "api" | "workflow";
export type ComfySeverity = ForeignNote["severity"];

/**
 * Something of the ComfyUI file the request does not carry as it was, or that still needs the
 * user (a LoRA known only by its local file name). Named by node and input, or by request path.
 */
export interface Unmapped extends ForeignNote {
  /** The ComfyUI node id; inside a subgraph, the execution id ComfyUI uses ("12:5"). */
  nodeId?: string;
  classType?: string;
  /** The node's input (widget) name. */
  field?: string;
}

export interface ComfyNodeRef {
  nodeId: string;
  classType: string;
  title?: string;
}

/** A subgraph of a UI workflow (definitions.subgraphs), kept so it can become a component later. */
export interface ComfySubgraph {
  id: string;
  name: string;
  /** Each instance node and the execution ids of the nodes it was flattened into. */
  instances: { nodeId: string; innerNodeIds: string[] }[];
}

/**
 * A {@link ForeignRequest} (request, labels by request path, notes) with what only ComfyUI has:
 * which nodes mapped, where each request value came from, and the subgraphs.
 */
export interface ComfyImport extends ForeignRequest {
  comfyFormat: ComfyFormat;
  /** The UI workflow's `version` (0.4 or 1); absent for API prompts. */
  version?: number;
  /** Every node not in `mapped` is named here, by `nodeId` and `classType`. */
  notes: Unmapped[];
  /** Ids of the nodes whose meaning the request carries. */
  mapped: string[];
  /** Request path → the ComfyUI node its value came from. */
  sources: Record<string, ComfyNodeRef>;
  subgraphs: ComfySubgraph[];
}

export const COMFY_FORMATS: Readonly<Record<ComfyFormat, string>> = {
  api: "ComfyUI API prompt",
  workflow: "ComfyUI workflow",
};
