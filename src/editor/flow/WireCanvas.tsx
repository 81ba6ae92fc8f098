import { useCallback, useEffect, useMemo, useRef } from "react";
import { useStore, useStoreApi } from "@xyflow/react";
import type { XY } from "../../graph";
import { useEditor } from "../store/react";
import { drawNodes, strokeWires, traceWires } from "./drawFar";
import { viewBox } from "./nearWires";
import type { NearWires } from "./WireLayer";

/**
 * The wires and nodes xyflow does not hold, drawn on one canvas under xyflow's nodes and wires,
 * redrawn on each pan or zoom frame: a pan brings them in before the view rests and they are
 * handed to xyflow. A node is drawn as a box with its title strip and title.
 */
export function WireLayer({ near }: { near: NearWires }) {
  const rf = useStoreApi();
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
    const ctx = canvasRef.current?.getContext("2d");
    if (!ctx) return;
    const [tx, ty, k] = rf.getState().transform;
    const dpr = devicePixelRatio || 1;
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.save();
    ctx.setTransform(k * dpr, 0, 0, k * dpr, tx * dpr, ty * dpr);
    const { g, handed, shown } = near;
    const at = (i: number): XY => ({ x: g.rects[i * 4], y: g.rects[i * 4 + 1] });
    const seen = viewBox({ x: tx, y: ty, zoom: k }, { width, height });
    const paths = traceWires(g, seen, at, handed);
    // xyflow's wires: 2 graph px at 85% (styles.css).
    strokeWires(ctx, paths, 2, 0.85);
    const drawn = drawNodes(ctx, g, seen, k, at, selected, shown, true);
    ctx.restore();
    const el = canvasRef.current;
    if (el) {
      el.dataset.drawn = String(g.wires.length - handed.size);
      el.dataset.nodes = String(drawn.length);
    }
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
