import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Position } from "@xyflow/react";
import type { XY } from "../../src/graph";
import { bareGeometry } from "./farGeometry.helpers";
import { createHanding, nearWires, wireStops, withKept, type Box } from "../../src/editor/flow/nearWires";
import { nearWire } from "../../src/editor/flow/wireHit";
import { reroutedPath } from "../../src/editor/flow/reroute";
import { produce } from "immer";
import { registry } from "../../nodes";
import { createLayoutCache } from "../../src/editor/flow/WireLayer";
import { farGeometry, type FarGeometry } from "../../src/editor/flow/farGeometry";
import { createCanvasView, recordSize } from "../../src/editor/flow/view";
import type { WorkflowDocument } from "../../src/graph";
import { propertyRuns } from "../harness/runs";
import { generatePipeline } from "../bench/compile";

/** Points along the wire exactly as GraphEdge draws it (xyflow's beziers through the reroute points). */
function drawnPoints(stops: readonly XY[], steps = 48): XY[] {
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
    for (let k = 1; k <= steps; k++) {
      const t = k / steps;
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
  it("hand xyflow every wire between two nodes in the area and every wire of a kept node; every other wire whose drawn curve crosses the area is the canvas's", () => {
    fc.assert(
      fc.property(arbCase, ({ rects, wires, view, keep }) => {
        const g = bareGeometry(
          rects,
          wires.map((w, i) => ({ ...w, id: `w${i}`, color: "#888" })),
        );
        const area = { x0: view.x, y0: view.y, x1: view.x + view.w, y1: view.y + view.h };
        const kept = new Set(keep);
        const { handed, crossing } = nearWires(g, area, kept);
        const canvas = new Set(crossing.map((w) => w.id));
        const at = (i: number) => ({ x: g.rects[i * 4], y: g.rects[i * 4 + 1] });
        const inArea = (i: number) => {
          const r = rects[i];
          return r.x <= area.x1 && r.x + r.w >= area.x0 && r.y <= area.y1 && r.y + r.h >= area.y0;
        };
        for (const w of g.wires) {
          const between = inArea(w.s) && inArea(w.t);
          expect(handed.has(w.id), w.id).toBe(between || kept.has(w.s) || kept.has(w.t));
          expect(handed.has(w.id) && canvas.has(w.id), w.id).toBe(false);
          const shows = drawnPoints(wireStops(g, w, at)).some((p) => inBox(p, area));
          if (shows) expect(handed.has(w.id) || canvas.has(w.id), w.id).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("split once for the area and then given the kept nodes' wires (withKept), as split with them", () => {
    fc.assert(
      fc.property(arbCase, ({ rects, wires, view, keep }) => {
        const g = bareGeometry(
          rects,
          wires.map((w, i) => ({ ...w, id: `w${i}`, color: "#888" })),
        );
        const area = { x0: view.x, y0: view.y, x1: view.x + view.w, y1: view.y + view.h };
        const base = nearWires(g, area, new Set());
        const got = withKept(g, base, new Set(keep));
        const want = nearWires(g, area, new Set(keep));
        expect([...got.handed].sort()).toEqual([...want.handed].sort());
        expect(got.crossing.map((w) => w.id)).toEqual(want.crossing.map((w) => w.id));
        // Nothing new handed: the same split, so what is built from it is not built again.
        if (got.handed.size === base.handed.size) expect(got).toBe(base);
      }),
      { numRuns: 300 },
    );
  });

  it("leave out the wires far from the area: a long chain hands xyflow only those near the view", () => {
    // A row of 100 nodes 320 px apart, each wired to the next; the view shows the first few.
    const rects = Array.from({ length: 100 }, (_, i) => ({ x: i * 320, y: 0, w: 268, h: 200 }));
    const wires = rects.slice(1).map((_, i) => ({ id: `w${i}`, s: i, sy: 40, t: i + 1, ty: 40, color: "#888" }));
    const { handed, crossing } = nearWires(
      bareGeometry(rects, wires),
      { x0: -100, y0: -100, x1: 1500, y1: 900 },
      new Set([80]),
    );
    expect([...handed].sort()).toEqual(["w0", "w1", "w2", "w3", "w79", "w80"].sort());
    expect(crossing).toEqual([]);
  });

  it("leave a wire with a far end to the canvas: one node feeding a whole grid hands xyflow only its wires near the view", () => {
    // Node 0 in the view feeds every node of a 20 × 20 grid, as the image encoder feeds every IP-Adapter.
    const rects = Array.from({ length: 400 }, (_, i) => ({
      x: (i % 20) * 320,
      y: Math.floor(i / 20) * 280,
      w: 268,
      h: 200,
    }));
    const wires = rects.slice(1).map((_, i) => ({ id: `w${i + 1}`, s: 0, sy: 40, t: i + 1, ty: 40, color: "#888" }));
    const area = { x0: -700, y0: -500, x1: 2000, y1: 1400 };
    const { handed, crossing } = nearWires(bareGeometry(rects, wires), area, new Set());
    // Columns 0–6 of rows 0–5 are in the area: their wires are xyflow's, the other 358 the canvas's.
    expect(handed.size).toBe(7 * 6 - 1);
    expect(crossing.length).toBe(399 - handed.size);
  });
});

describe("the pointer near a wire (nearWire)", () => {
  /** The distance from `p` to the wire as drawn, along 2,000 points a segment. */
  const distance = (stops: readonly XY[], p: XY) => {
    const pts = drawnPoints(stops, 2000);
    let d = Infinity;
    for (let i = 1; i < pts.length; i++) {
      const [a, b] = [pts[i - 1], pts[i]];
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len = dx * dx + dy * dy;
      const t = len ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len)) : 0;
      d = Math.min(d, Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy));
    }
    return d;
  };
  const arbStops = fc.array(fc.record({ x: coord, y: coord }), { minLength: 2, maxLength: 4 });

  it("is true within the radius of the drawn curve and false beyond it, however long the wire", () => {
    fc.assert(
      fc.property(
        arbStops,
        fc.record({ x: coord, y: coord }),
        fc.integer({ min: 10, max: 200 }),
        fc.nat(1000),
        fc.integer({ min: -300, max: 300 }),
        (stops, far, r, along, off) => {
          // Half the points on or beside the curve, where the answer turns.
          const pts = drawnPoints(stops, 400);
          const on = pts[along % pts.length];
          const p = along % 2 ? far : { x: on.x + off / 10, y: on.y + off / 10 };
          const d = distance(stops, p);
          if (d < r * 0.85) expect(nearWire(stops, p, r)).toBe(true);
          if (d > r * 1.15) expect(nearWire(stops, p, r)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("the layout a drop leaves (createLayoutCache)", () => {
  it("moves the dropped nodes' rectangles and keeps the rest of the geometry, as a new build would give it", () => {
    const view = createCanvasView();
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

describe("the layout's boxes after nodes are measured (createLayoutCache)", () => {
  const doc = generatePipeline(300);
  const sameAsBuilt = (g: FarGeometry, d: WorkflowDocument, view: ReturnType<typeof createCanvasView>) => {
    const fresh = farGeometry(registry, view, d.nodes, d.edges);
    expect([...g.rects]).toEqual([...fresh.rects]);
    expect(g.wires).toEqual(fresh.wires);
  };

  it("a wire on the wire canvas ends at its port once the node is measured, without a new build", () => {
    const view = createCanvasView();
    const layout = createLayoutCache(registry, view);
    const g = layout(doc.nodes, doc.edges);
    const wire = g.wires[0];
    const source = doc.nodes[wire.s];
    const at = (i: number) => doc.nodes[i].position;
    expect(wireStops(g, wire, at)[0].x).toBe(source.position.x + 268);
    // xyflow measures the node wider and taller than its estimate.
    recordSize(view, source.id, source.type, { width: 331, height: 417 });
    const now = layout.sized(g);
    expect(wireStops(now, wire, at)[0]).toEqual({ x: source.position.x + 331, y: source.position.y + wire.sy });
    expect([now.rects[wire.s * 4 + 2], now.rects[wire.s * 4 + 3]]).toEqual([331, 417]);
    // The same boxes, the same wires: only the rectangles were copied.
    expect(now.wires).toBe(g.wires);
    expect(layout.exact(doc.nodes, doc.edges)).toBe(now);
    expect(layout(doc.nodes, doc.edges)).toBe(now);
    sameAsBuilt(now, doc, view);
  });

  it("moves, measurements and edits in any order leave the geometry a new build would give", () => {
    const op = fc.oneof(
      fc.record({ move: fc.nat({ max: doc.nodes.length - 1 }), to: fc.integer({ min: -9000, max: 9000 }) }),
      fc.record({
        measure: fc.nat({ max: doc.nodes.length - 1 }),
        w: fc.integer({ min: 200, max: 400 }),
        h: fc.integer({ min: 60, max: 600 }),
      }),
      fc.record({ edit: fc.nat({ max: doc.nodes.length - 1 }) }),
      fc.record({ draw: fc.constantFrom("sized", "exact") }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
        const view = createCanvasView();
        const layout = createLayoutCache(registry, view);
        let d: WorkflowDocument = doc;
        let g = layout(d.nodes, d.edges);
        for (const o of ops) {
          if ("move" in o) d = produce(d, (x) => void (x.nodes[o.move].position = { x: o.to, y: -o.to }));
          else if ("edit" in o) d = produce(d, (x) => void (x.nodes[o.edit].expanded = !x.nodes[o.edit].expanded));
          else if ("measure" in o) {
            const n = d.nodes[o.measure];
            recordSize(view, n.id, n.type, { width: o.w, height: o.h });
            continue;
          } else {
            const now = o.draw === "sized" ? layout.sized(g) : layout.exact(d.nodes, d.edges);
            if (now) sameAsBuilt(now, d, view);
            continue;
          }
          g = layout(d.nodes, d.edges);
          sameAsBuilt(g, d, view);
        }
        sameAsBuilt(layout.sized(g), d, view);
      }),
      { numRuns: propertyRuns(25, 400) },
    );
  });

  it("builds again when more sizes changed than the log keeps", () => {
    const view = createCanvasView();
    const layout = createLayoutCache(registry, view);
    const g = layout(doc.nodes, doc.edges);
    const n = doc.nodes[0];
    for (let i = 0; i < 10_000; i++) recordSize(view, n.id, n.type, { width: 268, height: 100 + (i % 7) });
    expect(view.resized.since(0)).toBeNull();
    const now = layout.sized(g);
    expect(now.wires).not.toBe(g.wires);
    sameAsBuilt(now, doc, view);
  });
});

describe("the wires handed as nodes come in (createHanding)", () => {
  it("are the wires with both nodes shown, however the nodes came in slices", () => {
    const doc = generatePipeline(300);
    const g = farGeometry(registry, createCanvasView(), doc.nodes, doc.edges);
    const all = (wires: ReadonlySet<string>, shown: ReadonlySet<number>) =>
      g.wires.filter((w) => wires.has(w.id) && shown.has(w.s) && shown.has(w.t)).map((w) => w.id);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: g.wires.length - 1 }), { maxLength: 200 }),
        fc.array(fc.uniqueArray(fc.nat({ max: g.ids.length - 1 }), { maxLength: 80 }), { minLength: 1, maxLength: 6 }),
        fc.nat({ max: 5 }),
        (picked, slices, dropAt) => {
          const wires = new Set(picked.map((j) => g.wires[j].id));
          const hand = createHanding();
          let shown = new Set<number>();
          slices.forEach((slice, k) => {
            // Mostly growing, as an opening file's slices; once, some nodes leave (the drag ends).
            shown = k === dropAt ? new Set(slice) : new Set([...shown, ...slice]);
            const { handed, rerouted } = hand(g, wires, shown);
            expect([...handed].sort()).toEqual(all(wires, shown).sort());
            expect(rerouted).toBe(false);
          });
        },
      ),
      { numRuns: propertyRuns(60, 600) },
    );
  });
});
