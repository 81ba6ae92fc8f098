/**
 * Diagnostics are values, never exceptions. Codes are stable: tests, the CLI's --json output and
 * users' scripts depend on them, so a code is never renamed, only added.
 */
export const DIAGNOSTIC_CODES = {
  "unknown-node-type": "The node's type is not in the catalogue.",
  "invalid-param": "A parameter has a value its schema refuses.",
  "param-out-of-confirmed-range": "A parameter is outside the range fal is known to accept (fal may still accept it).",
  "missing-input": "A required input has no wire.",
  "invalid-edge": "A wire refers to a node or port that does not exist, or joins incompatible ports.",
  "duplicate-input": "A single input has more than one wire.",
  cycle: "The graph has a cycle.",
  "field-conflict": "Two nodes set the same request field to different values.",
  "too-many-embeddings": "fal-ai/lora supports only one embedding per request.",
  "embedding-tokens-unused": "An embedding's tokens do not appear in the prompt.",
  "encoder-mismatch": "IP-Adapters in one request must share one image encoder.",
  "request-invalid": "The compiled request fails fal's request schema.",
  "no-output": "The pipeline has no Sampler output.",
  "node-error": "A node reported a problem while contributing to the request.",
  "internal-error": "The compiler hit a bug; the message says where.",
  "unknown-field": "An imported request has a field its endpoint does not take; it was dropped.",
  "family-mismatch":
    "A LoRA or embedding whose file's header says it was trained for another model family than the base model.",
  "family-unknown": "A LoRA's or embedding's family, or the base model's, is not known, so the fit is not checked.",
  "model-family-mismatch":
    "A LoRA, ControlNet or embedding looks built for a different base model family (SD1.5 vs SDXL).",
  "prompt-weighting-off": "The prompt uses weighting syntax while prompt weighting is off.",
  "prompt-weighting-unused": "Prompt weighting is on but the prompt uses no weighting syntax.",
  "path-needed":
    "An imported model or LoRA is known only by a name (another tool's local file): give its URL or Hugging Face id.",
  "component-missing": "An instance names a component definition that is neither in the file nor in the library.",
  "component-invalid":
    "A component cannot be opened: it contains itself, nests too deep, is too large once opened, or is broken inside.",
  "request-too-large":
    "The compiled request is over the size the proxy accepts (usually inline data: images); upload them instead.",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  nodeId?: string;
  /** Param key on the node (equal to the API field name where one exists), or an input port id. */
  field?: string;
  edgeId?: string;
  /** The request path this diagnostic concerns, where known (e.g. "loras.1.scale"). */
  path?: string;
  /**
   * Set when the problem is inside a component: `nodeId` is then the outermost instance (and
   * `field` its exposed param, if the inner field is exposed), and this says where inside.
   */
  inner?: InnerPlace;
}

/** A place inside an instance: the inner node ids from the instance down, and the inner field. */
export interface InnerPlace {
  path: string[];
  field?: string;
  edgeId?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
