// The minimap's node layer (src/editor/flow/minimapLayer.ts): it draws every node's box (measured,
// else its estimated size) in its colour, hidden ones too (zoomed far out, a big graph's nodes are
// hidden from xyflow and drawn on one canvas), leaves unsized nodes out, and its bounds cover
// exactly the drawn boxes. A change to a few nodes repaints the region around them, not every node:
// repainting all of them on each change (and each pan frame) was what made panning 5,000 nodes slow.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { propertyRuns } from "../harness/runs";
import type { InternalNode, Node } from "@xyflow/react";
import { createMinimapLayer, type Paint } from "../../src/editor/flow/minimapLayer";

interface Spec {
  id: string;
  x: number;
  y: number;
  w?: number;
  h?: number;
  initial?: [number, number];
  color: string;
  hidden?: boolean;
}
const internal = (n: Spec): InternalNode =>
  ({
    id: n.id,
    hidden: n.hidden,
    measured: { width: n.w, height: n.h },
    initialWidth: n.initial?.[0],
    initialHeight: n.initial?.[1],
    internals: { positionAbsolute: { x: n.x, y: n.y }, userNode: { id: n.id, data: { color: n.color } } },
  }) as unknown as InternalNode;
const colorOf = (n: Node) => (n.data as { color: string }).color;

/** Records the boxes each fill draws (in world units) and the areas cleared. */
function recorder() {
  const fills: { color: string; rects: string[] }[] = [];
  const cleared: number[][] = [];
  let path: string[] = [];
  const ctx: Paint = {
    fillStyle: "",
    setTransform: () => undefined,
    clearRect: (...r) => void cleared.push(r),
    beginPath: () => void (path = []),
    rect: (x, y, w, h) => void path.push(`${x},${y},${w},${h}`),
    fill: () => void fills.push({ color: String(ctx.fillStyle), rects: path }),
    clip: () => undefined,
    save: () => undefined,
    restore: () => undefined,
  };
  const drawn = () => fills.flatMap((f) => f.rects);
  return { ctx, fills, cleared, drawn, reset: () => ((fills.length = 0), (cleared.length = 0)) };
}
const MAP = { x: -100, y: -100, scale: 0.01 };

/** A grid of 100-wide rows, 320 × 280 apart, like the bench's. */
function grid(count: number): InternalNode[] {
  return Array.from({ length: count }, (_, i) =>
    internal({ id: `n${i}`, x: (i % 100) * 320, y: Math.floor(i / 100) * 280, w: 268, h: 127, color: "red" }),
  );
}

/** A grid of `count` nodes, synced and painted once, with the recorder emptied after that paint. */
function paintedGrid(count: number) {
  const nodes = grid(count);
  const layer = createMinimapLayer();
  layer.sync(nodes, colorOf);
  const r = recorder();
  layer.paint(r.ctx, MAP, 150, 96);
  r.reset();
  return { nodes, layer, r };
}

describe("minimap layer", () => {
  it("draws every sized node's box in its colour, and bounds around them", () => {
    const layer = createMinimapLayer();
    layer.sync(
      [
        { id: "a", x: 0, y: 0, w: 100, h: 50, color: "red" },
        { id: "b", x: 200, y: 10, w: 100, h: 80, color: "blue" },
        { id: "c", x: -50, y: 300, initial: [268, 150] as [number, number], color: "red" },
        { id: "hidden", x: 400, y: 400, w: 10, h: 10, color: "red", hidden: true },
        { id: "unsized", x: -9000, y: 0, color: "blue" },
      ].map(internal),
      colorOf,
    );
    const r = recorder();
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBe(4);
    expect(r.fills).toEqual([
      { color: "red", rects: ["0,0,100,50", "-50,300,268,150", "400,400,10,10"] },
      { color: "blue", rects: ["200,10,100,80"] },
    ]);
    expect(layer.bounds).toEqual({ x: -50, y: 0, width: 460, height: 450 });
    expect(layer.count).toBe(4);
  });

  it("no bounds when there is nothing to draw", () => {
    const layer = createMinimapLayer();
    layer.sync([internal({ id: "u", x: 0, y: 0, color: "red" })], colorOf);
    expect(layer.bounds).toBeNull();
    expect(layer.paint(recorder().ctx, MAP, 150, 96)).toBe(0);
  });

  it("the same nodes again paint nothing", () => {
    const nodes = grid(1000);
    const layer = createMinimapLayer();
    layer.sync(nodes, colorOf);
    const r = recorder();
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBe(1000);
    r.reset();
    layer.sync(nodes, colorOf);
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBe(0);
    expect(r.cleared).toEqual([]);
  });

  it("one node moved (or measured) repaints only the nodes around it", () => {
    const { nodes, layer, r } = paintedGrid(1000);
    // Node 505 is in the middle of the grid: xyflow hands a new internal object for it, the same ones for the rest.
    const moved = [...nodes];
    moved[505] = internal({ id: "n505", x: 5 * 320 + 40, y: 5 * 280 + 30, w: 268, h: 140, color: "red" });
    layer.sync(moved, colorOf);
    const drawn = layer.paint(r.ctx, MAP, 150, 96);
    expect(r.drawn()).toContain(`${5 * 320 + 40},${5 * 280 + 30},268,140`);
    // The moved node and its neighbours (one pixel of the map spans 100 world units), nothing more.
    expect(drawn).toBeGreaterThanOrEqual(1);
    expect(drawn).toBeLessThan(20);
    expect(r.cleared).toHaveLength(1);
  });

  it("a removed node is cleared; a node moved past the bounds repaints everything", () => {
    const { nodes, layer, r } = paintedGrid(1000);
    layer.sync(
      nodes.filter((n) => n.id !== "n505"),
      colorOf,
    );
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBeLessThan(20);
    expect(r.drawn()).not.toContain(`${5 * 320},${5 * 280},268,127`);
    expect(r.cleared).toHaveLength(1);
    expect(layer.count).toBe(999);

    const far = [...nodes];
    far[0] = internal({ id: "n0", x: -5000, y: 0, w: 268, h: 127, color: "red" });
    layer.sync(far, colorOf);
    expect(layer.bounds!.x).toBe(-5000);
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBe(1000);
  });

  it("a new mapping (another size or view) repaints everything", () => {
    const nodes = grid(200);
    const layer = createMinimapLayer();
    layer.sync(nodes, colorOf);
    const r = recorder();
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBe(200);
    expect(layer.paint(r.ctx, { ...MAP, scale: 0.02 }, 150, 96)).toBe(200);
    expect(layer.paint(r.ctx, { ...MAP, scale: 0.02 }, 300, 192)).toBe(200);
    expect(layer.paint(r.ctx, { ...MAP, scale: 0.02 }, 300, 192)).toBe(0);
  });

  it("draws each group's frame under the nodes, faint with a border, and its bounds reach the frames", () => {
    const layer = createMinimapLayer();
    layer.sync([internal({ id: "a", x: 0, y: 0, w: 100, h: 50, color: "red" })], colorOf);
    layer.syncFrames([{ id: "g", color: "#22c55e", bounds: { x: -40, y: -60, width: 400, height: 300 } }]);
    const r = recorder();
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBe(1);
    expect(r.fills.map((f) => f.color)).toEqual(["#22c55e30", "#22c55e", "red"]);
    expect(r.fills[0].rects).toEqual(["-40,-60,400,300"]);
    expect(r.fills[1].rects).toHaveLength(4);
    expect(layer.bounds).toEqual({ x: -40, y: -60, width: 400, height: 300 });
    // Moved, it is repainted; removed, it is gone and the bounds are the node's again.
    r.reset();
    layer.syncFrames([{ id: "g", color: "#22c55e", bounds: { x: -40, y: -60, width: 400, height: 320 } }]);
    layer.paint(r.ctx, MAP, 150, 96);
    expect(r.fills[0]).toEqual({ color: "#22c55e30", rects: ["-40,-60,400,320"] });
    r.reset();
    layer.syncFrames([]);
    layer.paint(r.ctx, MAP, 150, 96);
    expect(r.fills.map((f) => f.color)).toEqual(["red"]);
    expect(layer.bounds).toEqual({ x: 0, y: 0, width: 100, height: 50 });
  });

  it("draws reroute points over the nodes in their wire's colour; a moved one repaints, the bounds reach it", () => {
    const layer = createMinimapLayer();
    layer.sync([internal({ id: "a", x: 0, y: 0, w: 100, h: 50, color: "red" })], colorOf);
    layer.syncDots([{ x: 300, y: 200, color: "#a855f7" }]);
    const r = recorder();
    layer.paint(r.ctx, MAP, 150, 96);
    expect(r.fills.map((f) => f.color)).toEqual(["red", "#a855f7"]);
    // Layer pixels: (300 - -100) × 0.01 = 4, a 5-pixel square around it.
    expect(r.fills[1].rects).toEqual(["1.5,0.5,5,5"]);
    expect(layer.bounds).toEqual({ x: 0, y: 0, width: 300, height: 200 });
    r.reset();
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBe(0);
    layer.syncDots([{ x: 300, y: 200, color: "#a855f7" }]);
    expect(layer.paint(r.ctx, MAP, 150, 96)).toBe(0);
    layer.syncDots([{ x: 100, y: 200, color: "#a855f7" }]);
    layer.paint(r.ctx, MAP, 150, 96);
    expect(r.fills.at(-1)).toEqual({ color: "#a855f7", rects: ["-0.5,0.5,5,5"] });
    r.reset();
    layer.syncDots([]);
    layer.paint(r.ctx, MAP, 150, 96);
    expect(r.fills.map((f) => f.color)).toEqual(["red"]);
    expect(layer.bounds).toEqual({ x: 0, y: 0, width: 100, height: 50 });
  });

  it("a patch of the nodes that changed leaves what a sync of every node leaves", () => {
    const change = fc.record({
      i: fc.nat({ max: 299 }),
      x: fc.integer({ min: -40_000, max: 40_000 }),
      h: fc.integer({ min: 0, max: 400 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 8 }), { minLength: 1, maxLength: 5 }), (rounds) => {
        const nodes = grid(300);
        const patched = createMinimapLayer();
        patched.sync(nodes, colorOf);
        for (const round of rounds) {
          const changed = round.map(
            ({ i, x, h }) => (nodes[i] = internal({ id: `n${i}`, x, y: 7, w: 268, h, color: "red" })),
          );
          patched.patch(changed, colorOf);
          const synced = createMinimapLayer();
          synced.sync(nodes, colorOf);
          expect(patched.bounds).toEqual(synced.bounds);
          expect(patched.count).toBe(synced.count);
          const [a, b] = [recorder(), recorder()];
          patched.paint(a.ctx, MAP, 150, 96);
          synced.paint(b.ctx, MAP, 150, 96);
          // Painted whole at another scale, the two draw the same boxes.
          a.reset();
          b.reset();
          patched.paint(a.ctx, { ...MAP, scale: 0.02 }, 150, 96);
          synced.paint(b.ctx, { ...MAP, scale: 0.02 }, 150, 96);
          expect(a.drawn().sort()).toEqual(b.drawn().sort());
        }
      }),
      { numRuns: propertyRuns(30, 300) },
    );
  });
});
