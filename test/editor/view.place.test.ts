import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { expectedSize, freeSpot, NODE_GAP, placeInView, type Rect } from "../../src/editor/flow/place";
import { EDGE, fitPadding, MINIMAP, MINIMAP_CORNER, type Corner } from "../../src/editor/flow/fit";
import { stubRegistry } from "./stubRegistry";

const view = { topLeft: { x: 0, y: 0 }, bottomRight: { x: 1000, y: 600 }, zoom: 1 };
const size = { width: 268, height: 300 };

describe("placeInView: a new node lands fully on screen", () => {
  it("keeps a node asked for near the right or bottom edge inside the view, 16 px from the edge", () => {
    expect(placeInView({ x: 950, y: 580 }, size, view)).toEqual({ x: 1000 - 16 - 268, y: 600 - 16 - 300 });
    expect(placeInView({ x: -40, y: -10 }, size, view)).toEqual({ x: 16, y: 16 });
  });

  it("leaves a node that already fits where it was asked for", () => {
    expect(placeInView({ x: 300, y: 100 }, size, view)).toEqual({ x: 300, y: 100 });
  });

  it("scales the margin with the zoom and keeps the top-left corner in view when the node is bigger than the view", () => {
    const zoomed = { topLeft: { x: 100, y: 100 }, bottomRight: { x: 300, y: 250 }, zoom: 2 };
    expect(placeInView({ x: 280, y: 240 }, size, zoomed)).toEqual({ x: 108, y: 108 });
  });
});

describe("expectedSize", () => {
  const nodeSizes = new Map<string, { width: number; height: number }>();
  afterEach(() => nodeSizes.clear());
  it("uses the tallest measured node of the same type, else an estimate that grows with the node's settings", () => {
    const lora = stubRegistry.getOrThrow("lora");
    const guess = expectedSize(lora, [], nodeSizes);
    expect(guess.width).toBe(268);
    expect(guess.height).toBeGreaterThan(expectedSize(stubRegistry.getOrThrow("base_model"), [], nodeSizes).height);
    nodeSizes.set("a", { width: 268, height: 150 });
    nodeSizes.set("b", { width: 268, height: 410 });
    const nodes = [
      { id: "a", type: "lora", typeVersion: 2, position: { x: 0, y: 0 }, params: {} },
      { id: "b", type: "lora", typeVersion: 2, position: { x: 0, y: 0 }, params: {} },
    ];
    expect(expectedSize(lora, nodes, nodeSizes)).toEqual({ width: 268, height: 410 });
  });
});

describe("fitPadding: the fitted graph stays clear of the minimap and the zoom controls", () => {
  const pane = { width: 800, height: 600 };
  /** Four buttons in the bottom-left corner, with their margin and a gap. */
  const controls: Corner = { side: "left", width: 137, height: 54 };
  it("gives up height for a wide graph and width for a tall one", () => {
    expect(fitPadding({ x: 0, y: 0, width: 2000, height: 300 }, pane, [MINIMAP_CORNER]).bottom).toBe(
      MINIMAP.height + 2 * MINIMAP.margin,
    );
    expect(fitPadding({ x: 0, y: 0, width: 300, height: 2000 }, pane, [MINIMAP_CORNER]).right).toBe(
      MINIMAP.width + 2 * MINIMAP.margin,
    );
  });
  it("pads evenly without a corner box", () => {
    const p = fitPadding({ x: 0, y: 0, width: 300, height: 2000 }, pane, []);
    expect(new Set([p.top, p.right, p.bottom, p.left]).size).toBe(1);
  });
  it("clears the zoom controls too, from beside them for a tall graph and from above for a wide one", () => {
    const tall = fitPadding({ x: 0, y: 0, width: 300, height: 2000 }, pane, [MINIMAP_CORNER, controls]);
    expect(tall).toEqual({ top: EDGE, right: MINIMAP_CORNER.width, bottom: EDGE, left: controls.width });
    const wide = fitPadding({ x: 0, y: 0, width: 2000, height: 300 }, pane, [MINIMAP_CORNER, controls]);
    expect(wide).toEqual({ top: EDGE, right: EDGE, bottom: MINIMAP_CORNER.height, left: EDGE });
    expect(fitPadding({ x: 0, y: 0, width: 2000, height: 300 }, pane, [controls]).bottom).toBe(controls.height);
  });
  it("never covers a corner box with the fitted bounds, whatever their shape", () => {
    const shape = fc.record({ width: fc.integer({ min: 1, max: 5000 }), height: fc.integer({ min: 1, max: 5000 }) });
    fc.assert(
      fc.property(shape, fc.boolean(), (b, minimap) => {
        const corners = minimap ? [MINIMAP_CORNER, controls] : [controls];
        const p = fitPadding({ x: 0, y: 0, ...b }, pane, corners);
        // Each box lies beside the padded area or below it.
        for (const c of corners) expect(p[c.side] >= c.width || p.bottom >= c.height).toBe(true);
      }),
    );
  });
});

describe("freeSpot", () => {
  const rect = fc.record({
    x: fc.integer({ min: -2000, max: 2000 }),
    y: fc.integer({ min: -2000, max: 2000 }),
    width: fc.integer({ min: 40, max: 500 }),
    height: fc.integer({ min: 40, max: 700 }),
  });
  const apart = (a: Rect, b: Rect, gap: number) =>
    a.x + a.width + gap <= b.x ||
    b.x + b.width + gap <= a.x ||
    a.y + a.height + gap <= b.y ||
    b.y + b.height + gap <= a.y;

  it("never covers a taken rect, nor comes within the gap of one (with or without bounds)", () => {
    fc.assert(
      fc.property(rect, fc.array(rect, { maxLength: 40 }), fc.option(rect, { nil: null }), (want, taken, bounds) => {
        const at = freeSpot(want, taken, bounds);
        const placed = { ...want, ...at };
        for (const t of taken) expect(apart(placed, t, NODE_GAP - 0.001)).toBe(true);
      }),
    );
  });

  it("keeps the asked-for spot when it is free, and takes the nearest free one beside a node", () => {
    const node = { x: 0, y: 0, width: 200, height: 100 };
    expect(freeSpot({ x: 300, y: 0, width: 100, height: 50 }, [node])).toEqual({ x: 300, y: 0 });
    expect(freeSpot({ x: 150, y: 0, width: 100, height: 50 }, [node])).toEqual({ x: 200 + NODE_GAP, y: 0 });
  });
});
