/**
 * Whether the pointer is near a wire the wire canvas draws (wireHover.ts): apart from
 * nearWires.ts, which the canvas runs from its first frame, since only the wire canvas's parts,
 * which load on demand, test the pointer (docs/codebase.md#the-first-load).
 */
import type { XY } from "../../graph";
import { controlOffset } from "./nearWires";

/**
 * Whether graph point `p` is within `r` of the wire through `stops` as drawn (its bezier
 * segments). Each segment is halved until the hull of its control points, grown by `r`, misses
 * `p` or is small enough to stand for its chord, so a wire 30,000 px long is split only near `p`.
 */
export function nearWire(stops: readonly XY[], p: XY, r: number): boolean {
  for (let i = 0; i < stops.length - 1; i++) {
    const a = stops[i];
    const b = stops[i + 1];
    const c = controlOffset(b.x - a.x);
    if (nearCubic(p, r, [a.x, a.y, a.x + c, a.y, b.x - c, b.y, b.x, b.y], 0)) return true;
  }
  return false;
}

/** Halvings at most: 2^30 px is far beyond any graph, so the hull is small by then. */
const MAX_SPLITS = 30;

function nearCubic(p: XY, r: number, q: readonly number[], depth: number): boolean {
  const [x0, y0, x1, y1, x2, y2, x3, y3] = q;
  const lx = Math.min(x0, x1, x2, x3);
  const hx = Math.max(x0, x1, x2, x3);
  const ly = Math.min(y0, y1, y2, y3);
  const hy = Math.max(y0, y1, y2, y3);
  if (p.x < lx - r || p.x > hx + r || p.y < ly - r || p.y > hy + r) return false;
  if (Math.max(hx - lx, hy - ly) <= r / 16 || depth >= MAX_SPLITS) return segmentDistance(p, x0, y0, x3, y3) <= r;
  // de Casteljau at t = 1/2.
  const ax = (x0 + x1) / 2;
  const ay = (y0 + y1) / 2;
  const bx = (x1 + x2) / 2;
  const by = (y1 + y2) / 2;
  const cx = (x2 + x3) / 2;
  const cy = (y2 + y3) / 2;
  const dx = (ax + bx) / 2;
  const dy = (ay + by) / 2;
  const ex = (bx + cx) / 2;
  const ey = (by + cy) / 2;
  const mx = (dx + ex) / 2;
  const my = (dy + ey) / 2;
  return (
    nearCubic(p, r, [x0, y0, ax, ay, dx, dy, mx, my], depth + 1) ||
    nearCubic(p, r, [mx, my, ex, ey, cx, cy, x3, y3], depth + 1)
  );
}

function segmentDistance(p: XY, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((p.x - x0) * dx + (p.y - y0) * dy) / len)) : 0;
  return Math.hypot(p.x - (x0 + t * dx), p.y - (y0 + t * dy));
}
