import type { XY } from "../../graph";
import type { FarGeometry, FarWire } from "./farGeometry";
import { boxMeets, controlOffset, overlaps, wireBox, wireBoxes, wireStops, type Box } from "./nearWires";
import { drawFrames, drawRerouteDots, type FarFrames } from "./farFrames";

export type Transform = readonly [number, number, number];

/** Screen width a node needs before its title and key value are written on it. */
export const LABEL_MIN_WIDTH = 64;
/** More labels than this on screen are unreadable as a crowd, and each is a DOM element. */
export const MAX_LABELS = 300;

const BODY = "#1c2029";
const BORDER = "#3a4152";
const SELECTED = "#7c8cff";
const TITLE = "#e6e9f0";

/**
 * Draws every on-screen node and wire of `g` at transform `[x, y, zoom]`: one path per colour, so
 * 5,000 nodes cost a few dozen canvas calls; the groups' frames under them (their title bars
 * over them), reroute points over the wires. With `titles` (drawTitles' width cache), each node
 * at least LABEL_MIN_WIDTH wide on screen gets its title. Returns the indices of the nodes on screen.
 */
export function drawFar(
  ctx: CanvasRenderingContext2D,
  g: FarGeometry,
  [tx, ty, k]: Transform,
  size: { width: number; height: number },
  selected: ReadonlySet<number>,
  moved: ReadonlyMap<number, XY>,
  frames?: FarFrames,
  titles: Float64Array | null = null,
): number[] {
  const { rects } = g;
  const { x0, y0, x1, y1 } = viewRect([tx, ty, k], size);
  const pos = (i: number): XY => moved.get(i) ?? { x: rects[i * 4], y: rects[i * 4 + 1] };
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.save();
  ctx.setTransform(k * devicePixelRatio, 0, 0, k * devicePixelRatio, tx * devicePixelRatio, ty * devicePixelRatio);

  drawFrames(ctx, frames, k, { x0, y0, x1, y1 }, "body");
  // One device pixel far out, not more: Skia draws a stroke no wider than a device pixel as a
  // hairline, and a wider one as a filled outline. With 5,000 nodes fitted on the 2-core bench
  // machine a wheel notch took 1.0–1.5 s with 1.2 px wires and 0.25–0.4 s with 1 px ones.
  strokeWires(ctx, traceWires(g, { x0, y0, x1, y1 }, moved), Math.max(1.5, 1 / (k * devicePixelRatio)), 0.7);
  drawRerouteDots(ctx, g, k, { x0, y0, x1, y1 });

  const onScreen = drawNodes(ctx, g, { x0, y0, x1, y1 }, k, moved, selected);
  drawFrames(ctx, frames, k, { x0, y0, x1, y1 }, "bar");
  ctx.restore();
  if (titles) drawTitles(ctx, g, [tx, ty, k], onScreen, pos, titles);
  return onScreen;
}

/** As the DOM labels' titles (styles.css .far-label .far-title, the app's --font). */
const TITLE_FONT = `600 13.5px Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
/** The DOM label's padding (styles.css .far-label). */
const PAD_X = 7;
const TITLE_MID = 5 + 8.5;
/**
 * Least screen height of a node whose title is written in its top strip; a shorter one (a
 * collapsed node's bar far out) has its title centred on it, spilling over its edges: a title
 * left out there made a collapsed node nameless.
 */
export const TITLE_ROOM = TITLE_MID + 8;

/**
 * Node titles on the canvas, in screen-size type where the DOM labels (FarLayer) would put them,
 * cut to one line. FarLayer draws them while the view moves: moving up to MAX_LABELS DOM labels
 * cost every wheel or pan frame a React render, style and text layout; a canvas title is one
 * fillText. The DOM labels (wrapped titles, key values) come back when the view rests.
 * `widths`: each title's width in TITLE_FONT, -1 until measured (measureText is the costly call),
 * kept by the caller for the geometry.
 */
export function drawTitles(
  ctx: CanvasRenderingContext2D,
  g: FarGeometry,
  [tx, ty, k]: Transform,
  nodes: readonly number[],
  pos: (i: number) => XY,
  widths: Float64Array,
) {
  const dpr = typeof devicePixelRatio === "number" ? devicePixelRatio : 1;
  ctx.save();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = TITLE_FONT;
  ctx.fillStyle = TITLE;
  ctx.textBaseline = "middle";
  const ellipsis = ctx.measureText("…").width;
  for (const i of nodes) {
    const room = g.rects[i * 4 + 2] * k - 2 * PAD_X;
    if (room + 2 * PAD_X < LABEL_MIN_WIDTH) continue;
    const h = g.rects[i * 4 + 3] * k;
    const title = g.titles[i];
    if (widths[i] < 0) widths[i] = ctx.measureText(title).width;
    const { x, y } = pos(i);
    // Cut in proportion to the measured width: while moving, a close cut is enough.
    const text =
      widths[i] <= room
        ? title
        : `${title.slice(0, Math.max(0, Math.floor((title.length * (room - ellipsis)) / widths[i])))}…`;
    ctx.fillText(text, x * k + tx + PAD_X, y * k + ty + (h < TITLE_ROOM ? h / 2 : TITLE_MID));
  }
  ctx.restore();
}

/**
 * Draws the nodes of `g` that overlap `area` (graph units, at zoom `k`), except those in `skip`:
 * boxes, title strips in their category's colour, borders, selection outlines; one path per
 * colour. `moved`: nodes drawn elsewhere than `g` has them (being dragged). With `titles`, each
 * box's title too (near zoom, where only a screenful is drawn). Returns the indices drawn.
 */
export function drawNodes(
  ctx: CanvasRenderingContext2D,
  g: FarGeometry,
  area: Box,
  k: number,
  moved: ReadonlyMap<number, XY>,
  selected: ReadonlySet<number>,
  skip?: ReadonlySet<number> | null,
  titles = false,
): number[] {
  const { rects } = g;
  const { x0, y0, x1, y1 } = area;
  const onScreen: number[] = [];
  const bodies = new Path2D();
  const heads = new Map<string, Path2D>();
  // The title strip is 30 graph px, but never thinner than 3 screen px: the colour is what tells types apart far out.
  const head = Math.max(30, 3 / k);
  const pos = (i: number): XY => moved.get(i) ?? { x: rects[i * 4], y: rects[i * 4 + 1] };
  // Tested against the area before anything else: at 5,000 nodes this runs on every frame.
  for (let i = 0; i < g.ids.length; i++) {
    const at = moved.size ? moved.get(i) : undefined;
    const x = at ? at.x : rects[i * 4];
    const y = at ? at.y : rects[i * 4 + 1];
    const w = rects[i * 4 + 2];
    const h = rects[i * 4 + 3];
    if (x > x1 || x + w < x0 || y > y1 || y + h < y0 || skip?.has(i)) continue;
    onScreen.push(i);
    bodies.rect(x, y, w, h);
    let p = heads.get(g.colors[i]);
    if (!p) heads.set(g.colors[i], (p = new Path2D()));
    p.rect(x, y, w, Math.min(h, head));
  }
  ctx.fillStyle = BODY;
  ctx.fill(bodies);
  for (const [color, p] of heads) {
    ctx.fillStyle = color;
    ctx.globalAlpha = 0.55;
    ctx.fill(p);
  }
  ctx.globalAlpha = 1;
  // Borders only where they are wider than a pixel apart: far out they would fill the node.
  if (k > 0.08) {
    ctx.lineWidth = 1 / k;
    ctx.strokeStyle = BORDER;
    ctx.stroke(bodies);
  }
  const sel = new Path2D();
  let anySelected = false;
  for (const i of selected) {
    if (skip?.has(i)) continue;
    const { x, y } = pos(i);
    sel.rect(x, y, rects[i * 4 + 2], rects[i * 4 + 3]);
    anySelected = true;
  }
  if (anySelected) {
    ctx.lineWidth = 2.5 / k;
    ctx.strokeStyle = SELECTED;
    ctx.stroke(sel);
  }
  if (titles) {
    ctx.fillStyle = TITLE;
    ctx.font = "600 13px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    for (const i of onScreen) {
      const { x, y } = pos(i);
      ctx.fillText(g.titles[i], x + 10, y + 15, rects[i * 4 + 2] - 20);
    }
  }
  return onScreen;
}

/**
 * The wires of `g` (or those of `wires`) that may show in `area` (graph coordinates), except those
 * in `skip`, as one path per colour: each segment the bezier xyflow draws, so a wire handed to it
 * keeps its shape. `moved`: nodes drawn elsewhere than `g` has them. All of `g`'s wires are culled
 * by their boxes (wireBoxes), kept per geometry: building every wire's stops on each frame was
 * most of a 5,000-node frame's script.
 */
export function traceWires(
  g: FarGeometry,
  area: Box,
  moved: ReadonlyMap<number, XY>,
  skip?: ReadonlySet<string> | null,
  wires: readonly FarWire[] = g.wires,
): Map<string, Path2D> {
  const paths = new Map<string, Path2D>();
  // A few wires (those with a far end) are tested by their stops; all of them, by their kept boxes.
  const boxes = wires === g.wires ? wireBoxes(g) : null;
  const pos = (i: number): XY => moved.get(i) ?? { x: g.rects[i * 4], y: g.rects[i * 4 + 1] };
  for (let j = 0; j < wires.length; j++) {
    const w = wires[j];
    const elsewhere = !boxes || (moved.size > 0 && (moved.has(w.s) || moved.has(w.t)));
    if (!elsewhere && !boxMeets(boxes, j, area)) continue;
    if (skip?.has(w.id)) continue;
    const stops = wireStops(g, w, pos);
    if (elsewhere && !overlaps(wireBox(stops), area)) continue;
    let p = paths.get(w.color);
    if (!p) paths.set(w.color, (p = new Path2D()));
    p.moveTo(stops[0].x, stops[0].y);
    for (let i = 1; i < stops.length; i++) {
      const a = stops[i - 1];
      const b = stops[i];
      const c = controlOffset(b.x - a.x);
      p.bezierCurveTo(a.x + c, a.y, b.x - c, b.y, b.x, b.y);
    }
  }
  return paths;
}

/** Strokes traceWires' paths in the context's current transform; `width` in its units. */
export function strokeWires(ctx: CanvasRenderingContext2D, paths: Map<string, Path2D>, width: number, alpha: number) {
  ctx.lineWidth = width;
  ctx.globalAlpha = alpha;
  for (const [color, p] of paths) {
    ctx.strokeStyle = color;
    ctx.stroke(p);
  }
  ctx.globalAlpha = 1;
}

/** The flow-space rectangle a `size` canvas shows at transform `[x, y, zoom]`. */
function viewRect([tx, ty, k]: Transform, size: { width: number; height: number }) {
  const x0 = -tx / k;
  const y0 = -ty / k;
  return { x0, y0, x1: x0 + size.width / k, y1: y0 + size.height / k };
}

/** The indices of the nodes of `g` on a `size` canvas at transform `[x, y, zoom]`. */
export function nodesOnScreen(
  g: FarGeometry,
  [tx, ty, k]: Transform,
  size: { width: number; height: number },
  moved: ReadonlyMap<number, XY>,
): number[] {
  const { rects } = g;
  const { x0, y0, x1, y1 } = viewRect([tx, ty, k], size);
  const out: number[] = [];
  for (let i = 0; i < g.ids.length; i++) {
    const p = moved.get(i);
    const x = p ? p.x : rects[i * 4];
    const y = p ? p.y : rects[i * 4 + 1];
    if (x > x1 || x + rects[i * 4 + 2] < x0 || y > y1 || y + rects[i * 4 + 3] < y0) continue;
    out.push(i);
  }
  return out;
}
