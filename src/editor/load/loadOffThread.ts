/**
 * Open a workflow file without blocking the UI: parse and validate in a Web Worker, then hand the
 * plain result back. Falls back to the main thread where workers are unavailable (tests, old
 * browsers) or fail to start, so a file always gets an answer.
 */
import { registry as catalogue } from "../../../nodes";
import { DEFAULT_LOAD_LIMITS, loadWorkflowBlob, type LoadResult, type Registry } from "../../graph";
import type { LoadReply } from "./loadWorker";

export async function loadWorkflowFile(file: Blob, registry: Registry): Promise<LoadResult> {
  // The worker knows only the built-in catalogue; anything else (tests' stub registries) stays here.
  if (typeof Worker === "undefined" || registry !== catalogue) return loadWorkflowBlob(file, registry);
  // Refusing by size needs no worker.
  if (file.size > DEFAULT_LOAD_LIMITS.maxBytes) return loadWorkflowBlob(file, registry);
  let worker: Worker;
  try {
    worker = new Worker(new URL("./loadWorker.ts", import.meta.url), { type: "module", name: "workflow-loader" });
  } catch {
    return loadWorkflowBlob(file, registry);
  }
  return new Promise<LoadResult>((resolve) => {
    const done = (r: LoadResult | Promise<LoadResult>) => {
      worker.terminate();
      resolve(r);
    };
    worker.onmessage = (e: MessageEvent<LoadReply>) => {
      const reply = e.data;
      if ("result" in reply) done(reply.result);
      else
        done({
          ok: false,
          errors: [{ code: "internal-error", path: "$", message: `Could not read the workflow: ${reply.failure}` }],
        });
    };
    // A worker that cannot start (blocked by a policy, failed chunk load) must not lose the open.
    worker.onerror = (e) => {
      e.preventDefault();
      done(loadWorkflowBlob(file, registry));
    };
    worker.postMessage({ file });
  });
}
