// When the far canvas copies its last drawing instead of drawing 5,000 nodes and their wires again
// (src/editor/flow/farCache.ts): a pan inside the margin drawn past the view copies; a pan beyond
// it, a zoom, or a change to what is drawn draws afresh.
import { describe, expect, it } from "vitest";
import { bitmapArea, bitmapServes, farBounds, type FarBitmap } from "../../src/editor/flow/farCache";
import type { FarGeometry } from "../../src/editor/flow/farGeometry";
import type { Transform } from "../../src/editor/flow/drawFar";

/** A grid of 100-wide rows, 320 × 280 apart, as the bench opens, wired in a chain. */
function grid(count: number): FarGeometry {
  const rects = new Float64Array(count * 4);
  for (let i = 0; i < count; i++) rects.set([(i % 100) * 320, Math.floor(i / 100) * 280, 268, 127], i * 4);
  return {
    ids: Array.from({ length: count }, (_, i) => `n${i}`),
    rects,
    colors: [],
    titles: [],
    glance: () => "",
    index: new Map(),
    wires: Array.from({ length: count - 1 }, (_, i) => ({
      id: `w${i}`,
      s: i,
      sy: 40,
      t: i + 1,
      ty: 40,
      color: "#fff",
    })),
  };
}
const SIZE = { width: 1352, height: 973 };

/** Plays a gesture: how many of its frames had to draw the graph. */
function redraws(g: FarGeometry, frames: { t: Transform }[]): number {
  const bounds = farBounds(g, new Map())!;
  let b: FarBitmap | null = null;
  let n = 0;
  for (const { t } of frames) {
    if (bitmapServes(b, "k", bounds, t, SIZE)) continue;
    n++;
    b = { area: bitmapArea(bounds, t, SIZE)!, k: t[2], key: "k" };
  }
  return n;
}

describe("the far canvas's bitmap", () => {
  const g = grid(5000);

  it("covers every node and the wires' curves, back-wires' loops included", () => {
    const b = farBounds(g, new Map())!;
    expect(b.y).toBe(0);
    expect(b.height).toBe(49 * 280 + 127);
    // The chain's wire from the end of one row back to the start of the next loops far out on both sides.
    expect(b.x).toBeLessThan(-1_000);
    expect(b.x + b.width).toBeGreaterThan(99 * 320 + 268 + 1_000);
  });

  it("a pan of the whole graph fitted copies the first drawing on every frame", () => {
    const k = 0.04;
    const frames = Array.from({ length: 60 }, (_, i) => ({
      t: [43 + 250 * Math.sin(i / 5), 212 + 125 * Math.cos(i / 5), k] as Transform,
    }));
    expect(redraws(g, frames)).toBe(1);
  });

  it("a pan at zoom 0.3 draws again only each time it leaves the margin", () => {
    const frames = Array.from({ length: 100 }, (_, i) => ({ t: [-i * 40, -2000, 0.3] as Transform }));
    // 4,000 px of pan with half a screen (676 px) each side: a fresh drawing every ~676 px.
    const n = redraws(g, frames);
    expect(n).toBeGreaterThanOrEqual(4);
    expect(n).toBeLessThanOrEqual(8);
  });

  it("a new zoom is never served by the bitmap of another (it would be a blurred copy)", () => {
    const notches = Array.from({ length: 20 }, (_, i) => ({ t: [0, 0, 0.04 * 2 ** (0.2 * i)] as Transform }));
    expect(redraws(g, notches)).toBe(20);
  });

  it("another drawing (a node moved, the selection changed) is never served by the old one", () => {
    const bounds = farBounds(g, new Map())!;
    const t: Transform = [43, 212, 0.04];
    const b = { area: bitmapArea(bounds, t, SIZE)!, k: 0.04, key: "before" };
    expect(bitmapServes(b, "before", bounds, t, SIZE)).toBe(true);
    expect(bitmapServes(b, "after", bounds, t, SIZE)).toBe(false);
  });
});
