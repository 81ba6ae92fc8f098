/**
 * Web Worker that reads and validates a workflow file off the main thread: a file at the node
 * cap takes a few hundred milliseconds to parse and check, which would freeze the editor
 * (IMP-05: the UI is never blocked for more than 200 ms while loading).
 */
import { registry } from "../../../nodes";
import { loadWorkflowBlob, type LoadResult, type WorkflowEdge, type WorkflowNode } from "../../graph";
import { inParts } from "./parts";
import { workflowFromImage, type ImageWorkflowResult } from "../../interop/image";
import { detectIncoming, type Incoming } from "../../interop/incoming";

/** A workflow file, the bytes of a PNG/JPEG that may carry one, or anything dropped or pasted to tell what it is. */
export type LoadRequest = { file: Blob } | { image: Uint8Array } | { detect: Blob };
export type LoadReply =
  | { result: LoadResult }
  | { image: ImageWorkflowResult }
  | { incoming: Incoming }
  | { failure: string }
  /** Some of the document's nodes and wires, sent before the `result` they belong to (see inParts). */
  | { part: { nodes: WorkflowNode[]; edges: WorkflowEdge[] } };

self.onmessage = async (e: MessageEvent<LoadRequest>) => {
  let reply: LoadReply;
  try {
    const job = e.data;
    reply =
      "image" in job
        ? { image: workflowFromImage(job.image, registry) }
        : "detect" in job
          ? { incoming: detectIncoming(new Uint8Array(await job.detect.arrayBuffer())) }
          : { result: await loadWorkflowBlob(job.file, registry) };
  } catch (err) {
    reply = { failure: err instanceof Error ? err.message : String(err) };
  }
  for (const m of inParts(reply)) (self as unknown as Worker).postMessage(m);
};
