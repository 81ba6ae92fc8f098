/**
 * What the loader worker (loadWorker.ts) does with one job, apart from the worker's module, which
 * installs the message handler when it is evaluated.
 */
import { registry } from "../../../nodes";
import {
  loadParsedWorkflow,
  loadWorkflowBlob,
  type LoadResult,
  type WorkflowEdge,
  type WorkflowNode,
} from "../../graph";
import { workflowFromImage, type ImageWorkflowResult } from "../../interop/image";
import { detectIncomingParsed, type Incoming } from "../../interop/incoming";

/**
 * A workflow file, the bytes of a PNG/JPEG that may carry one, or anything dropped or pasted to
 * tell what it is; with `open`, a workflow found that way is also read and checked in the same
 * job (the import door opens it next: a second worker would start and parse it again).
 */
export type LoadRequest = { file: Blob } | { image: Uint8Array } | { detect: Blob; open?: boolean };
export type LoadReply =
  | { result: LoadResult }
  | { image: ImageWorkflowResult }
  | { incoming: Incoming; result?: LoadResult }
  | { failure: string }
  /** Some of the document's nodes and wires, sent before the `result` they belong to (see inParts). */
  | { part: { nodes: WorkflowNode[]; edges: WorkflowEdge[] } };

/** The answer to `job`, never a throw. */
export async function answer(job: LoadRequest): Promise<LoadReply> {
  try {
    if ("image" in job) return { image: workflowFromImage(job.image, registry) };
    if ("detect" in job) return await detected(job.detect, !!job.open);
    return { result: await loadWorkflowBlob(job.file, registry) };
  } catch (err) {
    return { failure: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * What `blob` is, and with `open` the workflow it holds, read and checked, when it is one (not an
 * image's): from the JSON telling it apart parsed, not parsed again.
 */
async function detected(blob: Blob, open: boolean): Promise<LoadReply> {
  const { incoming, tree } = detectIncomingParsed(new Uint8Array(await blob.arrayBuffer()));
  if (!open || incoming.kind !== "workflow" || incoming.image) return { incoming };
  return { incoming, result: tree ? loadParsedWorkflow(tree, registry) : await loadWorkflowBlob(blob, registry) };
}
