/**
 * What an importer of another tool's data hands to the request→graph importer: a fal request,
 * the names the source gave things that have no place in a request (node titles), and notes on
 * everything that was not mapped or needs the user. Every source field ends up either in the
 * request or in a note: nothing is dropped silently.
 */
import type { Endpoint } from "../graph";

export type ForeignSeverity = "error" | "warning" | "info";

export interface ForeignNote {
  severity: ForeignSeverity;
  /** The source's own name for what this is about: an infotext key ("Hires upscaler"), a node id. */
  source?: string;
  /** The request path it concerns ("loras.0.path", "image_url"), when it concerns one. */
  path?: string;
  message: string;
}

export interface ForeignRequest {
  /** Which tool's format this was read as, for the import report ("A1111 / Forge / Civitai"). */
  format: string;
  endpoint: Endpoint;
  /**
   * A fal request for `endpoint`. Fields the source does not set are absent; fields the user must
   * still fill (a LoRA known only by a local name, an init image) are absent or empty, with an
   * error note at their path.
   */
  request: Record<string, unknown>;
  /**
   * Titles for the nodes that will hold request values, keyed by request path: "loras.0" →
   * "my_castle_style", "model_name" → "juggernautXL_v9", "controlnets.0" → "canny / control_…".
   */
  labels: Record<string, string>;
  notes: ForeignNote[];
}
