/**
 * Moving the nodes of a document placed by hand clear of each other once their drawn sizes are
 * known: apart from place.ts, since only the placing by drawn sizes (settle.ts, with the node
 * views) runs it, and those load on demand (docs/codebase.md#the-first-load).
 */
import type { XY } from "../../graph";
import { freeSpot, type Rect } from "./place";

/**
 * Moves for the nodes of `rects` that come within `gap` of another, each to the nearest free spot
 * (freeSpot, NODE_GAP clear): the rule for new nodes, for a document placed by hand against sizes
 * that have changed since (a template, a lesson). Nodes clear of every other stay; the others are
 * taken in the order given, and each stays too when it is clear of those placed before it.
 */
export function clearOverlaps(rects: readonly (Rect & { id: string })[], gap: number): { id: string; position: XY }[] {
  const near = (a: Rect, b: Rect) =>
    a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
  const stuck = rects.filter((r) => rects.some((o) => o !== r && near(r, o)));
  const placed: Rect[] = rects.filter((r) => !stuck.includes(r));
  const moves: { id: string; position: XY }[] = [];
  for (const r of stuck) {
    if (!placed.some((p) => near(r, p))) {
      placed.push(r);
      continue;
    }
    const at = freeSpot(r, placed);
    const position = { x: Math.round(at.x), y: Math.round(at.y) };
    placed.push({ ...r, ...position });
    moves.push({ id: r.id, position });
  }
  return moves;
}
