import {
  NODE_GEOMETRY,
  PORT_KIND_INFO,
  type Registry,
  type WorkflowEdge,
  type WorkflowNode,
  type XY,
} from "../../graph";
import { estimatedSize } from "./sizes";
import type { CanvasView } from "./view";
import { glanceText } from "./glance";

/** Every node and wire of a document as flat rectangles and segments, for the zoomed-out canvas layer. */
export interface FarGeometry {
  ids: string[];
  /** Graph-space rectangles, four numbers a node: x, y, width, height. */
  rects: Float64Array;
  /** The node's category colour (its title strip). */
  colors: string[];
  titles: string[];
  /** A node's key value, formatted on first use: only labelled nodes need one. */
  glance(i: number): string;
  index: Map<string, number>;
  /** Wires: source node, its port's y offset, target node, its port's y offset, colour, reroute points. */
  wires: FarWire[];
}

export interface FarWire {
  id: string;
  s: number;
  sy: number;
  t: number;
  ty: number;
  color: string;
  via?: readonly XY[];
}

const portY = (i: number) => NODE_GEOMETRY.firstPortTop + Math.max(0, i) * NODE_GEOMETRY.portPitch;

type Sizes = Pick<CanvasView, "nodeSizes" | "typeSizes">;

/** A node's box size: measured, else the estimate (sizes.ts). */
export const boxSize = (registry: Registry, view: Sizes, n: WorkflowNode) =>
  view.nodeSizes.get(n.id) ?? estimatedSize(view.typeSizes, registry.get(n.type), n);

export function farGeometry(
  registry: Registry,
  view: Sizes,
  nodes: readonly WorkflowNode[],
  edges: readonly WorkflowEdge[],
): FarGeometry {
  const rects = new Float64Array(nodes.length * 4);
  const ids: string[] = [];
  const colors: string[] = [];
  const titles: string[] = [];
  const glances: (string | undefined)[] = new Array(nodes.length);
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    const def = registry.get(n.type);
    const size = boxSize(registry, view, n);
    rects.set([n.position.x, n.position.y, size.width, size.height], i * 4);
    ids.push(n.id);
    colors.push(def?.category.color ?? "#888");
    titles.push(n.label || def?.title || n.type);
    index.set(n.id, i);
  });
  const wires: FarGeometry["wires"] = [];
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined) continue;
    const sdef = registry.get(nodes[s].type);
    const tdef = registry.get(nodes[t].type);
    const out = sdef?.outputs.findIndex((p) => p.id === e.sourceHandle) ?? 0;
    const kind = sdef?.outputs[out]?.kind;
    const inp = tdef?.inputs.findIndex((p) => p.id === e.targetHandle) ?? 0;
    const color = kind ? PORT_KIND_INFO[kind].color : "#888";
    // A collapsed node's wires meet its bar, in the middle (comforts.css .gnode.collapsed .port).
    const sy = nodes[s].collapsed ? NODE_GEOMETRY.bar / 2 : portY(out);
    const ty = nodes[t].collapsed ? NODE_GEOMETRY.bar / 2 : portY(inp);
    wires.push({ id: e.id, s, sy, t, ty, color, via: e.reroutes });
  }
  const glance = (i: number) => (glances[i] ??= glanceText(registry.get(nodes[i].type), nodes[i]));
  return { ids, rects, colors, titles, glance, index, wires };
}

/**
 * `g`, built from `nodes` when `view.resized` was at `version`, with the boxes of the nodes measured
 * since, and of the unmeasured nodes of a type whose size changed, as farGeometry would build them
 * now: `g` itself when no box changed, null when the log no longer reaches back (build it again).
 * Wires keep their ports' offsets from the box's corner, so their ends follow. Building all of a
 * 5,000-node graph's geometry again after each slice of nodes was measured cost a frame's budget.
 */
export function resized(
  registry: Registry,
  view: Sizes & Pick<CanvasView, "resized">,
  g: FarGeometry,
  nodes: readonly WorkflowNode[],
  version: number,
): FarGeometry | null {
  const changed = view.resized.since(version);
  if (!changed) return null;
  let rects: Float64Array | null = null;
  const refresh = (i: number) => {
    const { width, height } = boxSize(registry, view, nodes[i]);
    const r = rects ?? g.rects;
    if (r[i * 4 + 2] === width && r[i * 4 + 3] === height) return;
    rects ??= g.rects.slice();
    rects[i * 4 + 2] = width;
    rects[i * 4 + 3] = height;
  };
  for (const id of changed.ids) {
    const i = g.index.get(id);
    if (i !== undefined) refresh(i);
  }
  if (changed.types.size)
    for (let i = 0; i < nodes.length; i++)
      if (changed.types.has(nodes[i].type) && !view.nodeSizes.has(nodes[i].id)) refresh(i);
  return rects ? { ...g, rects } : g;
}

/** A wire's colour: its source port's kind's, grey when the node or port is unknown. */
export function wireColor(registry: Registry, source: WorkflowNode | undefined, handle: string): string {
  const kind = source && registry.get(source.type)?.outputs.find((p) => p.id === handle)?.kind;
  return kind ? PORT_KIND_INFO[kind].color : "#888";
}

/** The box around the nodes of `g` (those of `ids` only, when given), or null for none. */
export function geometryBounds(
  g: FarGeometry,
  ids?: readonly string[],
): { x: number; y: number; width: number; height: number } | null {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  const add = (i: number | undefined) => {
    if (i === undefined) return;
    const o = i * 4;
    x0 = Math.min(x0, g.rects[o]);
    y0 = Math.min(y0, g.rects[o + 1]);
    x1 = Math.max(x1, g.rects[o] + g.rects[o + 2]);
    y1 = Math.max(y1, g.rects[o + 1] + g.rects[o + 3]);
  };
  if (ids) for (const id of ids) add(g.index.get(id));
  else for (let i = 0; i < g.ids.length; i++) add(i);
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
