/**
 * The canvas overview. Written instead of using xyflow's <MiniMap> because that one mounts a React
 * component (with its own store subscription) and an SVG <rect> per node: opening a 5,000-node
 * file spent ~300 ms of its longest task creating and styling those. The nodes are a bitmap that
 * is repainted only where nodes changed (minimapLayer.ts); each frame of a pan or zoom copies it
 * onto the visible canvas and draws the viewport mask over it, outside React. The layout maths and
 * the pan/zoom gestures (XYMinimap) are xyflow's own, so it looks and behaves the same.
 */
import { memo, useEffect, useRef } from "react";
import { Panel, useStore, useStoreApi, type InternalNode, type Node, type ReactFlowState } from "@xyflow/react";
import { getBoundsOfRects, XYMinimap, type Rect, type XYMinimapInstance } from "@xyflow/system";
import {
  createMinimapLayer,
  minimapViewBox,
  type MinimapDot,
  type MinimapFrame,
  type MinimapLayer,
} from "./minimapLayer";
import type { Registry, WorkflowEdge, WorkflowNode } from "../../graph";
import { useEditorInstance } from "../store/react";
import { useCanvasView, type Layout } from "./view";
import { wireColor, type FarGeometry } from "./farGeometry";

interface Props {
  /** Fill colour for a node. */
  nodeColor(node: Node): string;
  width: number;
  height: number;
  margin: number;
  ariaLabel: string;
  maskColor: string;
}

const viewOf = (s: ReactFlowState): Rect => ({
  x: -s.transform[0] / s.transform[2],
  y: -s.transform[1] / s.transform[2],
  width: s.width / s.transform[2],
  height: s.height / s.transform[2],
});

export const MiniMap = memo(function MiniMap({ nodeColor, width, height, margin, ariaLabel, maskColor }: Props) {
  const store = useStoreApi();
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewScale = useRef(1);
  const panZoom = useStore((s) => s.panZoom);
  const translateExtent = useStore((s) => s.translateExtent);
  const flowWidth = useStore((s) => s.width);
  const flowHeight = useStore((s) => s.height);
  const layout = useCanvasView().layout;
  const editor = useEditorInstance();

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const groups: GroupSource = {
      get: () => editor.store.getState().view.groups ?? [],
      dots: () => rerouteDots(editor.store.registry, editor.store.getState().view),
      subscribe: (fn) =>
        editor.store.subscribe((s, prev) => {
          if (s.view.groups !== prev.view.groups || s.view.edges !== prev.view.edges) fn();
        }),
    };
    return drawMinimap(el, store, layout, groups, { nodeColor, width, height, maskColor }, viewScale);
  }, [store, layout, editor, nodeColor, width, height, maskColor]);

  const minimap = useRef<XYMinimapInstance | null>(null);
  useEffect(() => {
    if (!canvas.current || !panZoom) return;
    minimap.current = XYMinimap({
      domNode: canvas.current,
      panZoom,
      getTransform: () => store.getState().transform,
      getViewScale: () => viewScale.current,
    });
    return () => {
      minimap.current?.destroy();
      minimap.current = null;
    };
  }, [panZoom, store]);
  useEffect(() => {
    minimap.current?.update({
      translateExtent,
      width: flowWidth,
      height: flowHeight,
      pannable: true,
      zoomable: true,
      inversePan: false,
      zoomStep: 1,
    });
  }, [translateExtent, flowWidth, flowHeight, panZoom]);

  return (
    <Panel
      position="bottom-right"
      className="react-flow__minimap"
      data-testid="rf__minimap"
      style={{ width, height, margin }}
    >
      <canvas
        ref={canvas}
        style={{ width, height, display: "block" }}
        className="react-flow__minimap-canvas"
        role="img"
        aria-label={ariaLabel}
      />
    </Panel>
  );
});

type Store = ReturnType<typeof useStoreApi>;
/** The document's groups, drawn as frames under the nodes, its reroute points, and word when they change. */
interface GroupSource {
  get(): readonly MinimapFrame[];
  dots(): readonly MinimapDot[];
  subscribe(fn: () => void): () => void;
}

/** Every reroute point of the document, in its wire's colour (the source port's kind). */
function rerouteDots(registry: Registry, view: { nodes: readonly WorkflowNode[]; edges: readonly WorkflowEdge[] }) {
  const out: MinimapDot[] = [];
  const rerouted = view.edges.filter((e) => e.reroutes?.length);
  if (!rerouted.length) return out;
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  for (const e of rerouted) {
    const color = wireColor(registry, byId.get(e.source), e.sourceHandle);
    for (const p of e.reroutes!) out.push({ x: p.x, y: p.y, color });
  }
  return out;
}

/**
 * Keeps `el` showing the nodes and the view: the node layer is brought up to date (once a frame at
 * most) after any change to xyflow's state other than a pan or zoom, which only moves the mask.
 * The groups' frames are drawn under the nodes, reroute points over them. `data-nodes`,
 * `data-groups` and `data-reroutes` on the canvas say how many of each are drawn. Returns the teardown.
 */
function drawMinimap(
  el: HTMLCanvasElement,
  store: Store,
  layout: Layout,
  groups: GroupSource,
  o: { nodeColor: (n: Node) => string; width: number; height: number; maskColor: string },
  viewScale: { current: number },
): () => void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(o.width * dpr);
  const h = Math.round(o.height * dpr);
  el.width = w;
  el.height = h;
  const ctx = el.getContext("2d");
  const bitmap = document.createElement("canvas");
  bitmap.width = w;
  bitmap.height = h;
  const layerCtx = bitmap.getContext("2d");
  if (!ctx || !layerCtx) return () => undefined;
  const layer: MinimapLayer = createMinimapLayer();
  /** The big graph's layout the layer has every node of, and the nodes xyflow held then. */
  let synced: { g: FarGeometry; held: Set<string> } | null = null;
  let needSync = true;
  let raf = 0;
  const standIns = createStandIns();
  const colorOf = (n: Node) => standIns.colorOf(n) ?? o.nodeColor(n);

  const frame = () => {
    raf = 0;
    const s = store.getState();
    if (needSync) {
      needSync = false;
      const g = layout.get();
      // The same layout: only what xyflow holds, or has let go, can have changed.
      if (g && synced?.g === g) layer.patch(standIns.heldOrLetGo(g, s.nodeLookup, synced.held), colorOf);
      else if (g) layer.sync(standIns.allNodes(g, s.nodeLookup), colorOf);
      else layer.sync(s.nodeLookup.values(), o.nodeColor);
      synced = g ? { g, held: new Set(s.nodeLookup.keys()) } : null;
      const frames = groups.get();
      layer.syncFrames(frames);
      const dots = groups.dots();
      layer.syncDots(dots);
      el.dataset.nodes = String(layer.count);
      el.dataset.groups = String(frames.length);
      el.dataset.reroutes = String(dots.length);
    }
    const view = viewOf(s);
    const bounds = layer.bounds;
    // The layer shows the nodes' bounds as the minimap does when the view is inside them: then it
    // is copied 1:1; a view reaching outside shrinks it.
    const home = minimapViewBox(bounds ?? view, o.width, o.height);
    const map = { x: home.x, y: home.y, scale: w / home.width };
    layer.paint(layerCtx, map, w, h);
    const vb = minimapViewBox(bounds ? getBoundsOfRects(bounds, view) : view, o.width, o.height);
    viewScale.current = vb.scale;
    const k = w / vb.width;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(bitmap, (map.x - vb.x) * k, (map.y - vb.y) * k, (w * k) / map.scale, (h * k) / map.scale);
    ctx.setTransform(k, 0, 0, k, -vb.x * k, -vb.y * k);
    ctx.fillStyle = o.maskColor;
    ctx.beginPath();
    ctx.rect(vb.x, vb.y, vb.width, vb.height);
    ctx.rect(view.x, view.y, view.width, view.height);
    ctx.fill("evenodd");
  };
  const schedule = () => {
    if (!raf) raf = requestAnimationFrame(frame);
  };
  const off = store.subscribe((s, prev) => {
    // A measured node changes xyflow's lookup in place and only bumps the store: anything but a
    // move of the view may have changed a node.
    if (s.transform === prev.transform) needSync = true;
    schedule();
  });
  const offLayout = layout.subscribe(() => {
    needSync = true;
    schedule();
  });
  const offGroups = groups.subscribe(() => {
    needSync = true;
    schedule();
  });
  frame();
  return () => {
    off();
    offLayout();
    offGroups();
    cancelAnimationFrame(raf);
  };
}

/**
 * Every node of a big graph, for one drawn minimap: xyflow's own where it holds the node (it may
 * be moving), else a stand-in built from the layout, kept per layout so an unchanged node costs
 * the layer one comparison. The stand-ins live as long as the minimap that drew them.
 */
function createStandIns() {
  /** The colour of each stand-in's user node: a stand-in has no node type to look up. */
  const colors = new WeakMap<Node, string>();
  const made = new WeakMap<FarGeometry, InternalNode[]>();
  /** Node `i` of `g` as the layer takes it: a stand-in built from the layout, kept per layout. */
  const standIn = (g: FarGeometry, i: number): InternalNode => {
    let mine = made.get(g);
    if (!mine) made.set(g, (mine = []));
    if (!mine[i]) {
      const o = i * 4;
      const position = { x: g.rects[o], y: g.rects[o + 1] };
      const measured = { width: g.rects[o + 2], height: g.rects[o + 3] };
      const userNode: Node = { id: g.ids[i], position, data: {} };
      colors.set(userNode, g.colors[i]);
      mine[i] = { ...userNode, measured, internals: { positionAbsolute: position, z: 0, userNode } } as InternalNode;
    }
    return mine[i];
  };
  function* allNodes(g: FarGeometry, held: ReadonlyMap<string, InternalNode>): Iterable<InternalNode> {
    for (let i = 0; i < g.ids.length; i++) yield held.get(g.ids[i]) ?? standIn(g, i);
  }
  /** The nodes xyflow holds, and the stand-ins of those it held at the last sync (`before`) and has let go. */
  function* heldOrLetGo(
    g: FarGeometry,
    held: ReadonlyMap<string, InternalNode>,
    before: ReadonlySet<string>,
  ): Iterable<InternalNode> {
    for (const [id, n] of held) if (g.index.has(id)) yield n;
    for (const id of before) {
      const i = g.index.get(id);
      if (!held.has(id) && i !== undefined) yield standIn(g, i);
    }
  }
  return { allNodes, heldOrLetGo, colorOf: (n: Node) => colors.get(n) };
}
