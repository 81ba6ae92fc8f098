import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { useStore, useStoreApi } from "@xyflow/react";
import type { XY } from "../../graph";
import { useEditor, useEditorInstance } from "../store/react";
import { canvasViewOf } from "./view";
import { farGeometry, resized, type FarGeometry } from "./farGeometry";
import { drawFar, LABEL_MIN_WIDTH, MAX_LABELS, nodesOnScreen, TITLE_ROOM, type Transform } from "./drawFar";
import { bitmapArea, bitmapServes, createZoomShot, farBounds, type FarBitmap } from "./farCache";
import { carried, framesBounds, type FarFrames } from "./farFrames";
import { useCanvasUi } from "./canvasUi";
import { FarGlance, FarTitle } from "./FarTitle";
import type { LayoutCache } from "./WireLayer";
import { useZoomToNode } from "./useViewport";

interface Built {
  nodes: unknown;
  edges: unknown;
  g: FarGeometry;
  /** The measured sizes' version its boxes are of (CanvasView.resized). */
  sizes: number;
}

interface Labels {
  t: Transform;
  nodes: number[];
}

/**
 * How long the view must be still before node titles are DOM labels again: while it moves they
 * are drawn on the canvas (drawTitles), one line each.
 */
const LABEL_REST_MS = 150;

/**
 * A big graph zoomed out, drawn on one canvas instead of thousands of DOM nodes (which xyflow
 * then hides): panning and zooming redraw a few dozen paths, where the DOM would restyle and
 * repaint every node. Titles and key values are DOM text over the nodes while they fit; smaller,
 * hovering a node names it. Nodes can still be clicked (selected) and dragged. Zooming back in
 * past LOD_ZOOM hands the nodes back to xyflow.
 */
export function FarLayer({ active, layout }: { active: boolean; layout?: LayoutCache }) {
  const editor = useEditorInstance();
  const { store } = editor;
  const view = canvasViewOf(editor);
  const nodes = useEditor((s) => s.view.nodes);
  const edges = useEditor((s) => s.view.edges);
  // Built when drawn, and kept while the document is the same: a gesture in and out reuses it,
  // while an edit zoomed in (every keystroke) builds nothing. Nodes measured meanwhile (zoomed in,
  // xyflow mounts them) refresh their boxes only.
  const [built, setBuilt] = useState<Built | null>(null);
  const next = useMemo((): Built | null => {
    if (!active) return null;
    const sizes = view.resized.version;
    const same = built?.nodes === nodes && built.edges === edges;
    const kept = same
      ? built.sizes === sizes
        ? built.g
        : resized(store.registry, view, built.g, nodes, built.sizes)
      : null;
    const g = kept ?? layout?.exact(nodes, edges) ?? farGeometry(store.registry, view, nodes, edges);
    return { nodes, edges, g, sizes };
  }, [built, active, store, view, nodes, edges, layout]);
  useEffect(() => {
    if (next && next.g !== built?.g) setBuilt(next);
  }, [next, built]);
  const g = next?.g;
  return active && g ? <ActiveFarLayer g={g} /> : null;
}

function ActiveFarLayer({ g }: { g: FarGeometry }) {
  const selection = useEditor((s) => s.selection.nodes);
  const rf = useStoreApi();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const domNode = useStore((s) => s.domNode);
  const selected = useMemo(
    () => new Set(selection.map((id) => g.index.get(id)).filter((i): i is number => i !== undefined)),
    [g, selection],
  );
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const moved = useRef(new Map<number, XY>());
  const { frames, groupDrag } = useFrames();
  const [labels, setLabels] = useState<Labels | null>(null);
  const [hover, setHover] = useState<{ i: number; t: Transform } | null>(null);
  // The document now holds the dragged positions.
  useEffect(() => moved.current.clear(), [g]);

  const frame = useRef(0);
  const bitmap = useBitmap();
  const lastMove = useRef(-Infinity);
  const restTimer = useRef(0);
  const shown = useRef(false);
  const draw = useCallback(() => {
    frame.current = 0;
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) return;
    const t = rf.getState().transform;
    const at = carried(g, groupDrag, moved.current);
    const onScreen = nodesOnScreen(g, t, { width, height }, at);
    const fits = onScreen.length <= MAX_LABELS && onScreen.some((i) => g.rects[i * 4 + 2] * t[2] >= LABEL_MIN_WIDTH);
    const still = performance.now() - lastMove.current >= LABEL_REST_MS;
    bitmap.show(ctx, g, t, { width, height }, selected, at, frames, fits && !still, still, hostRef.current);
    canvas.dataset.drawn = String(onScreen.length);
    canvas.dataset.total = String(g.ids.length);
    canvas.dataset.moving = still ? "0" : "1";
    const next = fits && still ? { t: [...t] as const, nodes: onScreen } : null;
    // Synchronously, so canvas titles and DOM labels trade places within the frame (no frame with
    // both, or with labels left where the view was); while moving nothing re-renders.
    if (next || shown.current) flushSync(() => setLabels(next));
    shown.current = !!next;
  }, [g, width, height, selected, rf, bitmap, frames, groupDrag]);
  const schedule = useCallback(() => {
    frame.current ||= requestAnimationFrame(draw);
  }, [draw]);
  useEffect(() => {
    schedule();
    const off = rf.subscribe((s, prev) => {
      if (s.transform === prev.transform) return;
      lastMove.current = performance.now();
      setHover(null);
      schedule();
      // The frame after the view comes to rest brings the DOM labels back.
      clearTimeout(restTimer.current);
      restTimer.current = window.setTimeout(schedule, LABEL_REST_MS);
    });
    return () => {
      off();
      cancelAnimationFrame(frame.current);
      clearTimeout(restTimer.current);
      frame.current = 0;
    };
  }, [rf, schedule]);
  const moveNode = useCallback(() => {
    bitmap.stale();
    schedule();
  }, [bitmap, schedule]);

  useFarPointer(domNode, g, moved, moveNode, setHover);

  const dpr = typeof devicePixelRatio === "number" ? devicePixelRatio : 1;
  return (
    <div className="far-layer" ref={hostRef}>
      <canvas
        ref={canvasRef}
        data-testid="far-canvas"
        width={Math.round(width * dpr)}
        height={Math.round(height * dpr)}
        style={{ width, height }}
      />
      {labels && <FarLabels g={g} labels={labels} />}
      {!labels && hover && <FarLabels g={g} labels={{ t: hover.t, nodes: [hover.i] }} hover />}
    </div>
  );
}

/** The groups to draw (farFrames.ts): the document's, the selected one, the one being dragged. */
function useFrames() {
  const groups = useEditor((s) => s.view.groups);
  const selected = useCanvasUi((s) => s.group);
  const groupDrag = useCanvasUi((s) => s.groupDrag);
  const frames = useMemo<FarFrames>(
    () => ({ groups: groups ?? [], selected, drag: groupDrag }),
    [groups, selected, groupDrag],
  );
  return { frames, groupDrag };
}

/** Each node's title and key value, in screen-sized type over its rectangle. */
function FarLabels({ g, labels, hover }: { g: FarGeometry; labels: Labels; hover?: boolean }) {
  const [tx, ty, k] = labels.t;
  return (
    <>
      {labels.nodes.map((i) => {
        const o = i * 4;
        const w = g.rects[o + 2] * k;
        const h = g.rects[o + 3] * k;
        if (!hover && w < LABEL_MIN_WIDTH) return null;
        // A collapsed node's bar, lower than a line: its title alone, one line centred on the bar.
        const bar = !hover && h < TITLE_ROOM;
        return (
          <div
            key={g.ids[i]}
            className={`far-label ${hover ? "hover" : ""} ${bar ? "on-bar" : ""}`}
            data-id={g.ids[i]}
            style={{
              left: g.rects[o] * k + tx,
              top: g.rects[o + 1] * k + ty + (bar ? h / 2 : 0),
              width: hover ? undefined : w,
              maxHeight: hover || bar ? undefined : h,
              ["--cat" as string]: g.colors[i],
            }}
          >
            <FarTitle text={g.titles[i]} />
            {!bar && g.glance(i) && <FarGlance text={g.glance(i)} />}
          </div>
        );
      })}
    </>
  );
}

/**
 * A press on a drawn node selects it (Shift/Ctrl adds) or drags it, one undo step on release; a
 * press on empty canvas goes on to xyflow, which pans. Hovering a node too small to label names it.
 * A double click on a drawn node zooms to it, as on a light card (not the canvas's double click,
 * which opens the node search).
 */
function useFarPointer(
  domNode: HTMLDivElement | null,
  g: FarGeometry,
  moved: { current: Map<number, XY> },
  redraw: () => void,
  setHover: (h: { i: number; t: Transform } | null) => void,
) {
  const { store } = useEditorInstance();
  const rf = useStoreApi();
  const zoomTo = useZoomToNode();
  useEffect(() => {
    if (!domNode) return;
    const toGraph = (e: MouseEvent): XY => {
      const r = domNode.getBoundingClientRect();
      const [tx, ty, k] = rf.getState().transform;
      return { x: (e.clientX - r.left - tx) / k, y: (e.clientY - r.top - ty) / k };
    };
    // A group's title bar and corner (DOM handles over the canvas, Groups.tsx) win over a node
    // under them: the bars are drawn over the nodes here, and far out reach over those above.
    const onScreenUi = (e: Event) =>
      !(e.target as Element).closest(".react-flow__panel, .react-flow__minimap, .group-title, .group-resize");
    const down = (e: MouseEvent) => {
      if (e.button !== 0 || !onScreenUi(e)) return;
      const i = nodeAt(g, toGraph(e), moved.current);
      if (i < 0) return;
      // Ours, not xyflow's: it would start a pan.
      e.stopPropagation();
      e.preventDefault();
      setHover(null);
      const start = { mx: e.clientX, my: e.clientY, x: g.rects[i * 4], y: g.rects[i * 4 + 1] };
      let dragging = false;
      const move = (m: MouseEvent) => {
        const k = rf.getState().transform[2];
        dragging ||= Math.hypot(m.clientX - start.mx, m.clientY - start.my) > 3;
        if (!dragging) return;
        moved.current.set(i, { x: start.x + (m.clientX - start.mx) / k, y: start.y + (m.clientY - start.my) / k });
        redraw();
      };
      const up = (u: MouseEvent) => {
        window.removeEventListener("mousemove", move);
        window.removeEventListener("mouseup", up);
        const at = moved.current.get(i);
        const id = g.ids[i];
        if (dragging && at) store.moveNodes([{ id, position: { x: Math.round(at.x), y: Math.round(at.y) } }]);
        else if (u.shiftKey || u.ctrlKey || u.metaKey) {
          const sel = new Set(store.getState().selection.nodes);
          if (sel.has(id)) sel.delete(id);
          else sel.add(id);
          store.setSelection({ nodes: [...sel] });
        } else store.setSelection({ nodes: [id], edges: [] });
      };
      window.addEventListener("mousemove", move);
      window.addEventListener("mouseup", up);
    };
    const stopPointer = (e: PointerEvent) => {
      if (e.button === 0 && onScreenUi(e) && nodeAt(g, toGraph(e), moved.current) >= 0) e.stopPropagation();
    };
    let last = -1;
    const hoverMove = (e: MouseEvent) => {
      if (e.buttons) return;
      const i = onScreenUi(e) ? nodeAt(g, toGraph(e), moved.current) : -1;
      if (i === last) return;
      last = i;
      domNode.classList.toggle("far-over-node", i >= 0);
      setHover(i >= 0 ? { i, t: [...rf.getState().transform] } : null);
    };
    const dblclick = (e: MouseEvent) => {
      const i = onScreenUi(e) ? nodeAt(g, toGraph(e), moved.current) : -1;
      if (i < 0) return;
      e.stopPropagation();
      zoomTo(g.ids[i]);
    };
    domNode.addEventListener("mousedown", down, true);
    domNode.addEventListener("pointerdown", stopPointer, true);
    domNode.addEventListener("mousemove", hoverMove);
    domNode.addEventListener("dblclick", dblclick, true);
    return () => {
      domNode.removeEventListener("mousedown", down, true);
      domNode.removeEventListener("pointerdown", stopPointer, true);
      domNode.removeEventListener("mousemove", hoverMove);
      domNode.removeEventListener("dblclick", dblclick, true);
      domNode.classList.remove("far-over-node");
    };
  }, [domNode, g, moved, redraw, rf, store, setHover, zoomTo]);
}

/**
 * The far canvas's last drawing, kept on a bitmap that reaches past the view (farCache.ts): `show`
 * copies it when it still serves, else draws the graph onto it first. `stale` after a node moved.
 */
function useBitmap() {
  return useMemo(() => {
    const el = document.createElement("canvas");
    let drawn:
      | (FarBitmap & {
          bounds: ReturnType<typeof farBounds>;
          g: FarGeometry;
          selected: ReadonlySet<number>;
          frames: FarFrames;
        })
      | null = null;
    let version = 0;
    let last: Transform | null = null;
    const zoomShot = createZoomShot();
    let widths: { g: FarGeometry; w: Float64Array } | null = null;
    const titleWidths = (g: FarGeometry) =>
      (widths?.g === g ? widths : (widths = { g, w: new Float64Array(g.ids.length).fill(-1) })).w;
    return {
      stale: () => void version++,
      show(
        ctx: CanvasRenderingContext2D,
        g: FarGeometry,
        t: Transform,
        size: { width: number; height: number },
        selected: ReadonlySet<number>,
        moved: ReadonlyMap<number, XY>,
        frames: FarFrames,
        withTitles: boolean,
        still: boolean,
        host: HTMLElement | null,
      ) {
        const titles = withTitles ? titleWidths(g) : null;
        const dpr = typeof devicePixelRatio === "number" ? devicePixelRatio : 1;
        const key = `${version} ${dpr} ${withTitles}`;
        const same = drawn?.key === key && drawn.g === g && drawn.selected === selected && drawn.frames === frames;
        // Only a pan is worth a bitmap: a zoom, a moved node or a first drawing draws the view alone.
        const pan = !!last && last[2] === t[2] && (last[0] !== t[0] || last[1] !== t[1]);
        const zooming = !!last && last[2] !== t[2] && !still;
        last = [...t];
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        const main = ctx.canvas;
        if (zooming && host) {
          const what = { key, g, selected, frames };
          if (zoomShot.scaled(main, what, t, size)) return;
          return zoomShot.draw(host, main, what, t, size, dpr, (c, tt, ss) =>
            drawFar(c, g, tt, ss, selected, moved, frames, titles),
          );
        }
        // At rest, and on a pan, the far canvas itself is drawn.
        zoomShot.hide(main);
        if (!same && !pan) return void drawFar(ctx, g, t, size, selected, moved, frames, titles);
        const bounds = same ? drawn!.bounds : withFrames(farBounds(g, moved), framesBounds(frames, t[2]));
        ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
        if (!bounds) return;
        if (same && bitmapServes(drawn, key, bounds, t, size)) {
          const { area, k } = drawn!;
          // Whole pixels: a copy at a fractional offset would blur every line.
          ctx.drawImage(el, Math.round((area.x * k + t[0]) * dpr), Math.round((area.y * k + t[1]) * dpr));
          return;
        }
        if (!pan) return void drawFar(ctx, g, t, size, selected, moved, frames, titles);
        const area = bitmapArea(bounds, t, size);
        if (!area) return;
        const k = t[2];
        el.width = Math.ceil(area.width * k * dpr);
        el.height = Math.ceil(area.height * k * dpr);
        const c = el.getContext("2d");
        if (!c) return;
        drawFar(
          c,
          g,
          [-area.x * k, -area.y * k, k],
          { width: area.width * k, height: area.height * k },
          selected,
          moved,
          frames,
          titles,
        );
        drawn = { area, k, key, bounds, g, selected, frames };
        ctx.drawImage(el, Math.round((area.x * k + t[0]) * dpr), Math.round((area.y * k + t[1]) * dpr));
      },
    };
  }, []);
}

/** The graph's drawn area joined with the frames' (a group can reach past its nodes). */
function withFrames(a: ReturnType<typeof farBounds>, f: ReturnType<typeof framesBounds>): ReturnType<typeof farBounds> {
  if (!f) return a;
  const x = Math.min(a?.x ?? f.x0, f.x0);
  const y = Math.min(a?.y ?? f.y0, f.y0);
  return {
    x,
    y,
    width: Math.max(a ? a.x + a.width : f.x1, f.x1) - x,
    height: Math.max(a ? a.y + a.height : f.y1, f.y1) - y,
  };
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
