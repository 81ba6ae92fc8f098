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
 * `file` read and checked against `registry`. `read`: what `detectIncomingOffThread` with `open`
 * already read of it (with the built-in catalogue, the only registry the worker knows), handed on
 * by the import door so the open starts no second worker job.
 */
export async function loadWorkflowFile(file: Blob, registry: Registry, read?: LoadResult): Promise<LoadResult> {
  if (read && registry === catalogue) return read;
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

/** What a dropped or pasted thing is, and a workflow as the loader read it (`read`) when asked to. */
export type Detected = Incoming & { read?: LoadResult };

/**
 * What a dropped or pasted thing is (`detectIncoming`), off the main thread: telling a workflow
 * from a request means parsing the whole JSON, ~300 ms for a 5,000-node file on a busy machine.
 * With `open`, a workflow is also read and checked there, as `read`, for the
 * `loadWorkflowFile(input, registry, read)` that follows: one worker start and one read, not two.
 */
export async function detectIncomingOffThread(input: Blob, open = false): Promise<Detected> {
  const reply = await inWorker({ detect: input, open }, catalogue);
  if (reply && "incoming" in reply) return reply.result ? { ...reply.incoming, read: reply.result } : reply.incoming;
  // The readers of other tools' formats are not part of the first load.
  const { detectIncoming } = await import("../../interop/incoming");
  return detectIncoming(new Uint8Array(await input.arrayBuffer()));
}

function startLoader(): Worker | null {
  if (typeof Worker === "undefined") return null;
  try {
    return new Worker(new URL("./loadWorker.ts", import.meta.url), { type: "module", name: "workflow-loader" });
  } catch {
    return null;
  }
}

/**
 * A loader worker started before it is needed (warmLoader), taken by the next job. Starting one
 * (fetching, compiling and running its ~190 kB of code: the catalogue, the loader's schemas) took
 * 110–210 ms, a sixth of a 1,000-node drop's first render on the 2-core bench machine.
 */
let spare: { worker: Worker; failed: boolean } | null = null;

/**
 * Starts the loader worker of the next job now: once the page is idle after the first render
 * (main.tsx), and when a file is dragged over the canvas. One at most; it holds no editor state.
 */
export function warmLoader(): void {
  if (spare) return;
  const worker = startLoader();
  if (!worker) return;
  const s = { worker, failed: false };
  worker.onerror = (e) => {
    e.preventDefault();
    s.failed = true;
  };
  spare = s;
}

/** The spare worker when it started well, else a new one. */
function takeLoader(): Worker | null {
  const s = spare;
  spare = null;
  if (s && !s.failed) return s.worker;
  s?.worker.terminate();
  return startLoader();
}

/** One job in a fresh worker; null when a worker cannot be used, so the caller works here instead. */
function inWorker(request: LoadRequest, registry: Registry): Promise<LoadReply | null> {
  // The worker knows only the built-in catalogue; anything else (tests' stub registries) stays here.
  if (registry !== catalogue) return Promise.resolve(null);
  const worker = takeLoader();
  if (!worker) return Promise.resolve(null);
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
