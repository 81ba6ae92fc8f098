/**
 * When the far canvas can copy its last drawing instead of drawing the graph again. Drawing 5,000
 * nodes and their wires (thousands of curves) costs a software-rendered frame ~100 ms, and a pan
 * only shifts that drawing: so the graph is drawn once onto a bitmap that reaches half a screen
 * past each edge of the view (clipped to the graph), and a pan inside it is one image copy. A zoom
 * does not use it: scaling a bitmap of four screens each frame, and drawing one every few notches,
 * cost more than drawing the view (measured: 5.0 → 2.2 fps). It has its own, smaller drawing
 * (createZoomShot).
 */
import type { FarGeometry } from "./farGeometry";
import type { Transform } from "./drawFar";
import type { XY } from "../../graph";
import { wireBox, wireStops } from "./nearWires";

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A drawing of `area` (graph units) at zoom `k`, and what it was drawn from. */
export interface FarBitmap {
  area: Area;
  k: number;
  key: unknown;
}

/** Past each edge of the view, the share of a screen the bitmap also covers. */
const MARGIN = 0.5;

/**
 * Where anything of `g` is drawn, in graph units: the nodes, and the control points of the
 * wires (a curve stays inside them), moved nodes where they are now.
 */
export function farBounds(g: FarGeometry, moved: ReadonlyMap<number, XY>): Area | null {
  const { rects } = g;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  const at = (i: number): XY => moved.get(i) ?? { x: rects[i * 4], y: rects[i * 4 + 1] };
  for (let i = 0; i < g.ids.length; i++) {
    const { x, y } = at(i);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + rects[i * 4 + 2]);
    y1 = Math.max(y1, y + rects[i * 4 + 3]);
  }
  for (const w of g.wires) {
    const b = wireBox(wireStops(g, w, at));
    x0 = Math.min(x0, b.x0);
    y0 = Math.min(y0, b.y0);
    x1 = Math.max(x1, b.x1);
    y1 = Math.max(y1, b.y1);
  }
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The graph-space view of a `size` canvas at transform `t`. */
export function viewArea([tx, ty, k]: Transform, size: { width: number; height: number }): Area {
  return { x: -tx / k, y: -ty / k, width: size.width / k, height: size.height / k };
}

/**
 * What a bitmap drawn now at `t` should cover: the view and a margin, within the graph's bounds
 * (padded for strokes).
 */
export function bitmapArea(bounds: Area, t: Transform, size: { width: number; height: number }): Area | null {
  const v = viewArea(t, size);
  const pad = 4 / t[2];
  const wide = {
    x: v.x - v.width * MARGIN,
    y: v.y - v.height * MARGIN,
    width: v.width * (1 + 2 * MARGIN),
    height: v.height * (1 + 2 * MARGIN),
  };
  return intersect(wide, {
    x: bounds.x - pad,
    y: bounds.y - pad,
    width: bounds.width + 2 * pad,
    height: bounds.height + 2 * pad,
  });
}

/**
 * Whether `b` can be copied for the view at `t` (same zoom, what is on screen inside it), instead
 * of drawing the graph again.
 */
export function bitmapServes(
  b: FarBitmap | null,
  key: unknown,
  bounds: Area,
  t: Transform,
  size: { width: number; height: number },
): boolean {
  if (!b || b.key !== key || b.k !== t[2]) return false;
  const pad = 4 / t[2];
  const need = intersect(viewArea(t, size), {
    x: bounds.x - pad,
    y: bounds.y - pad,
    width: bounds.width + 2 * pad,
    height: bounds.height + 2 * pad,
  });
  return !need || contains(b.area, need);
}

function intersect(a: Area, b: Area): Area | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.width, b.x + b.width) - x;
  const h = Math.min(a.y + a.height, b.y + b.height) - y;
  return w > 0 && h > 0 ? { x, y, width: w, height: h } : null;
}

const contains = (a: Area, b: Area) =>
  b.x >= a.x && b.y >= a.y && b.x + b.width <= a.x + a.width && b.y + b.height <= a.y + a.height;

/** What a drawing shows besides the view: compared by identity. */
interface Drawn {
  key: unknown;
  g: unknown;
  selected: unknown;
  frames: unknown;
}
const sameDrawn = (a: Drawn, b: Drawn) =>
  a.key === b.key && a.g === b.g && a.selected === b.selected && a.frames === b.frames;

/** A zoom gesture shows its last full drawing scaled while the zoom stays within this factor of it. */
const ZOOM_REUSE = 1.4;
/** The share of the view drawn past each edge on a zoom, so a drawing zoomed out by ZOOM_REUSE still fills the view. */
const ZOOM_MARGIN = 0.2;

/**
 * Wheel zoom on the far canvas: a full drawing of 5,000 nodes and their wires costs a
 * software-rendered frame ~100 ms. So a zoom frame draws the view and a margin past it once, onto
 * its own canvas in the page (the shot, `host`'s child, shown in place of the far canvas), and the
 * next frames only give that canvas a CSS transform that scales it about the same graph point,
 * until the zoom has moved ZOOM_REUSE from it (blur, or a margin run out); the view at rest is
 * drawn on the far canvas again (`hide`). The shot has its own compositor layer (will-change), so
 * such a frame draws nothing: the compositor scales the layer's tiles, rasterised once. Scaling
 * the shot into the far canvas with drawImage instead cost each frame a full-canvas scaled copy
 * and the far canvas's upload. The shot is of the view alone: scaling a bitmap of four screens
 * (the pan bitmap) cost more than drawing the view.
 */
export function createZoomShot() {
  let shot: HTMLCanvasElement | null = null;
  let at: { t: Transform; what: Drawn; size: { width: number; height: number } } | null = null;
  let shown: HTMLCanvasElement | null = null;
  const show = (shot: HTMLCanvasElement, main: HTMLCanvasElement, transform: string) => {
    shot.style.transform = transform;
    if (shown === main) return;
    shot.style.display = "";
    main.style.visibility = "hidden";
    shown = main;
  };
  return {
    /**
     * Shows the last shot scaled to `t` in place of `main`, when it still serves; false when a full
     * drawing is needed.
     */
    scaled(main: HTMLCanvasElement, what: Drawn, t: Transform, size: { width: number; height: number }): boolean {
      if (!shot || !at || !sameDrawn(at.what, what)) return false;
      if (at.size.width !== size.width || at.size.height !== size.height) return false;
      const s = t[2] / at.t[2];
      if (s > ZOOM_REUSE || s < 1 / ZOOM_REUSE) return false;
      const mx = Math.round(size.width * ZOOM_MARGIN);
      const my = Math.round(size.height * ZOOM_MARGIN);
      // The shot's top left is (-mx, -my) in the old view's screen space.
      const x = (-mx - at.t[0]) * s + t[0];
      const y = (-my - at.t[1]) * s + t[1];
      const w = (size.width + 2 * mx) * s;
      const h = (size.height + 2 * my) * s;
      if (x > 0 || y > 0 || x + w < size.width || y + h < size.height) return false;
      show(shot, main, `translate(${x}px, ${y}px) scale(${s})`);
      return true;
    },
    /** Draws the view at `t` and a margin past it onto the shot (with `paint`), and shows it in place of `main`. */
    draw(
      host: HTMLElement,
      main: HTMLCanvasElement,
      what: Drawn,
      t: Transform,
      size: { width: number; height: number },
      dpr: number,
      paint: (c: CanvasRenderingContext2D, t: Transform, size: { width: number; height: number }) => void,
    ): void {
      const mx = Math.round(size.width * ZOOM_MARGIN);
      const my = Math.round(size.height * ZOOM_MARGIN);
      shot ??= createShotCanvas();
      if (shot.parentElement !== host) host.insertBefore(shot, main.nextSibling);
      const w = Math.ceil((size.width + 2 * mx) * dpr);
      const h = Math.ceil((size.height + 2 * my) * dpr);
      if (shot.width !== w || shot.height !== h) {
        shot.width = w;
        shot.height = h;
        shot.style.width = `${size.width + 2 * mx}px`;
        shot.style.height = `${size.height + 2 * my}px`;
      }
      const c = shot.getContext("2d");
      if (!c) return;
      c.setTransform(1, 0, 0, 1, 0, 0);
      paint(c, [t[0] + mx, t[1] + my, t[2]], { width: size.width + 2 * mx, height: size.height + 2 * my });
      at = { t: [...t], what, size: { ...size } };
      show(shot, main, `translate(${-mx}px, ${-my}px)`);
    },
    /** Shows `main` again, which the caller draws: the shot is hidden. */
    hide(main: HTMLCanvasElement) {
      if (!shown) return;
      if (shot) shot.style.display = "none";
      shown.style.visibility = "";
      if (shown !== main) main.style.visibility = "";
      shown = null;
    },
  };
}

/** The shot's canvas: at the far canvas's top left, scaled from there, on a layer of its own. */
function createShotCanvas(): HTMLCanvasElement {
  const el = document.createElement("canvas");
  el.dataset.testid = "far-shot";
  el.className = "far-shot";
  el.style.display = "none";
  return el;
}
