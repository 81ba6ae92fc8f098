// A far-canvas geometry of bare rectangles, for tests of what reads FarGeometry (nearWires,
// rectSelect): grey nodes titled by their ids, and the wires given.
import type { FarGeometry, FarWire } from "../../src/editor/flow/farGeometry";

export type BareRect = { x: number; y: number; w: number; h: number };

export function bareGeometry(rects: BareRect[], wires: FarWire[]): FarGeometry {
  const flat = new Float64Array(rects.length * 4);
  rects.forEach((r, i) => flat.set([r.x, r.y, r.w, r.h], i * 4));
  const ids = rects.map((_, i) => `n${i}`);
  return {
    ids,
    rects: flat,
    colors: ids.map(() => "#888"),
    titles: ids,
    glance: () => "",
    index: new Map(ids.map((id, i) => [id, i])),
    wires,
  };
}

/** Wires from each node to the next, at 10 px down both sides. */
export const chainWires = (n: number): FarWire[] =>
  Array.from({ length: Math.max(0, n - 1) }, (_, i) => ({
    id: `w${i}`,
    s: i,
    sy: 10,
    t: i + 1,
    ty: 10,
    color: "#888",
  }));
