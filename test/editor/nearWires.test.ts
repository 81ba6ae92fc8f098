import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Position } from "@xyflow/react";
import type { XY } from "../../src/graph";
import { bareGeometry } from "./farGeometry.helpers";
import { nearWires, wireStops, type Box } from "../../src/editor/flow/nearWires";
import { reroutedPath } from "../../src/editor/flow/reroute";
import { produce } from "immer";
import { registry } from "../../nodes";
import { createLayoutCache } from "../../src/editor/flow/WireLayer";
import { farGeometry } from "../../src/editor/flow/farGeometry";
import { generatePipeline } from "../bench/compile";

/** Points along the wire exactly as GraphEdge draws it (xyflow's beziers through the reroute points). */
function drawnPoints(stops: readonly XY[]): XY[] {
  const [start, ...rest] = stops;
  const end = rest.pop()!;
  const [d] = reroutedPath(
    {
      sourceX: start.x,
      sourceY: start.y,
      targetX: end.x,
      targetY: end.y,
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
    },
    rest,
  );
  const n = d.match(/-?[\d.]+(e-?\d+)?/g)!.map(Number);
  const out: XY[] = [{ x: n[0], y: n[1] }];
  let p0 = out[0];
  for (let i = 2; i + 5 < n.length; i += 6) {
    const [c1x, c1y, c2x, c2y, x, y] = n.slice(i, i + 6);
    for (let k = 1; k <= 48; k++) {
      const t = k / 48;
      const u = 1 - t;
      out.push({
        x: u * u * u * p0.x + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * x,
        y: u * u * u * p0.y + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * y,
      });
    }
    p0 = { x, y };
  }
  return out;
}

const inBox = (p: XY, b: Box) => p.x >= b.x0 && p.x <= b.x1 && p.y >= b.y0 && p.y <= b.y1;

const coord = fc.integer({ min: -4000, max: 4000 });
const arbRect = fc.record({
  x: coord,
  y: coord,
  w: fc.integer({ min: 80, max: 400 }),
  h: fc.integer({ min: 60, max: 500 }),
});
const arbCase = fc.array(arbRect, { minLength: 2, maxLength: 30 }).chain((rects) =>
  fc.record({
    rects: fc.constant(rects),
    wires: fc.array(
      fc.record({
        s: fc.nat(rects.length - 1),
        t: fc.nat(rects.length - 1),
        sy: fc.integer({ min: 0, max: 200 }),
        ty: fc.integer({ min: 0, max: 200 }),
        via: fc.option(fc.array(fc.record({ x: coord, y: coord }), { maxLength: 3 }), { nil: undefined }),
      }),
      { maxLength: 40 },
    ),
    view: fc.record({
      x: coord,
      y: coord,
      w: fc.integer({ min: 50, max: 3000 }),
      h: fc.integer({ min: 50, max: 2000 }),
    }),
    keep: fc.array(fc.nat(rects.length - 1), { maxLength: 3 }),
  }),
);

describe("the wires handed to xyflow (nearWires)", () => {
  it("include every wire with an end in the area or any part of its drawn curve crossing it, and every wire of a kept node", () => {
    fc.assert(
      fc.property(arbCase, ({ rects, wires, view, keep }) => {
        const g = bareGeometry(
          rects,
          wires.map((w, i) => ({ ...w, id: `w${i}`, color: "#888" })),
        );
        const area = { x0: view.x, y0: view.y, x1: view.x + view.w, y1: view.y + view.h };
        const kept = new Set(keep);
        const handed = nearWires(g, area, kept);
        const at = (i: number) => ({ x: g.rects[i * 4], y: g.rects[i * 4 + 1] });
        for (const w of g.wires) {
          const pts = drawnPoints(wireStops(g, w, at));
          const shows = pts.some((p) => inBox(p, area));
          if (shows || kept.has(w.s) || kept.has(w.t)) expect(handed.has(w.id), w.id).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("leave out the wires far from the area: a long chain hands xyflow only those near the view", () => {
    // A row of 100 nodes 320 px apart, each wired to the next; the view shows the first few.
    const rects = Array.from({ length: 100 }, (_, i) => ({ x: i * 320, y: 0, w: 268, h: 200 }));
    const wires = rects.slice(1).map((_, i) => ({ id: `w${i}`, s: i, sy: 40, t: i + 1, ty: 40, color: "#888" }));
    const handed = nearWires(bareGeometry(rects, wires), { x0: -100, y0: -100, x1: 1500, y1: 900 }, new Set([80]));
    expect([...handed].sort()).toEqual(["w0", "w1", "w2", "w3", "w79", "w80"].sort());
  });
});

describe("the layout a drop leaves (createLayoutCache)", () => {
  it("moves the dropped nodes' rectangles and keeps the rest of the geometry, as a new build would give it", () => {
    const view = { nodeSizes: new Map(), typeSizes: new Map(), sizeVersion: 0 };
    const doc = generatePipeline(300);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: doc.nodes.length - 1 }), fc.integer({ min: -9000, max: 9000 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (moves) => {
          const layout = createLayoutCache(registry, view);
          const before = layout(doc.nodes, doc.edges);
          const moved = produce(doc, (d) => {
            for (const [i, v] of moves) d.nodes[i].position = { x: v, y: -v };
          });
          const after = layout(moved.nodes, moved.edges);
          expect(after).not.toBe(before);
          // Built again only where places changed: the wires (5,300 at 5,000 nodes) are the same.
          expect(after.wires).toBe(before.wires);
          const fresh = farGeometry(registry, view, moved.nodes, moved.edges);
          expect([...after.rects]).toEqual([...fresh.rects]);
          expect(after.wires).toEqual(fresh.wires);
          expect(after.ids).toEqual(fresh.ids);
        },
      ),
      { numRuns: 30 },
    );
  });
});
