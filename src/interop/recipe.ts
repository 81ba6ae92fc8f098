/**
 * The recipe every saved image carries: our workflow and request (read back by lora-graph) and
 * A1111's `parameters` text (read by A1111's PNG Info and Civitai). One place builds the entries
 * so the editor's download, the gallery, the sweep sheet and `lora-graph run` write the same.
 */
import type { Endpoint, Source, WorkflowDocument } from "../graph";
import { infotextFromRequest } from "./a1111/export";
import { PARAMETERS_KEYWORD, REQUEST_KEYWORD, WORKFLOW_KEYWORD, writeImageMetadata, type MetadataEntry } from "./image";

export interface Recipe {
  /** The serialized workflow, when the image came from one. */
  workflow?: string;
  endpoint: Endpoint;
  input: Readonly<Record<string, unknown>>;
  /** Node titles by request path, for LoRA tag names (see {@link labelsFromSourceMap}). */
  labels?: Readonly<Record<string, string>>;
}

/**
 * Node titles for the list items of a request: "loras.0" → the title of the LoRA node that wrote
 * `loras.0.*`. Only user-given titles count; a node without one is named by its path.
 */
export function labelsFromSourceMap(
  doc: Pick<WorkflowDocument, "nodes">,
  sourceMap: Readonly<Record<string, Source>>,
): Record<string, string> {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const labels: Record<string, string> = {};
  for (const [path, src] of Object.entries(sourceMap)) {
    const item = /^(loras|controlnets|embeddings)\.\d+/.exec(path)?.[0];
    const label = item ? byId.get(src.nodeId)?.label : undefined;
    if (item && label && !(item in labels)) labels[item] = label;
  }
  return labels;
}

export function recipeEntries(recipe: Recipe): MetadataEntry[] {
  const entries: MetadataEntry[] = [];
  if (recipe.workflow !== undefined) entries.push({ keyword: WORKFLOW_KEYWORD, text: recipe.workflow });
  entries.push({ keyword: REQUEST_KEYWORD, text: JSON.stringify({ endpoint: recipe.endpoint, input: recipe.input }) });
  entries.push({
    keyword: PARAMETERS_KEYWORD,
    text: infotextFromRequest(recipe.input, recipe.endpoint, recipe.labels ?? {}).text,
  });
  return entries;
}

/**
 * The image with its recipe inside, or the bytes unchanged with the reason when they cannot
 * carry one (not a PNG or JPEG, a truncated file). Never throws.
 */
export function embedRecipe(
  bytes: Uint8Array,
  recipe: Recipe,
): { bytes: Uint8Array; embedded: boolean; notes: string[] } {
  try {
    const w = writeImageMetadata(bytes, recipeEntries(recipe));
    return w.ok
      ? { bytes: w.bytes, embedded: true, notes: w.notes ?? [] }
      : { bytes, embedded: false, notes: [w.error] };
  } catch (e) {
    return { bytes, embedded: false, notes: [`could not embed the recipe: ${(e as Error)?.message ?? e}`] };
  }
}
