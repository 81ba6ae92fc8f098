import { useEffect, useMemo, useRef, useState } from "react";
import { useStore } from "@xyflow/react";
import type { WorkflowNode } from "../../graph";
import { useEditor, useEditorInstance } from "../store/react";
import { viewBox, type Box } from "./nearWires";

/**
 * A document of this many nodes or more is handed to xyflow in slices, one a frame, nearest the
 * view first, with a progress line: handing it 5,000 nodes at once is one task of seconds
 * (adopting every node, then mounting those on screen), during which nothing else can run.
 */
export const SLICE_FROM = 400;
/** Nodes added a frame, to start with; then grown or shrunk to keep each frame's work short. */
const FIRST_CHUNK = 250;
const MIN_CHUNK = 50;
const MAX_CHUNK = 2000;
/** A frame slower than this means the last slice was too big; one quicker than half of it, too small. */
const FRAME_BUDGET_MS = 60;

export interface Mounting {
  /** The document's nodes handed to xyflow so far (the document's own array once all are). */
  shown: readonly WorkflowNode[];
  /** Whether a node is handed to xyflow yet; null once all are. */
  isShown: ((id: string) => boolean) | null;
  progress: { done: number; total: number } | null;
}

interface Slicing {
  epoch: number;
  rank: Map<string, number> | null;
  count: number;
}

/**
 * The nodes xyflow gets this frame. A newly opened document of SLICE_FROM nodes or more starts
 * with those in view (and the nearest after them); each frame adds a chunk until all are in.
 * Nodes added by an edit meanwhile go in at once. Anything else (edits, small files) goes in whole.
 */
export function useMountSlices(nodes: readonly WorkflowNode[]): Mounting {
  const { store } = useEditorInstance();
  const epoch = useEditor((s) => s.epoch);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const [slicing, setSlicing] = useState<Slicing>(() => start(nodes, epoch, store.getState().viewport, width, height));
  let s = slicing;
  if (s.epoch !== epoch) {
    // Adjusting state while rendering: React re-renders at once, before anything is committed.
    s = start(nodes, epoch, store.getState().viewport, width, height);
    setSlicing(s);
  }
  const rank = s.rank;
  const done = rank ? Math.min(s.count, nodes.length) : nodes.length;
  const mounting = !!rank && s.count < nodes.length;
  useNextSlice(mounting, epoch, s.count, setSlicing);
  const shown = useMemo(
    () => (mounting ? nodes.filter((n) => (rank!.get(n.id) ?? -1) < s.count) : nodes),
    [mounting, nodes, rank, s.count],
  );
  const isShown = useMemo(
    () => (mounting ? (id: string) => (rank!.get(id) ?? -1) < s.count : null),
    [mounting, rank, s.count],
  );
  return { shown, isShown, progress: mounting ? { done, total: nodes.length } : null };
}

function start(
  nodes: readonly WorkflowNode[],
  epoch: number,
  vp: { x: number; y: number; zoom: number },
  width: number,
  height: number,
): Slicing {
  if (nodes.length < SLICE_FROM) return { epoch, rank: null, count: Infinity };
  const seen = viewBox(vp, width && height ? { width, height } : { width: innerWidth, height: innerHeight });
  const { order, inView } = nearestFirst(nodes, seen);
  const rank = new Map<string, number>();
  order.forEach((n, i) => rank.set(n.id, i));
  return { epoch, rank, count: Math.max(FIRST_CHUNK, inView) };
}

/** The nodes ordered by distance from the view's centre, and how many have their corner in it. */
export function nearestFirst(nodes: readonly WorkflowNode[], seen: Box) {
  const cx = (seen.x0 + seen.x1) / 2;
  const cy = (seen.y0 + seen.y1) / 2;
  const d = (n: WorkflowNode) => Math.max(Math.abs(n.position.x - cx), Math.abs(n.position.y - cy));
  const order = nodes.map((n) => ({ n, d: d(n) })).sort((a, b) => a.d - b.d);
  // A node whose corner is left of or above the view may still reach into it: a node's width.
  const pad = 400;
  let inView = 0;
  for (const { n } of order)
    if (
      n.position.x >= seen.x0 - pad &&
      n.position.x <= seen.x1 &&
      n.position.y >= seen.y0 - pad &&
      n.position.y <= seen.y1
    )
      inView++;
  return { order: order.map((o) => o.n), inView };
}

/**
 * Adds a slice on the next frame while mounting. The slice grows while frames come quickly and
 * shrinks after a slow one: the cost of a slice is xyflow's pass over every node it already holds
 * plus the new ones, so a fixed size is either too slow at the start or too slow at the end.
 */
function useNextSlice(mounting: boolean, epoch: number, count: number, set: (f: (s: Slicing) => Slicing) => void) {
  const chunk = useRef(FIRST_CHUNK);
  const last = useRef(0);
  useEffect(() => {
    if (!mounting) {
      last.current = 0;
      chunk.current = FIRST_CHUNK;
      return;
    }
    const raf = requestAnimationFrame((now) => {
      const took = last.current ? now - last.current : 0;
      last.current = now;
      if (took > FRAME_BUDGET_MS) chunk.current = Math.max(MIN_CHUNK, Math.round(chunk.current / 2));
      else if (took && took < FRAME_BUDGET_MS / 2) chunk.current = Math.min(MAX_CHUNK, chunk.current * 2);
      set((s) => (s.epoch === epoch ? { ...s, count: s.count + chunk.current } : s));
    });
    return () => cancelAnimationFrame(raf);
  }, [mounting, epoch, count, set]);
}

/** "Opening… 2,400 / 5,000 nodes", over the canvas while a big document is handed in. */
export function MountProgress({ progress }: { progress: { done: number; total: number } | null }) {
  if (!progress) return null;
  const { done, total } = progress;
  const n = (x: number) => x.toLocaleString("en-US");
  return (
    <div className="mount-progress" role="status" data-testid="mount-progress">
      <span>
        Opening… {n(done)} / {n(total)} nodes
      </span>
      <div className="mount-bar" aria-hidden="true">
        <div style={{ width: `${(100 * done) / total}%` }} />
      </div>
    </div>
  );
}
