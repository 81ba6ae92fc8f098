import { useEffect } from "react";
import { useStoreApi, type ReactFlowInstance } from "@xyflow/react";
import { useFlowApi } from "./flowApi";
import type { Registry, WorkflowDocument, WorkflowNode, XY } from "../../graph";
import { layoutDocument } from "../engine";
import type { Editor } from "../store";
import { useEditor, useEditorInstance } from "../store/react";
import type { GraphFlowNode } from "./derive";
import { fitGraph } from "./fit";
import { refitStillFitted } from "./refit";
import { CULL_FROM_NODES } from "./useFlowElements";
import { canvasViewOf, type CanvasView, type Size } from "./view";
import { arrangeAdded } from "./place";
import { clearOverlaps } from "./clearOverlaps";
import { documentSettled, takeSettleRequest } from "../store/settleNext";
import { runElk } from "./arrange";

/** Nodes closer than this look stacked: their ports (which stick out of the sides) would touch. */
const SETTLE_GAP = 8;
/** How long to wait for every node to be drawn and keep its size; then leave the layout as it is. */
const MAX_FRAMES = 120;

/** Any two rects (top-left + size) closer than `gap`: the ids, else null. */
export function firstOverlap(
  rects: readonly { id: string; x: number; y: number; width: number; height: number }[],
  gap = 0,
): [string, string] | null {
  for (let i = 0; i < rects.length; i++)
    for (let j = i + 1; j < rects.length; j++) {
      const [a, b] = [rects[i], rects[j]];
      if (
        a.x < b.x + b.width + gap &&
        b.x < a.x + a.width + gap &&
        a.y < b.y + b.height + gap &&
        b.y < a.y + a.height + gap
      )
        return [a.id, b.id];
    }
  return null;
}

/** The drawn size of each of `nodes`, or null while one is not drawn yet. */
function measured(flow: ReactFlowInstance<GraphFlowNode>, nodes: readonly { id: string }[]): Map<string, Size> | null {
  const out = new Map<string, Size>();
  for (const n of nodes) {
    const m = flow.getInternalNode(n.id)?.measured;
    if (!m?.width || !m.height) return null;
    out.set(n.id, { width: m.width, height: m.height });
  }
  return out;
}

/** Lays `doc` out again with the drawn sizes when two of its nodes overlap; true when it moved them. */
export async function relayoutIfOverlapping(
  editor: Pick<Editor, "store">,
  registry: Registry,
  sizes: ReadonlyMap<string, Size>,
): Promise<boolean> {
  const doc = editor.store.getState().document;
  const rects = doc.nodes.map((n) => ({ id: n.id, ...n.position, ...sizes.get(n.id)! }));
  if (!firstOverlap(rects, SETTLE_GAP)) return false;
  const tidy = await layoutDocument(doc, registry, { nodeSize: (n) => sizes.get(n.id)!, runElk: runElk() });
  // The user got there first (moved or added something): their graph is left alone.
  if (editor.store.getState().document !== doc) return false;
  editor.store.moveNodes(
    tidy.nodes.map((n) => ({ id: n.id, position: n.position })),
    { silent: true },
  );
  return true;
}

/**
 * After the document changes, when its opener asked (store/settleNext.ts): waits until every node
 * has been drawn at a size that holds for two frames, then lays the graph out again if nodes
 * overlap (an import), or moves the nodes that cover another to the nearest free space (a
 * template or lesson, whose hand-placed nodes can draw taller than when they were placed), and
 * fits it again. Culled graphs (only nodes on screen are drawn) are left as they are. Either way,
 * once that is done and the view rests, says the document has settled (`documentSettled`).
 */
export function useSettleLayout(): void {
  const editor = useEditorInstance();
  const view = canvasViewOf(editor);
  const flow = useFlowApi<GraphFlowNode>();
  const rf = useStoreApi<GraphFlowNode>();
  const epoch = useEditor((s) => s.epoch);
  useEffect(() => {
    const how = takeSettleRequest(editor);
    const doc = editor.store.getState().document;
    let stopped = false;
    let resting: () => void = () => undefined;
    const settled = () => {
      if (!stopped) resting = whenViewRests(rf, view, () => documentSettled(editor, epoch));
    };
    const refit = (moved: boolean, fit: () => void) => {
      if (!moved) return settled();
      requestAnimationFrame(() => {
        if (!stopped) fit();
        settled();
      });
    };
    // Nodes moved clear of the ones they cover: a view still fitted follows (refit.ts decides). A
    // graph laid out again is fitted again whatever the view: it is not the graph the view was on.
    const cleared = () => refitStillFitted(view, flow, "cleared");
    const laidOut = () => fitGraph(view, flow, { duration: 200 });
    const cancel =
      !how || doc.nodes.length >= CULL_FROM_NODES
        ? (settled(), () => undefined)
        : whenDrawn(editor, flow, doc, doc.nodes, settled, (sizes) => {
            if (how === "clear") return refit(clearDrawnOverlaps(editor, sizes), cleared);
            void relayoutIfOverlapping(editor, editor.registry, sizes).then((moved) => refit(moved, laidOut), settled);
          });
    return () => {
      stopped = true;
      cancel();
      resting();
    };
  }, [epoch, editor, view, flow, rf]);
  useSettleAdded();
}

/**
 * The settling above as a part of the node views' chunk (drawnParts.ts), rendered inside the
 * canvas: it only acts on nodes, and nodes wait for that chunk (docs/codebase.md#the-first-load).
 */
export function Settle(): null {
  useSettleLayout();
  return null;
}

/**
 * Calls `then` once the view rests: no fit pending (waiting for its nodes' sizes, or handed to
 * xyflow and not started: `view.fit`), no gesture, and the same transform in three frames running.
 * `view.motion` alone can be false while a fit animates: xyflow sends a move's end on a timeout,
 * after the start of a fit that interrupted it; the transform moving says so then.
 */
export function whenViewRests(
  rf: { getState(): { transform: readonly number[] } },
  view: Pick<CanvasView, "fit" | "motion">,
  then: () => void,
) {
  let raf = 0;
  let still = 0;
  let last = "";
  const tick = () => {
    const s = rf.getState();
    const now = s.transform.join();
    still = !view.fit.pending && !view.motion.moving && now === last ? still + 1 : 0;
    last = now;
    if (still >= 2) then();
    else raf = requestAnimationFrame(tick);
  };
  raf = requestAnimationFrame(tick);
  return () => cancelAnimationFrame(raf);
}

/**
 * Moves each node that covers another, by the drawn sizes, to the nearest free space; no undo
 * step, and a document opened clean stays clean (nothing the user did). True when it moved any.
 */
export function clearDrawnOverlaps(editor: Pick<Editor, "store">, sizes: ReadonlyMap<string, Size>): boolean {
  const doc = editor.store.getState().document;
  const moves = clearOverlaps(
    doc.nodes.map((n) => ({ id: n.id, ...n.position, ...sizes.get(n.id)! })),
    SETTLE_GAP,
  );
  if (moves.length) editor.store.moveNodes(moves, { silent: true, keepClean: true });
  return moves.length > 0;
}

/**
 * Calls `then` with the drawn sizes of `ids` once they hold for two frames in a row, as long as the
 * document stays `doc`; `otherwise` when it does not (the user acted first: their graph is left as
 * it is) or after MAX_FRAMES.
 */
function whenDrawn(
  editor: Pick<Editor, "store">,
  flow: ReactFlowInstance<GraphFlowNode>,
  doc: WorkflowDocument,
  nodes: readonly { id: string }[],
  otherwise: () => void,
  then: (sizes: Map<string, Size>) => void,
): () => void {
  let stopped = false;
  let frames = 0;
  let last = "";
  const tick = () => {
    if (stopped) return;
    if (editor.store.getState().document !== doc) return otherwise();
    const sizes = measured(flow, nodes);
    const sig = sizes ? JSON.stringify([...sizes]) : "";
    if (sizes && sig === last) return then(sizes);
    last = sig;
    if (++frames < MAX_FRAMES) requestAnimationFrame(tick);
    else otherwise();
  };
  requestAnimationFrame(tick);
  return () => void (stopped = true);
}

/** Frames a new node may wait, drawn, for its size to hold before it is shown where it is. */
const MAX_SETTLE_FRAMES = 240;

/**
 * A node just added was placed by an estimate of its size; drawn, it can be taller (an error line
 * under an empty required field). It stays hidden (view.placed) until it has been drawn at a size
 * that holds for two frames, then moves clear of the others if it now covers one, and shows.
 *
 * Nothing but the node itself ends the wait: not a later edit, a pan or another addition (each
 * batch is placed in turn, against the ones before it). On a busy machine the first draw can take
 * seconds; a wait cancelled by whatever changed the document meanwhile left nodes stacked.
 */
function useSettleAdded(): void {
  const editor = useEditorInstance();
  const view = canvasViewOf(editor);
  const flow = useFlowApi<GraphFlowNode>();
  useEffect(() => {
    let raf = 0;
    // Where each waiting node was put: moved since (a drag, an undo), it is the user's to place.
    const at = new Map<string, XY>();
    let last = "";
    let frames = 0;
    const tick = () => {
      raf = 0;
      const nodes = editor.store.getState().view.nodes;
      const waiting = stillWaiting(view, flow, nodes, at);
      if (!waiting.length) return;
      const sizes = measured(flow, waiting);
      const sig = sizes ? JSON.stringify([...sizes]) : "";
      // Not drawn yet, it covers nothing: wait. Drawn, wait for its size to hold (or give up).
      if (!sizes || (sig !== last && ++frames < MAX_SETTLE_FRAMES)) {
        last = sig;
        raf = requestAnimationFrame(tick);
        return;
      }
      const moves = placeBatches(editor.store.registry, view, nodes, sizes);
      if (moves.length) editor.store.moveNodes(moves, { silent: true });
      for (const n of waiting) at.delete(n.id);
      view.placed.delete(waiting.map((n) => n.id));
      last = "";
      frames = 0;
    };
    const wake = () => {
      if (view.placed.size && !raf) raf = requestAnimationFrame(tick);
    };
    const offPlaced = view.placed.subscribe(wake);
    const offStore = editor.store.subscribe(wake);
    wake();
    return () => {
      offPlaced();
      offStore();
      cancelAnimationFrame(raf);
    };
  }, [editor, view, flow]);
}

/**
 * The nodes still waiting to be placed. Forgets those gone from the canvas, moved since they were
 * put down or being dragged, and all of them on a culled canvas (only nodes on screen are drawn).
 */
function stillWaiting(
  view: CanvasView,
  flow: ReactFlowInstance<GraphFlowNode>,
  nodes: readonly WorkflowNode[],
  at: Map<string, XY>,
): WorkflowNode[] {
  const out: WorkflowNode[] = [];
  const forget = new Set(view.placed.batches().flat());
  if (nodes.length < CULL_FROM_NODES)
    for (const n of nodes) {
      if (!view.placed.has(n.id)) continue;
      const was = at.get(n.id) ?? n.position;
      at.set(n.id, was);
      if (was.x !== n.position.x || was.y !== n.position.y || flow.getInternalNode(n.id)?.dragging) continue;
      out.push(n);
      forget.delete(n.id);
    }
  for (const id of forget) at.delete(id);
  view.placed.delete(forget);
  return out;
}

/** Where each batch of waiting nodes goes by its drawn size, clear of the others and of the batches before it. */
function placeBatches(
  registry: Registry,
  view: CanvasView,
  nodes: readonly WorkflowNode[],
  drawn: ReadonlyMap<string, Size>,
): { id: string; position: XY }[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let placed = nodes.filter((n) => !drawn.has(n.id));
  const moves: { id: string; position: XY }[] = [];
  for (const ids of view.placed.batches()) {
    const batch = ids.filter((id) => drawn.has(id)).map((id) => byId.get(id)!);
    if (!batch.length) continue;
    const d = arrangeAdded(view, batch, placed, (t) => registry.get(t), drawn);
    const moved = batch.map((n) => ({ ...n, position: { x: n.position.x + d.x, y: n.position.y + d.y } }));
    if (d.x || d.y) moves.push(...moved.map((n) => ({ id: n.id, position: n.position })));
    placed = [...placed, ...moved];
  }
  return moves;
}
