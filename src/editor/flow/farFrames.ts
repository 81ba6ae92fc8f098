/**
 * Groups and reroute points on the far canvas (FarLayer): a big graph zoomed out is one canvas, so
 * the DOM frames of Groups.tsx would lie over its nodes (tinting them) and the reroute points,
 * which xyflow draws on its own wires, would be gone. Both are drawn here instead, in the canvas's
 * graph-space transform: frames under the wires and nodes, dots over the wires. The title bar
 * keeps the DOM bar's screen size far out (34 px, growing upwards out of the frame), with large
 * type, so a fitted graph still names its groups.
 */
import type { WorkflowGroup, XY } from "../../graph";
import type { FarGeometry, FarWire } from "./farGeometry";
import type { Box } from "./nearWires";

/** What of the groups the canvas draws: the document's, and the one being dragged by its title. */
export interface FarFrames {
  groups: readonly WorkflowGroup[];
  selected: string | null;
  drag: { id: string; dx: number; dy: number; groups?: readonly string[] } | null;
}

/** Screen px, as the DOM title bar far out (comforts.css .group-title). */
const BAR_PX = 34;
const TITLE_PX = 16;
const PAD_PX = 12;
const PANEL = "#13161b";

/** Where group `g` is drawn: its bounds, moved while its title (or that of a group it is nested in) is dragged. */
export function frameBox(g: WorkflowGroup, drag: FarFrames["drag"]): WorkflowGroup["bounds"] {
  const moving = drag && (drag.id === g.id || drag.groups?.includes(g.id));
  return moving ? { ...g.bounds, x: g.bounds.x + drag.dx, y: g.bounds.y + drag.dy } : g.bounds;
}

/** The title bar of a frame at zoom `k`: on the frame's top, reaching BAR_PX screen px up from 34 graph px below it. */
function titleBar(b: WorkflowGroup["bounds"], k: number) {
  const h = Math.max(BAR_PX, BAR_PX / k);
  return { x: b.x, y: b.y + BAR_PX - h, width: b.width, height: h };
}

/** The graph-space area the frames cover, title bars included, or null with none. */
export function framesBounds(f: FarFrames | undefined, k: number): Box | null {
  if (!f?.groups.length) return null;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const g of f.groups) {
    const b = frameBox(g, f.drag);
    const bar = titleBar(b, k);
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, bar.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  return { x0, y0, x1, y1 };
}

/**
 * Every frame meeting `area`: its tinted body and border (`part` "body", under the wires and
 * nodes), or its title bar with the title ("bar", over them: the bar takes the press there, so it
 * shows there too; far out it reaches over the nodes just above the frame).
 */
export function drawFrames(
  ctx: CanvasRenderingContext2D,
  f: FarFrames | undefined,
  k: number,
  area: Box,
  part: "body" | "bar",
): void {
  if (!f?.groups.length) return;
  ctx.save();
  ctx.font = `600 ${TITLE_PX / k}px system-ui, -apple-system, "Segoe UI", sans-serif`;
  ctx.textBaseline = "middle";
  for (const g of f.groups) {
    const b = frameBox(g, f.drag);
    const bar = titleBar(b, k);
    if (b.x > area.x1 || b.x + b.width < area.x0 || bar.y > area.y1 || b.y + b.height < area.y0) continue;
    const selected = g.id === f.selected;
    if (part === "body") {
      tintAndOutline(
        ctx,
        b,
        { x: b.x, y: bar.y, width: b.width, height: b.y + b.height - bar.y },
        0.12,
        g.color,
        selected,
        k,
      );
      continue;
    }
    ctx.fillStyle = PANEL;
    ctx.fillRect(bar.x, bar.y, bar.width, bar.height);
    tintAndOutline(ctx, bar, bar, 0.45, g.color, selected, k);
    ctx.fillStyle = "#fff";
    const room = b.width - (2 * PAD_PX) / k;
    if (room > 0) ctx.fillText(fitted(ctx, g.title || "Group", room), b.x + PAD_PX / k, bar.y + bar.height / 2, room);
  }
  ctx.restore();
}

/** `text`, cut with an ellipsis to `width` in the context's font. */
type Rect = WorkflowGroup["bounds"];

/** A group's colour washed over `fill` at `alpha`, and its outline round `outline` (thicker when selected). */
function tintAndOutline(
  ctx: CanvasRenderingContext2D,
  fill: Rect,
  outline: Rect,
  alpha: number,
  color: string,
  selected: boolean,
  k: number,
) {
  ctx.globalAlpha = alpha;
  ctx.fillStyle = color;
  ctx.fillRect(fill.x, fill.y, fill.width, fill.height);
  ctx.globalAlpha = selected ? 1 : 0.7;
  ctx.strokeStyle = color;
  ctx.lineWidth = (selected ? 3 : 1.5) / k;
  ctx.strokeRect(outline.x, outline.y, outline.width, outline.height);
  ctx.globalAlpha = 1;
}

function fitted(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0,
    hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** Screen px of a reroute dot's radius: the DOM point is 12 px across. */
const DOT_PX = 5;

/**
 * A dot in the wire's colour at each reroute point inside `area` (of `wires`, all by default), but
 * on the wires of `skip` (xyflow draws those).
 */
export function drawRerouteDots(
  ctx: CanvasRenderingContext2D,
  g: FarGeometry,
  k: number,
  area: Box,
  skip?: ReadonlySet<string>,
  wires: readonly FarWire[] = g.wires,
): void {
  const r = DOT_PX / k;
  const byColor = new Map<string, XY[]>();
  for (const w of wires)
    for (const p of (!skip?.has(w.id) && w.via) || []) {
      if (p.x < area.x0 - r || p.x > area.x1 + r || p.y < area.y0 - r || p.y > area.y1 + r) continue;
      let list = byColor.get(w.color);
      if (!list) byColor.set(w.color, (list = []));
      list.push(p);
    }
  if (!byColor.size) return;
  ctx.save();
  ctx.lineWidth = 2 / k;
  for (const [color, points] of byColor) {
    const dots = new Path2D();
    for (const p of points) {
      dots.moveTo(p.x + r, p.y);
      dots.arc(p.x, p.y, r, 0, 2 * Math.PI);
    }
    ctx.fillStyle = PANEL;
    ctx.fill(dots);
    ctx.strokeStyle = color;
    ctx.stroke(dots);
  }
  ctx.restore();
}

/**
 * The far canvas's node positions while a group is dragged by its title: its nodes ride along
 * (`moved`, the far canvas's own node drag, first).
 */
export function carried(
  g: FarGeometry,
  drag: { dx: number; dy: number; nodes: readonly string[] } | null,
  moved: ReadonlyMap<number, XY>,
): ReadonlyMap<number, XY> {
  if (!drag) return moved;
  const out = new Map(moved);
  for (const id of drag.nodes) {
    const i = g.index.get(id);
    if (i !== undefined && !out.has(i)) out.set(i, { x: g.rects[i * 4] + drag.dx, y: g.rects[i * 4 + 1] + drag.dy });
  }
  return out;
}
