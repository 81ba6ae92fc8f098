/**
 * Open a workflow file without blocking the UI: parse and validate in a Web Worker, then hand the
 * plain result back. Falls back to the main thread where workers are unavailable (tests, old
 * browsers) or fail to start, so a file always gets an answer.
 */
import { registry as catalogue } from "../../../nodes";
import {
  DEFAULT_LOAD_LIMITS,
  loadWorkflowBlob,
  type LoadResult,
  type Registry,
  type WorkflowEdge,
  type WorkflowNode,
} from "../../graph";
import type { ImageWorkflowResult } from "../../interop/image";
import type { Incoming } from "../../interop/incoming";
import type { LoadReply, LoadRequest } from "./loadWorker";
import { joinParts } from "./parts";

/**
 * Files the import door has already read and checked while telling what they are
 * (`detectIncomingOffThread` with `open`), until `loadWorkflowFile` takes them.
 */
const readAhead = new WeakMap<Blob, LoadResult>();

export async function loadWorkflowFile(file: Blob, registry: Registry): Promise<LoadResult> {
  const early = registry === catalogue ? readAhead.get(file) : undefined;
  if (early) {
    readAhead.delete(file);
    return early;
  }
  const here = () => loadWorkflowBlob(file, registry);
  // Refusing by size needs no worker.
  if (file.size > DEFAULT_LOAD_LIMITS.maxBytes) return here();
  const reply = await inWorker({ file }, registry);
  if (!reply) return here();
  if ("result" in reply && reply.result) return reply.result;
  return {
    ok: false,
    errors: [
      {
        code: "internal-error",
        path: "$",
        message: `Could not read the workflow: ${"failure" in reply ? reply.failure : "unexpected answer"}`,
      },
    ],
  };
}

/** `workflowFromImage` (PNG/JPEG metadata, then the workflow loader) off the main thread. */
export async function workflowFromImageFile(bytes: Uint8Array, registry: Registry): Promise<ImageWorkflowResult> {
  const reply = await inWorker({ image: bytes }, registry);
  // The metadata reader loads on demand: it is not part of the editor's first load.
  if (!reply) return (await import("../../interop/image")).workflowFromImage(bytes, registry);
  if ("image" in reply) return reply.image;
  return { ok: false, error: `could not be read: ${"failure" in reply ? reply.failure : "unexpected answer"}` };
}

/**
 * What a dropped or pasted thing is (`detectIncoming`), off the main thread: telling a workflow
 * from a request means parsing the whole JSON, ~300 ms for a 5,000-node file on a busy machine.
 * With `open`, a workflow is also read and checked there, for the `loadWorkflowFile(input)` that
 * follows.
 */
export async function detectIncomingOffThread(input: Blob, open = false): Promise<Incoming> {
  const reply = await inWorker({ detect: input, open }, catalogue);
  if (reply && "incoming" in reply) {
    // The next step opens it (loadWorkflowFile): one worker start and one read, not two.
    if (reply.result) readAhead.set(input, reply.result);
    return reply.incoming;
  }
  // The readers of other tools' formats are not part of the first load.
  const { detectIncoming } = await import("../../interop/incoming");
  return detectIncoming(new Uint8Array(await input.arrayBuffer()));
}

/** One job in a fresh worker; null when a worker cannot be used, so the caller works here instead. */
function inWorker(request: LoadRequest, registry: Registry): Promise<LoadReply | null> {
  // The worker knows only the built-in catalogue; anything else (tests' stub registries) stays here.
  if (typeof Worker === "undefined" || registry !== catalogue) return Promise.resolve(null);
  let worker: Worker;
  try {
    worker = new Worker(new URL("./loadWorker.ts", import.meta.url), { type: "module", name: "workflow-loader" });
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const done = (r: LoadReply | null) => {
      worker.terminate();
      resolve(r);
    };
    const parts: { nodes: WorkflowNode[]; edges: WorkflowEdge[] }[] = [];
    worker.onmessage = (e: MessageEvent<LoadReply>) => {
      if ("part" in e.data) parts.push(e.data.part);
      else done(joinParts(parts, e.data));
    };
    // A worker that cannot start (blocked by a policy, failed chunk load) must not lose the open.
    worker.onerror = (e) => {
      e.preventDefault();
      done(null);
    };
    worker.postMessage(request);
  });
}
