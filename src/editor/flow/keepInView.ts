import { useEffect, useRef, type RefObject } from "react";
import { useReactFlow, useStore, type InternalNode, type Viewport } from "@xyflow/react";
import { useEditorInstance } from "../store/react";
import { useRunState } from "../run/runtime";
import { canvasViewOf } from "./view";
import type { GraphFlowNode } from "./derive";
import { LOD_ZOOM } from "./zoom";

/** Room kept between the followed node and the canvas's edge or the minimap (px on screen). */
const MARGIN = 12;

/**
 * How far (px, on screen) to pan the view vertically so a node spanning `top`–`bottom` lies within
 * `lo`–`hi`, `margin` inside them when there is room: the least move that does it. A node taller
 * than the whole room shows its foot, where a Sampler shows its result. 0 when it is already in.
 */
export function panToShow(top: number, bottom: number, lo: number, hi: number, margin: number): number {
  const m = bottom - top <= hi - lo - 2 * margin ? margin : Math.max(0, (hi - lo - (bottom - top)) / 2);
  if (top >= lo + m && bottom <= hi - m) return 0;
  if (bottom - top > hi - lo || bottom > hi - m) return hi - m - bottom;
  return lo + m - top;
}

/** Runs made before this page loaded (history) are not followed: only the ones started here. */
const PAGE_START = Date.now();

/**
 * A view nobody has moved follows the Sampler of a run started on this page: when the run starts,
 * when the runs drawer shortens the canvas, and when the result makes the node taller, the view pans
 * just far enough to show the node clear of the drawer and the minimap, zooming out only as far as
 * a node taller than the canvas needs (a few per cent for the starter's Sampler at 1280×720; never
 * the whole graph re-fitted, which made every node jump and shrink). Without it the result arrived
 * under the drawer at 1280×720, and below the canvas's foot at 1440×900. A view
 * the user panned or zoomed (`fitted` false) is left alone, and so is every view once the user
 * presses or types on the canvas after the run started: a node they expand stays under the pointer.
 */
export function useKeepRunInView(canvasRef: RefObject<HTMLDivElement | null>): void {
  const editor = useEditorInstance();
  const flow = useReactFlow<GraphFlowNode>();
  const run = useRunState((s) => {
    const r = s.runs[0];
    return r && r.createdAt >= PAGE_START ? `${r.id}\u001f${r.outputNodeId}` : "";
  });
  const id = run.split("\u001f")[1] as string | undefined;
  const paneHeight = useStore((s) => s.height);
  const nodeHeight = useStore((s) => (id ? (s.nodeLookup.get(id)?.measured.height ?? 0) : 0));
  const last = useRef({ run, paneHeight, nodeHeight });
  const following = useRef(false);
  // The view a pan in flight is heading for. Mid-flight the view is zoomed out a little (d3's
  // smooth zoom), so a second pan started from it would keep that zoom for good.
  const heading = useRef<Viewport | null>(null);

  // Any press or key on the canvas ends the following until the next run.
  useEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    const stop = () => void (following.current = false);
    el.addEventListener("pointerdown", stop, true);
    el.addEventListener("keydown", stop, true);
    return () => {
      el.removeEventListener("pointerdown", stop, true);
      el.removeEventListener("keydown", stop, true);
    };
  }, [canvasRef]);

  useEffect(() => {
    const was = last.current;
    last.current = { run, paneHeight, nodeHeight };
    if (run !== was.run) following.current = !!run;
    const moved = run !== was.run || paneHeight < was.paneHeight || nodeHeight > was.nodeHeight;
    if (!id || !following.current || !moved) return;
    const raf = requestAnimationFrame(() => {
      const n = flow.getInternalNode(id);
      const pane = canvasRef.current?.querySelector<HTMLElement>(".react-flow");
      if (!canvasViewOf(editor).fitted || !n?.measured.height || !pane) return;
      const to = followView(heading.current ?? flow.getViewport(), n, pane);
      if (!to) return;
      heading.current = to;
      void flow.setViewport(to, { duration: 200 }).finally(() => {
        if (heading.current === to) heading.current = null;
      });
    });
    return () => cancelAnimationFrame(raf);
  }, [run, id, paneHeight, nodeHeight, editor, flow, canvasRef]);
}

/**
 * The view that shows node `n` whole, from `vp`: panned vertically, and zoomed out around the
 * node's middle only if the node is taller than the room at this zoom (never past LOD_ZOOM, where
 * nodes turn into cards: a taller node then shows its foot). Null when `vp` already shows it.
 */
function followView(vp: Viewport, n: InternalNode, pane: HTMLElement): Viewport | null {
  const { x, y } = n.internals.positionAbsolute;
  const w = n.measured.width ?? 0;
  const h = n.measured.height ?? 0;
  const room = roomBelow(pane, x * vp.zoom + vp.x, (x + w) * vp.zoom + vp.x);
  const zoom = Math.min(vp.zoom, Math.max(LOD_ZOOM, (room - 2 * MARGIN) / h));
  const middle = (x + w / 2) * vp.zoom + vp.x;
  const at = { x: middle - (x + w / 2) * zoom, y: vp.y, zoom };
  const top = y * zoom + at.y;
  const dy = panToShow(top, top + h * zoom, 0, room, MARGIN);
  if (Math.abs(dy) < 1 && zoom === vp.zoom) return null;
  return { ...at, y: at.y + dy };
}

/** Where the room for a node spanning `left`–`right` ends: the minimap's top if it is below it. */
function roomBelow(pane: HTMLElement, left: number, right: number): number {
  const p = pane.getBoundingClientRect();
  const m = pane.querySelector(".react-flow__minimap")?.getBoundingClientRect();
  if (m && left < m.right - p.left && right > m.left - p.left) return m.top - p.top;
  return pane.clientHeight;
}
