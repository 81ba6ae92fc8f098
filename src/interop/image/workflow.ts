/** The lora-graph workflow inside an image, through the workflow loader. */
import { loadWorkflow, type LoadOptions, type LoadResult, type Registry } from "../../graph";
import { readImageMetadata } from "./metadata";
import { REQUEST_KEYWORD, WORKFLOW_KEYWORD, type ImageKind, type MetadataLimits } from "./types";

export type ImageWorkflowResult =
  { ok: true; load: LoadResult; request?: string; kind: ImageKind; warnings: string[] } | { ok: false; error: string };

/**
 * Finds the workflow embedded in an image and runs it through the workflow loader (untrusted
 * input: the loader's size/depth/prototype checks apply). Never throws.
 * @example
 * const r = workflowFromImage(bytes, registry);
 * if (r.ok && r.load.ok) store.replaceDocument(r.load.document);
 */
export function workflowFromImage(
  bytes: Uint8Array,
  registry: Registry,
  options: LoadOptions & Partial<MetadataLimits> = {},
): ImageWorkflowResult {
  const meta = readImageMetadata(bytes, options);
  if (!meta.ok) return meta;
  const text = meta.entries[WORKFLOW_KEYWORD];
  if (text === undefined) {
    const why = meta.warnings.length ? ` (${meta.warnings[0]})` : "";
    return { ok: false, error: `this ${meta.kind.toUpperCase()} carries no lora-graph workflow${why}` };
  }
  const load = loadWorkflow(text, registry, options);
  return { ok: true, load, request: meta.entries[REQUEST_KEYWORD], kind: meta.kind, warnings: meta.warnings };
}
