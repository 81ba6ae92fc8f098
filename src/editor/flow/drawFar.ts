import type { XY } from "../../graph";
import type { FarGeometry } from "./farGeometry";

export type Transform = readonly [number, number, number];

/** Screen width a node needs before its title and key value are written on it. */
export const LABEL_MIN_WIDTH = 64;
/** More labels than this on screen are unreadable as a crowd, and each is a DOM element. */
export const MAX_LABELS = 300;

const BODY = "#1c2029";
const BORDER = "#3a4152";
const SELECTED = "#7c8cff";

/**
 * Draws every on-screen node and wire of `g` at transform `[x, y, zoom]`: one path per colour, so
 * 5,000 nodes cost a few dozen canvas calls. Returns the indices of the nodes on screen.
 */
export function drawFar(
  ctx: CanvasRenderingContext2D,
  g: FarGeometry,
  [tx, ty, k]: Transform,
  size: { width: number; height: number },
  selected: ReadonlySet<number>,
  moved: ReadonlyMap<number, XY>,
): number[] {
  const { rects } = g;
  const x0 = -tx / k;
  const y0 = -ty / k;
  const x1 = x0 + size.width / k;
  const y1 = y0 + size.height / k;
  const pos = (i: number): XY => moved.get(i) ?? { x: rects[i * 4], y: rects[i * 4 + 1] };
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.save();
  ctx.setTransform(k * devicePixelRatio, 0, 0, k * devicePixelRatio, tx * devicePixelRatio, ty * devicePixelRatio);

  const wirePaths = new Map<string, Path2D>();
  for (const w of g.wires) {
    const a = pos(w.s);
    const b = pos(w.t);
    const sx = a.x + rects[w.s * 4 + 2];
    const sy = a.y + w.sy;
    const ex = b.x;
    const ey = b.y + w.ty;
    if (Math.max(sx, ex) < x0 || Math.min(sx, ex) > x1 || Math.max(sy, ey) < y0 || Math.min(sy, ey) > y1) continue;
    let p = wirePaths.get(w.color);
    if (!p) wirePaths.set(w.color, (p = new Path2D()));
    p.moveTo(sx, sy);
    const dx = Math.max(40, Math.abs(ex - sx) / 2);
    p.bezierCurveTo(sx + dx, sy, ex - dx, ey, ex, ey);
  }
  ctx.lineWidth = Math.max(1.5, 1.2 / k);
  ctx.globalAlpha = 0.7;
  for (const [color, p] of wirePaths) {
    ctx.strokeStyle = color;
    ctx.stroke(p);
  }
  ctx.globalAlpha = 1;

  const onScreen: number[] = [];
  const bodies = new Path2D();
  const heads = new Map<string, Path2D>();
  // The title strip is 30 graph px, but never thinner than 3 screen px: the colour is what tells types apart far out.
  const head = Math.max(30, 3 / k);
  for (let i = 0; i < g.ids.length; i++) {
    const { x, y } = pos(i);
    const w = rects[i * 4 + 2];
    const h = rects[i * 4 + 3];
    if (x > x1 || x + w < x0 || y > y1 || y + h < y0) continue;
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
  if (selected.size) {
    const sel = new Path2D();
    for (const i of selected) {
      const { x, y } = pos(i);
      sel.rect(x, y, rects[i * 4 + 2], rects[i * 4 + 3]);
    }
    ctx.lineWidth = 2.5 / k;
    ctx.strokeStyle = SELECTED;
    ctx.stroke(sel);
  }
  ctx.restore();
  return onScreen;
}
