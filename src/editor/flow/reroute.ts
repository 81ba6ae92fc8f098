// Reroute points on wires (docs/canvas.md#reroute-points). They live on the wire in the document
// (`reroutes`), not as nodes: the compiler never sees a pass-through node, and a wire stays one
// wire for every command that rewires (splice, reconnect, delete).
import { getBezierPath, Position } from "@xyflow/react";
import type { XY } from "../../graph";
import { definePart, type Editor } from "../store/editor";

/** Each wire's drawn ends, by wire id: "Add reroute" in the wire's menu needs them to pick the segment. */
const wireEndsPart = definePart("wireEnds", () => new Map<string, { source: XY; target: XY }>());
export const wireEndsOf = (editor: Editor) => editor.part(wireEndsPart);

const dist = (a: XY, b: XY) => Math.hypot(a.x - b.x, a.y - b.y);

/**
 * Where a point added at `at` goes in the wire's list (source to target): into the segment whose
 * detour through `at` is shortest, so the wire bends there rather than doubling back.
 */
export function rerouteIndex(source: XY, target: XY, points: readonly XY[], at: XY): number {
  const chain = [source, ...points, target];
  let best = 0;
  let bestCost = Infinity;
  for (let i = 0; i < chain.length - 1; i++) {
    const cost = dist(chain[i], at) + dist(at, chain[i + 1]) - dist(chain[i], chain[i + 1]);
    if (cost < bestCost) [best, bestCost] = [i, cost];
  }
  return best;
}

interface Ends {
  sourceX: number;
  sourceY: number;
  targetX: number;
  targetY: number;
  sourcePosition: Position;
  targetPosition: Position;
}

/**
 * The wire's path through its points: one bezier per segment, each leaving rightwards and arriving
 * from the left as a wire between ports does. Returns the path and the middle of its middle segment.
 */
export function reroutedPath(ends: Ends, points: readonly XY[]): [string, number, number] {
  if (!points.length) {
    const [path, x, y] = getBezierPath(ends);
    return [path, x, y];
  }
  const stops = [{ x: ends.sourceX, y: ends.sourceY }, ...points, { x: ends.targetX, y: ends.targetY }];
  const parts: string[] = [];
  let mid: [number, number] = [stops[0].x, stops[0].y];
  const middle = Math.floor((stops.length - 1) / 2);
  for (let i = 0; i < stops.length - 1; i++) {
    const [d, x, y] = getBezierPath({
      sourceX: stops[i].x,
      sourceY: stops[i].y,
      targetX: stops[i + 1].x,
      targetY: stops[i + 1].y,
      sourcePosition: i === 0 ? ends.sourcePosition : Position.Right,
      targetPosition: i === stops.length - 2 ? ends.targetPosition : Position.Left,
    });
    // Each segment after the first continues from where the last one ended.
    parts.push(i === 0 ? d : d.replace(/^M[^C]*/, ""));
    if (i === middle) mid = [x, y];
  }
  return [parts.join(" "), mid[0], mid[1]];
}
