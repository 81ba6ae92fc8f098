import { useCallback, useEffect, useMemo, useRef } from "react";
import { useStore, useStoreApi } from "@xyflow/react";
import type { XY } from "../../graph";
import type { FarGeometry } from "./farGeometry";
import { useEditor } from "../store/react";
import { drawNodes, strokeWires, traceWires } from "./drawFar";
import { drawRerouteDots } from "./farFrames";
import { contains, viewBox, type Box } from "./nearWires";
import type { NearWires } from "./WireLayer";
import { useWireHover } from "./wireHover";

/** No node is drawn elsewhere than the geometry has it: xyflow draws the dragged ones. */
const IN_PLACE: ReadonlyMap<number, XY> = new Map();

/**
 * The wires and nodes xyflow does not hold, drawn on one canvas under xyflow's nodes and wires,
 * redrawn on each pan or zoom frame: a pan brings them in before the view rests and they are
 * handed to xyflow. A node is drawn as a box with its title strip and title. A wire with a far end
 * stays here at rest and is handed to xyflow while the pointer is near it (wireHover.ts).
 */
export function WireLayer({ near }: { near: NearWires }) {
  const rf = useStoreApi();
  useWireHover(near);
  const selection = useEditor((s) => s.selection.nodes);
  const selected = useMemo(
    () => new Set(selection.map((id) => near.g.index.get(id)).filter((i): i is number => i !== undefined)),
    [near.g, selection],
  );
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frame = useRef(0);
  const draw = useCallback(() => {
    frame.current = 0;
    const el = canvasRef.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx) return;
    const [tx, ty, k] = rf.getState().transform;
    // The boxes as measured now: a node measured since the geometry was built (mounted by
    // xyflow, then left as the view moved on) is drawn at its size, and its wires leave its ports.
    const g = near.sized();
    const { handed, shown } = near;
    const seen = viewBox({ x: tx, y: ty, zoom: k }, { width, height });
    el.dataset.drawn = String(g.wires.length - handed.size);
    // Near the view xyflow holds every node and the wires between them, so a pan frame there
    // draws only the wires with a far end (`crossing`), and most frames of a small graph nothing.
    // A blank canvas is hidden and left alone: drawing it cleared cost a full-size canvas upload
    // and blend per frame, a third of a 1,000-node pan frame's CPU on the 2-core bench machine
    // (software raster). Inside the area xyflow draws whole, no look at every wire and node is
    // needed (5,000 nodes: a pass over each of them on every pan frame).
    const inside = !!near.whole && contains(near.whole, seen);
    const skip = inside ? handed : drawnByXyflow(g, handed, seen);
    const wires = inside ? near.crossing : g.wires;
    const paths = traceWires(g, seen, IN_PLACE, skip, wires);
    if (!paths.size && (inside || !anyNodeIn(g, seen, shown))) return hide(el);
    el.style.display = "";
    const dpr = devicePixelRatio || 1;
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.save();
    ctx.setTransform(k * dpr, 0, 0, k * dpr, tx * dpr, ty * dpr);
    // xyflow's wires: 2 graph px at 85% (styles.css).
    strokeWires(ctx, paths, 2, 0.85);
    // Scaled with the graph (zoom 1's size), as xyflow's own points are.
    drawRerouteDots(ctx, g, 1, seen, skip, wires);
    const drawn = inside ? [] : drawNodes(ctx, g, seen, k, IN_PLACE, selected, shown, true);
    ctx.restore();
    el.dataset.nodes = String(drawn.length);
  }, [near, rf, width, height, selected]);
  useEffect(() => {
    const schedule = () => void (frame.current ||= requestAnimationFrame(draw));
    schedule();
    const off = rf.subscribe((s, prev) => {
      if (s.transform !== prev.transform) schedule();
    });
    return () => {
      off();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [rf, draw]);
  const dpr = typeof devicePixelRatio === "number" ? devicePixelRatio : 1;
  return (
    <canvas
      ref={canvasRef}
      className="wire-layer"
      data-testid="wire-layer"
      width={Math.round(width * dpr)}
      height={Math.round(height * dpr)}
      style={{ width, height }}
    />
  );
}

function hide(el: HTMLCanvasElement) {
  el.style.display = "none";
  el.dataset.nodes = "0";
}

/** Whether any node of `g` outside `skip` overlaps `area`. */
function anyNodeIn(g: FarGeometry, area: Box, skip: ReadonlySet<number>): boolean {
  const { rects } = g;
  for (let i = 0; i < g.ids.length; i++) {
    const o = i * 4;
    const x = rects[o];
    const y = rects[o + 1];
    const inside = x <= area.x1 && x + rects[o + 2] >= area.x0 && y <= area.y1 && y + rects[o + 3] >= area.y0;
    if (inside && !skip.has(i)) return true;
  }
  return false;
}

/**
 * The handed wires xyflow draws. It culls a wire whose two nodes' box is off screen
 * (onlyRenderVisibleElements), though its reroute points may bring it on screen: such a wire is
 * drawn here, through its points.
 */
function drawnByXyflow(g: FarGeometry, handed: ReadonlySet<string>, seen: Box): ReadonlySet<string> {
  let out: Set<string> | null = null;
  const { rects: r } = g;
  for (const w of g.wires) {
    if (!w.via?.length || !handed.has(w.id)) continue;
    const [s, t] = [w.s * 4, w.t * 4];
    const box = {
      x0: Math.min(r[s], r[t]),
      y0: Math.min(r[s + 1], r[t + 1]),
      x1: Math.max(r[s] + r[s + 2], r[t] + r[t + 2]),
      y1: Math.max(r[s + 1] + r[s + 3], r[t + 1] + r[t + 3]),
    };
    if (box.x0 < seen.x1 && box.x1 > seen.x0 && box.y0 < seen.y1 && box.y1 > seen.y0) continue;
    (out ??= new Set(handed)).delete(w.id);
  }
  return out ?? handed;
}
