import {
  getViewportForBounds,
  type Edge,
  type Node,
  type ReactFlowInstance,
  type Rect,
  type Viewport,
} from "@xyflow/react";
import { getBoundsOfRects, getNodeDimensions } from "@xyflow/system";
import type { CanvasView } from "./view";
import { drawerOpenHeight } from "../run/drawerSize";
import { LOD_ZOOM } from "./zoom";

/**
 * A panel floating over the canvas's top (the import report, the component breadcrumb): the fit
 * keeps nodes below it.
 */
export const CANVAS_OVERLAY = "[data-canvas-overlay]";

/** The minimap's box (bottom-right of the canvas); fitting keeps the graph clear of it. */
export const MINIMAP = { width: 150, height: 96, margin: 12 } as const;
/** Low enough to fit 5,000 nodes (the loader's cap) in view: far out a big graph is one cheap canvas. */
export const MIN_ZOOM = 0.02;
/** Never blow a small graph up past 100%: widgets at 180% look broken, not "fitted". */
export const FIT_MAX_ZOOM = 1;
/** Room on every side: the save status (top-left) sits in it. */
export const EDGE = 44;
/** Room between the zoom controls and the graph, as the minimap's margin leaves beside it. */
const CONTROLS_GAP = 12;

export interface Padding {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

const zoomFor = (b: Rect, pane: { width: number; height: number }, p: Padding) =>
  Math.min(
    (pane.width - p.left - p.right) / Math.max(b.width, 1),
    (pane.height - p.top - p.bottom) / Math.max(b.height, 1),
    FIT_MAX_ZOOM,
  );

/**
 * A box in a bottom corner of the canvas that no node may be under at fit (the minimap, the zoom
 * controls): the padding that clears it from beside it (`width`, on its `side`) or from above it
 * (`height`).
 */
export interface Corner {
  side: "left" | "right";
  width: number;
  height: number;
}

/** The minimap's corner (bottom-right). */
export const MINIMAP_CORNER: Corner = {
  side: "right",
  width: MINIMAP.width + 2 * MINIMAP.margin,
  height: MINIMAP.height + 2 * MINIMAP.margin,
};

/**
 * Padding (px) for fitting `bounds` into `pane` with no node under a corner box: each box is
 * cleared from beside it or from above it, whichever costs less zoom (a wide pipeline gives up
 * height, a tall one width); with a tie, from above. `widen` adds what else each way must keep
 * clear (the drawer's room, a panel over the top, the lesson card), so that the choice counts it:
 * the minimap cleared from beside it, right of a graph already squeezed beside the lesson card,
 * left that graph a third of its zoom.
 */
export function fitPadding(
  bounds: Rect,
  pane: { width: number; height: number },
  corners: readonly Corner[],
  widen: (p: Padding) => Padding = (p) => p,
): Padding {
  let best: Padding | null = null;
  let bestZoom = -Infinity;
  // Every way of clearing them: two boxes, four ways.
  for (let beside = 0; beside < 1 << corners.length; beside++) {
    let p = { top: EDGE, right: EDGE, bottom: EDGE, left: EDGE };
    corners.forEach((c, i) => {
      if (beside & (1 << i)) p[c.side] = Math.max(p[c.side], c.width);
      else p.bottom = Math.max(p.bottom, c.height);
    });
    p = widen(p);
    const zoom = zoomFor(bounds, pane, p);
    if (zoom > bestZoom) [best, bestZoom] = [p, zoom];
  }
  return best!;
}

/**
 * The corner boxes on `pane` now: the minimap when shown, and the zoom controls, measured (their
 * buttons vary). Both ride up with the canvas's foot when the runs drawer opens.
 */
function cornersOf(pane: HTMLElement | null): Corner[] {
  if (!pane) return [];
  const corners = pane.querySelector(".react-flow__minimap") ? [MINIMAP_CORNER] : [];
  const controls = pane.querySelector(".react-flow__controls")?.getBoundingClientRect();
  const p = pane.getBoundingClientRect();
  if (controls?.width)
    corners.push({
      side: "left",
      width: controls.right - p.left + CONTROLS_GAP,
      height: p.bottom - controls.top + CONTROLS_GAP,
    });
  return corners;
}

// xyflow reads a bare number as a fraction of the pane; pixels need the unit.
const u = (n: number) => `${n}px` as const;
const px = (p: Padding) => ({ top: u(p.top), right: u(p.right), bottom: u(p.bottom), left: u(p.left) });

/** A panel over the canvas that the fit keeps every node out from under (the placed lesson card). */
export const CANVAS_RESERVE = "[data-canvas-reserve]";
/** Room between such a panel and the graph beside it. */
const RESERVE_GAP = 12;

type Pane = { width: number; height: number };

/**
 * Padding that keeps a graph `bounds` off `box` (a panel over the canvas, in canvas px): `p` widened
 * on the side of the box that costs the least zoom, beside it or above or below it.
 */
export function besidePadding(bounds: Rect, pane: Pane, p: Padding, box: Rect): Padding {
  const sides: Padding[] = [
    { ...p, left: Math.max(p.left, box.x + box.width + RESERVE_GAP) },
    { ...p, right: Math.max(p.right, pane.width - box.x + RESERVE_GAP) },
    { ...p, top: Math.max(p.top, box.y + box.height + RESERVE_GAP) },
    { ...p, bottom: Math.max(p.bottom, pane.height - box.y + RESERVE_GAP) },
  ];
  let best = sides[0];
  for (const side of sides.slice(1)) if (zoomFor(bounds, pane, side) > zoomFor(bounds, pane, best)) best = side;
  return best;
}

/** Whether any of `boxes` (graph space) lies under `box` (canvas px) in the view `vp`. */
export function anyUnder(boxes: readonly Rect[], vp: Viewport, box: Rect): boolean {
  return boxes.some((b) => {
    const x = b.x * vp.zoom + vp.x;
    const y = b.y * vp.zoom + vp.y;
    return (
      x < box.x + box.width && box.x < x + b.width * vp.zoom && y < box.y + box.height && box.y < y + b.height * vp.zoom
    );
  });
}

/** What a fit is asked to do. */
export interface FitOptions {
  /** Glides there (ms); else the view is set at once. */
  duration?: number;
  /** Only these nodes; else the whole graph. */
  ids?: readonly string[];
  /** Without waiting for the nodes to be measured (a big graph measures only those near the view). */
  now?: boolean;
  /**
   * A panel over the canvas (page px, as getBoundingClientRect) that no node may end under: the
   * lesson card being placed, not drawn there yet. Else the panel marked CANVAS_RESERVE, if any.
   */
  beside?: Rect;
}

/** Frames a fit waits for its nodes to be measured; then it fits them by their estimated sizes. */
const MEASURE_FRAMES = 60;

/**
 * Fits the whole graph (or `ids`) in the canvas, clear of the minimap and controls, at most 100%,
 * and clear of the room the closed runs drawer takes when it opens (Run opens it): the drawer then
 * covers no node, so neither opening nor closing it ever has to move the view. While a lesson card
 * sits on the canvas, no node ends under it: the graph is fitted beside it when the whole canvas
 * would put one there (docs/canvas.md#the-lesson-card).
 *
 * The view is set directly, once the nodes are measured (a few frames after they mount), never
 * through xyflow's fitView: its fits in flight share one promise, which one of them can leave
 * unresolved for good (docs/canvas.md#the-lesson-card). `view.fit` marks the fit until the view
 * starts moving to it, as fitView's queue did. A later fit supersedes one still waiting.
 */
export function fitGraph<N extends Node>(
  view: Pick<CanvasView, "fitted" | "layout" | "fit">,
  flow: ReactFlowInstance<N, Edge>,
  opts: FitOptions = {},
): void {
  const token = view.fit.ask();
  // An empty canvas is not "fitted": the first node added must not move the view on a resize.
  if (!opts.ids && (view.layout.get() || flow.getNodes().length)) view.fitted = true;
  let frames = 0;
  const attempt = () => {
    if (!view.fit.current(token)) return;
    const boxes = boxesOf(view, flow, opts.ids);
    if (!boxes.measured && !opts.now && ++frames < MEASURE_FRAMES) return void requestAnimationFrame(attempt);
    const vp = boxes.list.length ? viewportFor(boxes.list, opts.beside) : null;
    // Already there (a big file fitted as it opened, then again once it is mounted): no animation.
    const at = flow.getViewport();
    if (!vp || (Math.abs(at.x - vp.x) < 0.5 && Math.abs(at.y - vp.y) < 0.5 && Math.abs(at.zoom / vp.zoom - 1) < 1e-3))
      return view.fit.done(token);
    view.fit.handed(token);
    const over = () => view.fit.done(token);
    void flow.setViewport(vp, { duration: opts.duration }).then(over, over);
  };
  attempt();
}

/**
 * The boxes (graph space) of the graph's nodes, or of `ids`: a big graph's from its layout
 * (CanvasView.layout), as xyflow holds only the nodes near the view; a small one's from xyflow's
 * own nodes, which carry the measured sizes (else the estimate the node was derived with).
 */
function boxesOf<N extends Node>(
  view: Pick<CanvasView, "layout">,
  flow: ReactFlowInstance<N, Edge>,
  ids?: readonly string[],
): { list: Rect[]; measured: boolean } {
  const g = view.layout.get();
  if (g) {
    const at = ids ? ids.map((id) => g.index.get(id)).filter((i) => i !== undefined) : g.ids.map((_, i) => i);
    const r = g.rects;
    return {
      list: at.map((i) => ({ x: r[i * 4], y: r[i * 4 + 1], width: r[i * 4 + 2], height: r[i * 4 + 3] })),
      measured: true,
    };
  }
  let measured = true;
  const list: Rect[] = [];
  for (const id of ids ?? flow.getNodes().map((n) => n.id)) {
    const n = flow.getInternalNode(id);
    // Not in xyflow's lookup yet (just handed over): not measured either.
    if (!n?.measured.width || !n.measured.height) measured = false;
    if (n) list.push({ ...n.internals.positionAbsolute, ...getNodeDimensions(n) });
  }
  return { list, measured };
}

/** The view that fits `boxes` into the canvas as fitGraph says, as it is now. */
function viewportFor(boxes: readonly Rect[], beside?: Rect): Viewport {
  const bounds = boxes.reduce(getBoundsOfRects);
  const el = document.querySelector<HTMLElement>(".canvas .react-flow");
  const pane = el ? { width: el.clientWidth, height: el.clientHeight } : { width: innerWidth, height: innerHeight };
  const corners = cornersOf(el);
  const card = inPane(el, beside ?? document.querySelector(CANVAS_RESERVE)?.getBoundingClientRect());
  const fit = (p: Padding) => getViewportForBounds(bounds, pane.width, pane.height, MIN_ZOOM, FIT_MAX_ZOOM, px(p));
  const top = overlayBottom(el);
  const paddingFor = (room: number) => {
    // The corners ride up with the canvas's foot when the drawer opens: its room is under them.
    const clear = (p: Padding) => ({ ...p, bottom: p.bottom + room, top: Math.max(p.top, top) });
    const p = fitPadding(bounds, pane, corners, clear);
    if (!card || !anyUnder(boxes, fit(p), card)) return p;
    return fitPadding(bounds, pane, corners, (q) => besidePadding(bounds, pane, clear(q), card));
  };
  let padding = paddingFor(drawerRoom(pane.height));
  // Readable first: when keeping the drawer's room free would drop the graph below LOD_ZOOM, where
  // a light card gets too small for its words, the fit takes the whole height and the opened
  // drawer covers its foot (docs/canvas.md "Where the view goes").
  if (zoomFor(bounds, pane, padding) < LOD_ZOOM) padding = paddingFor(0);
  return fit(padding);
}

/** `box` (page px) in canvas px; null for none, or for a panel not drawn (a zero-sized box). */
function inPane(pane: HTMLElement | null, box: Rect | undefined): Rect | null {
  if (!pane || !box?.width || !box.height) return null;
  const p = pane.getBoundingClientRect();
  return { x: box.x - p.x, y: box.y - p.y, width: box.width, height: box.height };
}

/**
 * How much the canvas, `paneHeight` tall, shrinks when the closed runs drawer opens (0 while it is
 * open). The minimap rides up with the canvas's foot, so the fit keeps clear of it there too.
 */
function drawerRoom(paneHeight: number): number {
  const drawer = document.querySelector<HTMLElement>(".run-drawer");
  if (!drawer || drawer.classList.contains("open")) return 0;
  const room = drawerOpenHeight(innerHeight) - drawer.offsetHeight;
  // A window too short for both: the graph gets most of the canvas, and the drawer covers its foot.
  return Math.max(0, Math.min(room, paneHeight * 0.4));
}

/**
 * How far down the canvas a panel floating over its top reaches (the import report, the breadcrumb),
 * plus a gap: the fit keeps every node below it, so the panel covers none. One that comes or grows
 * after the fit refits a still-fitted view (refit.ts).
 */
function overlayBottom(pane: HTMLElement | null): number {
  if (!pane) return 0;
  const r = pane.getBoundingClientRect();
  let bottom = 0;
  for (const el of document.querySelectorAll(CANVAS_OVERLAY))
    bottom = Math.max(bottom, el.getBoundingClientRect().bottom - r.top + 12);
  // A long report (many notes) would leave the graph no room: it then covers the top, as a dialog would.
  return Math.min(bottom, r.height * 0.35);
}
