import { getViewportForBounds, type Edge, type Node, type ReactFlowInstance, type Rect } from "@xyflow/react";
import type { CanvasView } from "./view";
import { geometryBounds } from "./farGeometry";
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
 * height, a tall one width); with a tie, from above.
 */
export function fitPadding(bounds: Rect, pane: { width: number; height: number }, corners: readonly Corner[]): Padding {
  let best: Padding | null = null;
  let bestZoom = -Infinity;
  // Every way of clearing them: two boxes, four ways.
  for (let beside = 0; beside < 1 << corners.length; beside++) {
    const p = { top: EDGE, right: EDGE, bottom: EDGE, left: EDGE };
    corners.forEach((c, i) => {
      if (beside & (1 << i)) p[c.side] = Math.max(p[c.side], c.width);
      else p.bottom = Math.max(p.bottom, c.height);
    });
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

/**
 * Fits the whole graph (or `ids`) in the canvas, clear of the minimap and controls, at most 100%,
 * and clear of the room the closed runs drawer takes when it opens (Run opens it): the drawer then
 * covers no node, so neither opening nor closing it ever has to move the view.
 * A big graph's bounds come from its layout (CanvasView.layout): xyflow holds only the nodes near
 * the view.
 */
export function fitGraph<N extends Node>(
  view: Pick<CanvasView, "fitted" | "layout">,
  flow: ReactFlowInstance<N, Edge>,
  opts: { duration?: number; ids?: readonly string[]; now?: boolean } = {},
): void {
  const g = view.layout.get();
  const all = g ? null : flow.getNodes();
  const nodes = all && opts.ids ? all.filter((n) => opts.ids!.includes(n.id)) : all;
  const bounds = g ? geometryBounds(g, opts.ids) : nodes?.length ? flow.getNodesBounds(nodes.map((n) => n.id)) : null;
  if (!bounds) return;
  const el = document.querySelector<HTMLElement>(".canvas .react-flow");
  const pane = el ? { width: el.clientWidth, height: el.clientHeight } : { width: innerWidth, height: innerHeight };
  const corners = cornersOf(el);
  if (!opts.ids) view.fitted = true;
  const paddingFor = (room: number) => {
    const p = fitPadding(bounds, { width: pane.width, height: pane.height - room }, corners);
    p.bottom += room;
    p.top = Math.max(p.top, overlayBottom(el));
    return p;
  };
  let padding = paddingFor(drawerRoom(pane.height));
  // Readable first: when keeping the drawer's room free would drop the graph below LOD_ZOOM, where
  // a light card gets too small for its words, the fit takes the whole height and the opened
  // drawer covers its foot (docs/canvas.md "Where the view goes").
  if (zoomFor(bounds, pane, padding) < LOD_ZOOM) padding = paddingFor(0);
  if (g || opts.now) {
    // xyflow's fitView waits until every node is measured, or until the next one is: a big graph
    // has its on-screen nodes measured long before, and its others never.
    const vp = getViewportForBounds(bounds, pane.width, pane.height, MIN_ZOOM, FIT_MAX_ZOOM, px(padding));
    // Already there (a big file fitted as it opened, then again once it is mounted): no animation.
    const at = flow.getViewport();
    if (Math.abs(at.x - vp.x) < 0.5 && Math.abs(at.y - vp.y) < 0.5 && Math.abs(at.zoom / vp.zoom - 1) < 1e-3) return;
    void flow.setViewport(vp, { duration: opts.duration });
    return;
  }
  void flow.fitView({
    nodes: opts.ids ? nodes!.map((n) => ({ id: n.id })) : undefined,
    // By id: the internal nodes carry the measured sizes; the controlled ones may not have them yet.
    padding: px(padding),
    maxZoom: FIT_MAX_ZOOM,
    duration: opts.duration,
  });
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
