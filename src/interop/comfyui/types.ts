import type { Endpoint } from "../../graph";

export type ComfyFormat = "api" | "workflow";
export type ComfySeverity = "error" | "warning" | "info";

/**
 * Something of the ComfyUI file the request does not carry as it was, or that still needs the
 * user (a LoRA known only by its local file name). Named by node and input, or by request path.
 */
export interface Unmapped {
  severity: ComfySeverity;
  message: string;
  /** The ComfyUI node id; inside a subgraph, the execution id ComfyUI uses ("12:5"). */
  nodeId?: string;
  classType?: string;
  /** The node's input (widget) name. */
  field?: string;
  /** The request path it concerns, e.g. "loras.0.path". */
  path?: string;
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

export interface ComfyImport {
  format: ComfyFormat;
  /** The UI workflow's `version` (0.4 or 1); absent for API prompts. */
  version?: number;
  endpoint: Endpoint;
  /** A fal-ai/lora input. Fields ComfyUI names only locally (LoRA paths, images) are left out. */
  request: Record<string, unknown>;
  unmapped: Unmapped[];
  /** Request path → the name ComfyUI knows it by, e.g. "loras.0" → "castle_style.safetensors". */
  labels: Record<string, string>;
  /** Ids of the nodes whose meaning the request carries; every other node is in `unmapped`. */
  mapped: string[];
  /** Request path → the ComfyUI node its value came from. */
  sources: Record<string, ComfyNodeRef>;
  subgraphs: ComfySubgraph[];
}
