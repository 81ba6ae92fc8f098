/**
 * The minimap's nodes as a bitmap that is repainted only where nodes changed. An SVG path per
 * colour (what the minimap was) is re-rasterised whole whenever anything in the SVG changes,
 * the viewport mask included, so every pan frame of a 5,000-node graph redrew 5,000 boxes, and
 * every change to the node list rebuilt every path string. Here a change repaints the region
 * around the nodes that changed, and the view's mask is drawn over the bitmap on another canvas.
 */
import type { InternalNode, Node, Rect } from "@xyflow/react";

/** The part of CanvasRenderingContext2D the layer uses (a fake one in tests). */
export interface Paint {
  fillStyle: unknown;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  fill(): void;
  clip(): void;
  save(): void;
  restore(): void;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  color: string;
  /** xyflow replaces its internal node object whenever the node changes: the same object, the same box. */
  src: InternalNode;
  seen: number;
}

/** A group's frame (docs/canvas.md#groups), drawn under the nodes. */
export interface MinimapFrame {
  id: string;
  color: string;
  bounds: { x: number; y: number; width: number; height: number };
}
type FrameBox = Omit<Box, "src" | "seen">;

/** A reroute point on a wire (docs/canvas.md#reroute-points), drawn over the nodes in its wire's colour. */
export interface MinimapDot {
  x: number;
  y: number;
  color: string;
}
/** A dot's side in layer pixels: the point itself (12 graph px) is under a pixel on most minimaps. */
const DOT_PX = 5;

/** Where world coordinates land on the layer: `px = (world - x) * scale`. */
export interface LayerMap {
  x: number;
  y: number;
  scale: number;
}

/** Past this share of the bounds a partial repaint is not worth its scan: paint everything. */
const FULL_REPAINT_SHARE = 0.5;
const OFFSET_SCALE = 5;

/**
 * The view box xyflow's minimap would show for `box` (the nodes' bounds, joined with the view when
 * it reaches outside them) in an element of `width`×`height`: centred, with a margin.
 */
export function minimapViewBox(box: Rect, width: number, height: number): Rect & { scale: number } {
  const scale = Math.max(box.width / width, box.height / height);
  const vw = scale * width;
  const vh = scale * height;
  const offset = OFFSET_SCALE * scale;
  return {
    x: box.x - (vw - box.width) / 2 - offset,
    y: box.y - (vh - box.height) / 2 - offset,
    width: vw + offset * 2,
    height: vh + offset * 2,
    scale,
  };
}

export function createMinimapLayer() {
  const boxes = new Map<string, Box>();
  const frames = new Map<string, FrameBox>();
  const dots = createDotSet();
  let generation = 0;
  let bounds: Rect | null = null;
  let nodeBounds: Rect | null = null;
  let frameBounds: Rect | null = null;
  /** World rectangle that must be repainted; `full` when everything must. */
  let dirty: Rect | null = null;
  let full = true;
  let painted: { map: LayerMap; w: number; h: number } | null = null;

  const touch = (b: { x: number; y: number; w: number; h: number }) => {
    dirty = union(dirty, { x: b.x, y: b.y, width: b.w, height: b.h });
  };

  /**
   * Takes xyflow's nodes as they are now: an internal object seen last time costs one comparison;
   * changed, added and removed ones mark their old and new boxes for repaint. Hidden nodes count.
   * A big graph's nodes come from its layout (MiniMap.tsx allNodes): xyflow holds only those near the view.
   */
  function sync(nodes: Iterable<InternalNode>, nodeColor: (n: Node) => string): void {
    nodeBounds = updateBoxes(boxes, nodes, nodeColor, ++generation, touch);
    joinBounds();
  }

  /**
   * Takes `nodes` as they are now, every other box as it was: a big graph's unchanged layout, where
   * only what xyflow holds or let go changed (all 5,000 nodes on each slice of an opening file).
   */
  function patch(nodes: Iterable<InternalNode>, nodeColor: (n: Node) => string): void {
    nodeBounds = patchBoxes(boxes, nodes, nodeColor, generation, touch, nodeBounds);
    joinBounds();
  }

  /** Takes the groups' frames as they are now; a changed, added or removed one marks its area for repaint. */
  function syncFrames(groups: readonly MinimapFrame[]): void {
    frameBounds = updateFrames(frames, groups, touch);
    joinBounds();
  }

  /** Takes the reroute points as they are now; any change repaints everything (they change rarely). */
  function syncDots(next: readonly MinimapDot[]): void {
    if (!dots.sync(next)) return;
    full = true;
    joinBounds();
  }

  function joinBounds() {
    const next = union(union(nodeBounds, frameBounds), dots.bounds);
    if (!sameRect(next, bounds)) full = true;
    bounds = next;
  }

  /**
   * Brings `ctx` (a `w`×`h` pixel bitmap showing the world through `map`) up to date: everything
   * when the mapping or size changed or much moved, else only the changed region. Returns how many
   * node boxes it drew.
   */
  function paint(ctx: Paint, map: LayerMap, w: number, h: number): number {
    const same = painted && painted.w === w && painted.h === h && sameMap(painted.map, map);
    if (!full && same && !dirty) return 0;
    const region = full || !same || !dirty || !bounds ? null : dirty;
    if (region && bounds && region.width * region.height > FULL_REPAINT_SHARE * bounds.width * bounds.height)
      return paintAll(ctx, map, w, h);
    return region ? paintRegion(ctx, map, region) : paintAll(ctx, map, w, h);
  }

  function paintAll(ctx: Paint, map: LayerMap, w: number, h: number): number {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const drawn = draw(ctx, boxes, frames, map, null);
    dots.draw(ctx, map);
    painted = { map, w, h };
    full = false;
    dirty = null;
    return drawn;
  }

  function paintRegion(ctx: Paint, map: LayerMap, region: Rect): number {
    const [x0, y0, x1, y1] = pixelsOf(region, map);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, x1 - x0, y1 - y0);
    ctx.clip();
    ctx.clearRect(x0, y0, x1 - x0, y1 - y0);
    // The pixels cleared, in world units: every box touching them is drawn again.
    const world = {
      x: map.x + x0 / map.scale,
      y: map.y + y0 / map.scale,
      width: (x1 - x0) / map.scale,
      height: (y1 - y0) / map.scale,
    };
    const drawn = draw(ctx, boxes, frames, map, world);
    dots.draw(ctx, map);
    ctx.restore();
    dirty = null;
    return drawn;
  }

  return {
    sync,
    patch,
    syncFrames,
    syncDots,
    paint,
    /** The drawn nodes' bounds, or null when there is nothing to draw. */
    get bounds() {
      return bounds;
    },
    /** How many nodes have a box to draw. */
    get count() {
      let n = 0;
      for (const b of boxes.values()) if (b.w && b.h) n++;
      return n;
    },
  };
}

export type MinimapLayer = ReturnType<typeof createMinimapLayer>;

/**
 * Brings `boxes` to xyflow's nodes as they are now (generation `gen`). A node whose internal
 * object is the one seen last time costs one comparison; changed, added and removed ones touch
 * their old and new boxes. Returns the bounds of the boxes with a size, or null.
 */
function updateBoxes(
  boxes: Map<string, Box>,
  nodes: Iterable<InternalNode>,
  nodeColor: (n: Node) => string,
  gen: number,
  touch: (b: Box) => void,
): Rect | null {
  for (const n of nodes) upsert(boxes, n, nodeColor, gen, touch);
  for (const [id, box] of boxes)
    if (box.seen !== gen) {
      boxes.delete(id);
      touch(box);
    }
  return boundsOf(boxes.values());
}

/**
 * Node `n`'s box, seen in generation `gen`: the one kept when `n` is the object seen last time or
 * draws the same, else a new one, with its old and new areas touched.
 */
function upsert(
  boxes: Map<string, Box>,
  n: InternalNode,
  nodeColor: (n: Node) => string,
  gen: number,
  touch: (b: Box) => void,
): Box {
  let box = boxes.get(n.id);
  if (!box || box.src !== n) {
    const { x, y } = n.internals.positionAbsolute;
    const w = n.measured.width ?? n.width ?? n.initialWidth ?? 0;
    const h = n.measured.height ?? n.height ?? n.initialHeight ?? 0;
    const color = nodeColor(n.internals.userNode);
    if (!box || box.x !== x || box.y !== y || box.w !== w || box.h !== h || box.color !== color) {
      if (box) touch(box);
      box = { x, y, w, h, color, src: n, seen: gen };
      boxes.set(n.id, box);
      touch(box);
    } else box.src = n;
  }
  box.seen = gen;
  return box;
}

/** Brings the boxes of `nodes` up to date, leaving the others; returns the bounds (`bounds` before). */
function patchBoxes(
  boxes: Map<string, Box>,
  nodes: Iterable<InternalNode>,
  nodeColor: (n: Node) => string,
  gen: number,
  touch: (b: Box) => void,
  bounds: Rect | null,
): Rect | null {
  let edge = false;
  let grown = bounds;
  for (const n of nodes) {
    const old = boxes.get(n.id);
    const box = upsert(boxes, n, nodeColor, gen, touch);
    if (box === old) continue;
    edge ||= !!old && !!bounds && onEdge(old, bounds);
    if (box.w && box.h) grown = union(grown, { x: box.x, y: box.y, width: box.w, height: box.h });
  }
  // A box that was on the edge may have moved in: the bounds are measured again.
  return edge ? boundsOf(boxes.values()) : grown;
}

/** The bounds of the boxes with a size, or null. */
function boundsOf(boxes: Iterable<Box>): Rect | null {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const box of boxes) {
    if (!box.w || !box.h) continue;
    minX = Math.min(minX, box.x);
    minY = Math.min(minY, box.y);
    maxX = Math.max(maxX, box.x + box.w);
    maxY = Math.max(maxY, box.y + box.h);
  }
  return minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** Whether `b` touches an edge of `r` (moving it could shrink `r`). */
const onEdge = (b: Box, r: Rect) =>
  b.x <= r.x || b.y <= r.y || b.x + b.w >= r.x + r.width || b.y + b.h >= r.y + r.height;

/**
 * The layer pixels [x0, y0, x1, y1] that cover `region`: whole pixels, one wider each side, so
 * anti-aliased edges of the old boxes go too.
 */
function pixelsOf(region: Rect, map: LayerMap): [number, number, number, number] {
  return [
    Math.floor((region.x - map.x) * map.scale) - 1,
    Math.floor((region.y - map.y) * map.scale) - 1,
    Math.ceil((region.x + region.width - map.x) * map.scale) + 1,
    Math.ceil((region.y + region.height - map.y) * map.scale) + 1,
  ];
}

/** Brings `frames` to `groups`, touching the area of each one that changed; returns their bounds. */
function updateFrames(
  frames: Map<string, FrameBox>,
  groups: readonly MinimapFrame[],
  touch: (b: FrameBox) => void,
): Rect | null {
  const seen = new Set<string>();
  let box: Rect | null = null;
  for (const g of groups) {
    seen.add(g.id);
    const { x, y, width: w, height: h } = g.bounds;
    const old = frames.get(g.id);
    if (!old || old.x !== x || old.y !== y || old.w !== w || old.h !== h || old.color !== g.color) {
      if (old) touch(old);
      const next = { x, y, w, h, color: g.color };
      frames.set(g.id, next);
      touch(next);
    }
    box = union(box, { x, y, width: w, height: h });
  }
  for (const [id, old] of frames)
    if (!seen.has(id)) {
      frames.delete(id);
      touch(old);
    }
  return box;
}

const outside = (b: FrameBox, within: Rect | null) =>
  !!within &&
  (b.x > within.x + within.width || b.x + b.w < within.x || b.y > within.y + within.height || b.y + b.h < within.y);

/**
 * The frames meeting `within` (all with null) under the nodes: a faint fill and a one-pixel border
 * in the group's colour (`#rrggbb`, so an alpha can be appended).
 */
function drawFrames(ctx: Paint, frames: Map<string, FrameBox>, map: LayerMap, within: Rect | null): void {
  const t = 1 / map.scale;
  for (const f of frames.values()) {
    if (outside(f, within)) continue;
    ctx.fillStyle = `${f.color}30`;
    ctx.beginPath();
    ctx.rect(f.x, f.y, f.w, f.h);
    ctx.fill();
    ctx.fillStyle = f.color;
    ctx.beginPath();
    ctx.rect(f.x, f.y, f.w, t);
    ctx.rect(f.x, f.y + f.h - t, f.w, t);
    ctx.rect(f.x, f.y, t, f.h);
    ctx.rect(f.x + f.w - t, f.y, t, f.h);
    ctx.fill();
  }
}

/** The group frames, then one fill per colour of every node box (or every one meeting `within`). */
function draw(
  ctx: Paint,
  boxes: Map<string, Box>,
  frames: Map<string, FrameBox>,
  map: LayerMap,
  within: Rect | null,
): number {
  ctx.setTransform(map.scale, 0, 0, map.scale, -map.x * map.scale, -map.y * map.scale);
  drawFrames(ctx, frames, map, within);
  const byColor = new Map<string, Box[]>();
  for (const b of boxes.values()) {
    if (!b.w || !b.h) continue;
    if (outside(b, within)) continue;
    let list = byColor.get(b.color);
    if (!list) byColor.set(b.color, (list = []));
    list.push(b);
  }
  let drawn = 0;
  for (const [color, list] of byColor) {
    ctx.fillStyle = color;
    ctx.beginPath();
    for (const b of list) ctx.rect(b.x, b.y, b.w, b.h);
    ctx.fill();
    drawn += list.length;
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return drawn;
}

/** The reroute points, and the box around them. */
function createDotSet() {
  let dots: readonly MinimapDot[] = [];
  let bounds: Rect | null = null;
  return {
    /** Takes the points as they are now; false when they are the same as before. */
    sync(next: readonly MinimapDot[]): boolean {
      const same =
        next.length === dots.length &&
        next.every((d, i) => d.x === dots[i].x && d.y === dots[i].y && d.color === dots[i].color);
      if (same) return false;
      dots = next;
      bounds = null;
      for (const d of dots) bounds = union(bounds, { x: d.x, y: d.y, width: 0, height: 0 });
      return true;
    },
    get bounds() {
      return bounds;
    },
    draw: (ctx: Paint, map: LayerMap) => drawDots(ctx, dots, map),
  };
}

/** Each reroute point as a square DOT_PX across, centred on it, one fill per colour. */
function drawDots(ctx: Paint, dots: readonly MinimapDot[], map: LayerMap): void {
  if (!dots.length) return;
  const byColor = new Map<string, MinimapDot[]>();
  for (const d of dots) {
    let list = byColor.get(d.color);
    if (!list) byColor.set(d.color, (list = []));
    list.push(d);
  }
  const r = DOT_PX / 2;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  for (const [color, list] of byColor) {
    ctx.fillStyle = color;
    ctx.beginPath();
    for (const d of list) ctx.rect((d.x - map.x) * map.scale - r, (d.y - map.y) * map.scale - r, DOT_PX, DOT_PX);
    ctx.fill();
  }
}

function union(a: Rect | null, b: Rect | null): Rect | null {
  if (!a || !b) return a ?? b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

const sameRect = (a: Rect | null, b: Rect | null) =>
  a === b || (!!a && !!b && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);
const sameMap = (a: LayerMap, b: LayerMap) => a.x === b.x && a.y === b.y && a.scale === b.scale;
