import type { ElkNode } from "elkjs/lib/elk-api";
import { estimateNodeSize, type WorkflowDocument, type WorkflowNode } from "../../graph";
import { elkHere, layoutDocument } from "../engine";
import { definePart, type Editor } from "../store/editor";
import { canvasUiOf } from "./canvasUi";
import { canvasViewOf } from "./view";
import type { ArrangeReply } from "./arrangeWorker";

/**
 * ELK in a fresh worker, or null when no worker can be used (tests, a worker that fails to start),
 * so the caller lays out in this thread instead. `stop` ends the worker (a newer arrange, a new document).
 */
function elkInWorker(graph: ElkNode, stop?: AbortSignal): Promise<ElkNode | null> {
  if (typeof Worker === "undefined") return Promise.resolve(null);
  let worker: Worker;
  try {
    worker = new Worker(new URL("./arrangeWorker.ts", import.meta.url), { type: "module", name: "arrange" });
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const end = () => {
      worker.terminate();
      stop?.removeEventListener("abort", aborted);
    };
    const aborted = () => {
      end();
      reject(new DOMException("Arrange stopped", "AbortError"));
    };
    stop?.addEventListener("abort", aborted);
    worker.onmessage = (e: MessageEvent<ArrangeReply>) => {
      end();
      if ("graph" in e.data) resolve(e.data.graph);
      else reject(new Error(e.data.failure));
    };
    // A worker whose script cannot load must not lose the arrange: it runs here then.
    worker.onerror = (e) => {
      e.preventDefault();
      end();
      resolve(null);
    };
    worker.postMessage(graph);
  });
}

/**
 * ELK's run for layoutDocument: in a worker where one starts, else in this thread. Every layout
 * the editor makes goes through it (Arrange, an import, an import laid out again once drawn):
 * in the page, ELK blocks the canvas for as long as it runs.
 */
export function runElk(stop?: AbortSignal) {
  return async (graph: ElkNode): Promise<ElkNode> => {
    const off = await elkInWorker(graph, stop);
    return off ?? elkHere(graph);
  };
}

/** Whether `b` has the same nodes at the same places as `a` (a param edit keeps each position object). */
function samePlaces(a: readonly WorkflowNode[], b: readonly WorkflowNode[]): boolean {
  return a === b || (a.length === b.length && a.every((n, i) => n.id === b[i].id && n.position === b[i].position));
}

/** This editor's arrange in progress: a newer one stops it. */
const arrangePart = definePart("arrange", () => ({ running: null as AbortController | null }));

/**
 * Lays the document out (one undo step) with ELK off the main thread; the canvas says
 * "Arranging n nodes…" meanwhile. Resolves to the laid-out document, or null when it was
 * stopped: by a newer arrange, or because nodes were moved, added or removed while ELK ran (the
 * user's edit wins).
 */
export async function arrangeDocument(editor: Editor): Promise<WorkflowDocument | null> {
  const { store } = editor;
  const ui = canvasUiOf(editor);
  const part = editor.part(arrangePart);
  part.running?.abort();
  const stop = (part.running = new AbortController());
  const doc = store.getState().view;
  const view = canvasViewOf(editor);
  ui.set({ arranging: doc.nodes.length });
  try {
    const tidy = await layoutDocument(doc, store.registry, {
      // Measured sizes where the editor has drawn a node; the shared estimate elsewhere.
      nodeSize: (n, def) => view.nodeSizes.get(n.id) ?? estimateNodeSize(n, def),
      runElk: runElk(stop.signal),
    });
    if (stop.signal.aborted || !samePlaces(doc.nodes, store.getState().view.nodes)) return null;
    store.moveNodes(tidy.nodes.map((n) => ({ id: n.id, position: n.position })));
    return tidy;
  } catch (e) {
    if (stop.signal.aborted) return null;
    throw e;
  } finally {
    if (part.running === stop) {
      part.running = null;
      ui.set({ arranging: null });
    }
  }
}
