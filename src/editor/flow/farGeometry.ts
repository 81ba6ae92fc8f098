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

export function farGeometry(
  registry: Registry,
  view: Pick<CanvasView, "nodeSizes" | "typeSizes">,
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
    const size = view.nodeSizes.get(n.id) ?? estimatedSize(view.typeSizes, def, n);
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
    wires.push({ id: e.id, s, sy: portY(out), t, ty: portY(inp), color, via: e.reroutes });
  }
  const glance = (i: number) => (glances[i] ??= glanceText(registry.get(nodes[i].type), nodes[i]));
  return { ids, rects, colors, titles, glance, index, wires };
}

/** A wire's colour: its source port's kind's, grey when the node or port is unknown. */
export function wireColor(registry: Registry, source: WorkflowNode | undefined, handle: string): string {
  const kind = source && registry.get(source.type)?.outputs.find((p) => p.id === handle)?.kind;
  return kind ? PORT_KIND_INFO[kind].color : "#888";
}

/** The node under graph point `p`, topmost (last drawn) first; -1 for none. */
export function nodeAt(g: FarGeometry, p: XY, moved?: ReadonlyMap<number, XY>): number {
  for (let i = g.ids.length - 1; i >= 0; i--) {
    const o = i * 4;
    const at = moved?.get(i);
    const x = at ? at.x : g.rects[o];
    const y = at ? at.y : g.rects[o + 1];
    if (p.x >= x && p.x <= x + g.rects[o + 2] && p.y >= y && p.y <= y + g.rects[o + 3]) return i;
  }
  return -1;
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
