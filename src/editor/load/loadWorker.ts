/**
 * Web Worker that reads and validates a workflow file off the main thread: a file at the node
 * cap takes a few hundred milliseconds to parse and check, which would freeze the editor
 * (IMP-05: the UI is never blocked for more than 200 ms while loading).
 */
import { registry } from "../../../nodes";
import { loadWorkflowBlob, type LoadResult } from "../../graph";
import { workflowFromImage, type ImageWorkflowResult } from "../../interop/image";

/** A workflow file, or the bytes of a PNG/JPEG that may carry one. */
export type LoadRequest = { file: Blob } | { image: Uint8Array };
export type LoadReply = { result: LoadResult } | { image: ImageWorkflowResult } | { failure: string };

self.onmessage = async (e: MessageEvent<LoadRequest>) => {
  let reply: LoadReply;
  try {
    reply =
      "image" in e.data
        ? { image: workflowFromImage(e.data.image, registry) }
        : { result: await loadWorkflowBlob(e.data.file, registry) };
  } catch (err) {
    reply = { failure: err instanceof Error ? err.message : String(err) };
  }
  (self as unknown as Worker).postMessage(reply);
};
