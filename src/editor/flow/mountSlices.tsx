import { useEffect, useMemo, useRef, useState } from "react";
import type { FarGeometry } from "./farGeometry";
import type { Box } from "./nearWires";
import { useOpeningFile } from "../store/importDoor";
import { useEditorInstance } from "../store/react";
import { useCanvasUi } from "./canvasUi";

/**
 * Nodes handed to xyflow at once, at most: more than this wait for the next frames, nearest the
 * view first, drawn on the canvas layer meanwhile. A zoom in to just above LOD_ZOOM on a big grid
 * brings in ~600 nodes; opening a file at a saved far view, or selecting all, thousands.
 */
const FIRST_CHUNK = 250;
const MIN_CHUNK = 50;
const MAX_CHUNK = 2000;
/**
 * Nodes held only as the far end of a wire near the view go in at most this many a frame, after
 * the others: each brings wires that cross the view (the image encoder feeds every IP-Adapter), and
 * mounting ~600 of them at once was the longest task of opening the 5,000-node file.
 */
const ENDS_A_FRAME = 25;
/** A frame slower than this means the last slice was too big; one quicker than half of it, too small. */
const FRAME_BUDGET_MS = 60;

export interface Admission {
  /** Indices (in `g`) of the nodes handed to xyflow now; null when every node is (small graphs). */
  shown: ReadonlySet<number> | null;
  /** "Opening… done / total" while a newly opened document still has nodes waiting. */
  progress: { done: number; total: number } | null;
}

interface Admitted {
  epoch: number;
  /** Ids, not indices: a new geometry (an edit) renumbers nodes. */
  ids: ReadonlySet<string>;
  /** The `wanted` set these were chosen for: a new one admits its first chunk at once. */
  for: ReadonlySet<number> | null;
  opening: boolean;
}

/**
 * Which of the `wanted` nodes xyflow holds: those already held, those in `now` (being dragged:
 * they must move this frame), and the rest a chunk a frame, nearest the middle of `area` first. The chunk
 * grows while frames come quickly and shrinks after a slow one. Each chunk costs xyflow a pass
 * over the nodes it holds, which are only those near the view, so a slice stays cheap however big
 * the document is.
 */
export function useAdmission(
  g: FarGeometry | null,
  wanted: ReadonlySet<number> | null,
  core: ReadonlySet<number> | null,
  now: ReadonlySet<number>,
  area: Box,
  epoch: number,
): Admission {
  const [state, setState] = useState<Admitted>({ epoch, ids: new Set(), for: null, opening: true });
  const [queueOf] = useState(createQueues);
  let s = state;
  if (s.epoch !== epoch) s = { epoch, ids: new Set(), for: null, opening: true };
  if (g && wanted && s.for !== wanted) {
    const ids = new Set<string>();
    for (const i of wanted) if (s.ids.has(g.ids[i]) || now.has(i)) ids.add(g.ids[i]);
    for (const i of nextSlice(queueOf(g, wanted, core, area), (i) => !ids.has(g.ids[i]), FIRST_CHUNK, 0))
      ids.add(g.ids[i]);
    s = { ...s, ids, for: wanted };
  }
  const last = useRef<ReadonlySet<number> | null>(null);
  const shown = useMemo(() => {
    if (!g || !wanted) return null;
    const out = new Set<number>();
    for (const i of wanted) if (now.has(i) || s.ids.has(g.ids[i])) out.add(i);
    // The same set as before (a drag starting on a held node): the same object, so xyflow is
    // handed the same node array and the drag's frames stay on the dragged nodes alone.
    const was = last.current;
    if (was && was.size === out.size && [...out].every((i) => was.has(i))) return was;
    return out;
  }, [g, wanted, now, s.ids]);
  useEffect(() => void (last.current = shown), [shown]);
  const waiting = shown && wanted ? wanted.size - shown.size : 0;
  if (s.opening && !waiting && s.for) s = { ...s, opening: false };
  // Adjusting state while rendering: React re-renders at once, before anything is committed.
  if (s !== state) setState(s);

  const latest = useRef({ g, wanted, core, area });
  latest.current = { g, wanted, core, area };
  useNextSlice(waiting > 0, s.ids, setState, latest, queueOf);
  const total = g?.ids.length ?? 0;
  return { shown, progress: s.opening && waiting ? { done: total - waiting, total } : null };
}

/** The `wanted` nodes in the order they go in: those of `core` nearest first, then the others nearest first. */
interface Queue {
  core: readonly number[];
  ends: readonly number[];
}
type QueueOf = (g: FarGeometry, wanted: ReadonlySet<number>, core: ReadonlySet<number> | null, area: Box) => Queue;

/**
 * The order `wanted` goes in, sorted once per set (sorting what waits on each slice of an
 * opening file was a pass over ~600 nodes, with an object each, per frame). One per canvas
 * (useAdmission): it keeps the last queue, and what it was sorted for.
 */
function createQueues(): QueueOf {
  let kept:
    { g: FarGeometry; wanted: ReadonlySet<number>; core: ReadonlySet<number> | null; area: Box; q: Queue } | undefined;
  return (g, wanted, core, area) => {
    if (kept?.wanted === wanted && kept.g === g && kept.core === core && kept.area === area) return kept.q;
    const all = [...wanted];
    const q = {
      core: nearestFirst(g, core ? all.filter((i) => core.has(i)) : all, area),
      ends: core
        ? nearestFirst(
            g,
            all.filter((i) => !core.has(i)),
            area,
          )
        : [],
    };
    kept = { g, wanted, core, area, q };
    return q;
  };
}

/**
 * The next nodes to hand in: up to `chunk` of those still `waiting` in `core` (near the view or
 * kept), nearest the middle of `area` first; once none of those wait, up to `ends` of the others
 * (far ends of wires).
 */
function nextSlice(q: Queue, waiting: (i: number) => boolean, chunk: number, ends: number): number[] {
  const take = (list: readonly number[], n: number) => {
    const out: number[] = [];
    for (let k = 0; k < list.length && out.length < n; k++) if (waiting(list[k])) out.push(list[k]);
    return out;
  };
  const near = take(q.core, chunk);
  return near.length ? near : take(q.ends, ends);
}

/**
 * `pending` (indices in `g`) ordered by how far their middle is from the middle of `area`, in
 * fractions of its width and height: the nodes on screen come first even on a wide screen.
 */
export function nearestFirst(g: FarGeometry, pending: readonly number[], area: Box): number[] {
  const { rects } = g;
  const cx = (area.x0 + area.x1) / 2;
  const cy = (area.y0 + area.y1) / 2;
  const w = Math.max(1, area.x1 - area.x0);
  const h = Math.max(1, area.y1 - area.y0);
  const d = (i: number) => {
    const o = i * 4;
    return Math.max(Math.abs(rects[o] + rects[o + 2] / 2 - cx) / w, Math.abs(rects[o + 1] + rects[o + 3] / 2 - cy) / h);
  };
  return pending
    .map((i) => ({ i, d: d(i) }))
    .sort((a, b) => a.d - b.d)
    .map((x) => x.i);
}

/** Admits the next chunk of waiting nodes on the next frame, sized by how long the last frame took. */
function useNextSlice(
  waiting: boolean,
  ids: ReadonlySet<string>,
  set: (f: (s: Admitted) => Admitted) => void,
  latest: {
    current: {
      g: FarGeometry | null;
      wanted: ReadonlySet<number> | null;
      core: ReadonlySet<number> | null;
      area: Box;
    };
  },
  queueOf: QueueOf,
) {
  const chunk = useRef(FIRST_CHUNK);
  const last = useRef(0);
  useEffect(() => {
    if (!waiting) {
      last.current = 0;
      chunk.current = FIRST_CHUNK;
      return;
    }
    const raf = requestAnimationFrame((t) => {
      const took = last.current ? t - last.current : 0;
      last.current = t;
      if (took > FRAME_BUDGET_MS) chunk.current = Math.max(MIN_CHUNK, Math.round(chunk.current / 2));
      else if (took && took < FRAME_BUDGET_MS / 2) chunk.current = Math.min(MAX_CHUNK, chunk.current * 2);
      set((s) => {
        const { g, wanted, core, area } = latest.current;
        if (!g || !wanted || s.for !== wanted) return s;
        const next = nextSlice(
          queueOf(g, wanted, core, area),
          (i) => !s.ids.has(g.ids[i]),
          chunk.current,
          ENDS_A_FRAME,
        );
        if (!next.length) return s;
        const ids = new Set(s.ids);
        for (const i of next) ids.add(g.ids[i]);
        return { ...s, ids };
      });
    });
    return () => cancelAnimationFrame(raf);
  }, [waiting, ids, set, latest, queueOf]);
}

/** "4,800": toLocaleString's first call loads the locale data, ~50 ms in the task that mounts a big file. */
const count = (x: number) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** A line over the canvas with a bar that sweeps: for work whose share done is unknown. */
function Pending({ text, testId }: { text: string; testId: string }) {
  return (
    <div className="mount-progress reading" role="status" data-testid={testId}>
      <span>{text}</span>
      <div className="mount-bar" aria-hidden="true">
        <div />
      </div>
    </div>
  );
}

/**
 * Over the canvas while a big file opens: "Opening big.json…" while it is read and checked, then
 * "Opening… 2,400 / 5,000 nodes" while its nodes are handed in; "Arranging 5,000 nodes…" while
 * ELK lays the graph out in its worker.
 */
export function MountProgress({ progress }: { progress: { done: number; total: number } | null }) {
  const file = useOpeningFile(useEditorInstance());
  const arranging = useCanvasUi((s) => s.arranging);
  if (!progress && file) return <Pending text={`Opening ${file}…`} testId="file-opening" />;
  if (!progress && arranging) return <Pending text={`Arranging ${count(arranging)} nodes…`} testId="arranging" />;
  if (!progress) return null;
  const { done, total } = progress;
  return (
    <div className="mount-progress" role="status" data-testid="mount-progress">
      <span>
        Opening… {count(done)} / {count(total)} nodes
      </span>
      <div className="mount-bar" aria-hidden="true">
        <div style={{ width: `${(100 * done) / total}%` }} />
      </div>
    </div>
  );
}
