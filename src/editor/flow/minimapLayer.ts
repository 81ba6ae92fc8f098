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
  let generation = 0;
  let bounds: Rect | null = null;
  /** World rectangle that must be repainted; `full` when everything must. */
  let dirty: Rect | null = null;
  let full = true;
  let painted: { map: LayerMap; w: number; h: number } | null = null;

  const touch = (b: { x: number; y: number; w: number; h: number }) => {
    if (!dirty) dirty = { x: b.x, y: b.y, width: b.w, height: b.h };
    else {
      const x = Math.min(dirty.x, b.x);
      const y = Math.min(dirty.y, b.y);
      dirty = {
        x,
        y,
        width: Math.max(dirty.x + dirty.width, b.x + b.w) - x,
        height: Math.max(dirty.y + dirty.height, b.y + b.h) - y,
      };
    }
  };

  /**
   * Takes xyflow's nodes as they are now. A node whose internal object is the one seen last time
   * costs one comparison; changed, added and removed ones mark their old and new boxes for repaint.
   * Hidden nodes count: zoomed far out a big graph's nodes are hidden from xyflow and drawn by FarLayer.
   */
  function sync(nodes: Iterable<InternalNode>, nodeColor: (n: Node) => string): void {
    const gen = ++generation;
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (const n of nodes) {
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
      if (!box.w || !box.h) continue;
      minX = Math.min(minX, box.x);
      minY = Math.min(minY, box.y);
      maxX = Math.max(maxX, box.x + box.w);
      maxY = Math.max(maxY, box.y + box.h);
    }
    for (const [id, box] of boxes)
      if (box.seen !== gen) {
        boxes.delete(id);
        touch(box);
      }
    const next = minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
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
    const drawn = draw(ctx, boxes, map, null);
    painted = { map, w, h };
    full = false;
    dirty = null;
    return drawn;
  }

  function paintRegion(ctx: Paint, map: LayerMap, region: Rect): number {
    // Whole pixels, one wider each side: anti-aliased edges of the old boxes go too.
    const x0 = Math.floor((region.x - map.x) * map.scale) - 1;
    const y0 = Math.floor((region.y - map.y) * map.scale) - 1;
    const x1 = Math.ceil((region.x + region.width - map.x) * map.scale) + 1;
    const y1 = Math.ceil((region.y + region.height - map.y) * map.scale) + 1;
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
    const drawn = draw(ctx, boxes, map, world);
    ctx.restore();
    dirty = null;
    return drawn;
  }

  return {
    sync,
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

/** One fill per colour, of every box (or every box meeting `within`). */
function draw(ctx: Paint, boxes: Map<string, Box>, map: LayerMap, within: Rect | null): number {
  const byColor = new Map<string, Box[]>();
  for (const b of boxes.values()) {
    if (!b.w || !b.h) continue;
    if (
      within &&
      (b.x > within.x + within.width || b.x + b.w < within.x || b.y > within.y + within.height || b.y + b.h < within.y)
    )
      continue;
    let list = byColor.get(b.color);
    if (!list) byColor.set(b.color, (list = []));
    list.push(b);
  }
  let drawn = 0;
  ctx.setTransform(map.scale, 0, 0, map.scale, -map.x * map.scale, -map.y * map.scale);
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

const sameRect = (a: Rect | null, b: Rect | null) =>
  a === b || (!!a && !!b && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);
const sameMap = (a: LayerMap, b: LayerMap) => a.x === b.x && a.y === b.y && a.scale === b.scale;
