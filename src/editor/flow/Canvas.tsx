import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type MouseEvent as ReactMouseEvent,
} from "react";
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type OnConnectStartParams,
  type Node,
  type Viewport,
} from "@xyflow/react";
import { canConnectReplacing, type XY } from "../../graph";
import { useEditor, useEditorStore } from "../store/react";
import { ui, useUi } from "../store/ui";
import { createEdgeDeriver, createNodeDeriver, type GraphFlowNode } from "./derive";
import { GraphNode, LOD_ZOOM } from "./GraphNode";
import { nodeSizes, typeSizes } from "./sizes";
import { fitGraph, fitState, MINIMAP } from "./fit";
import { placeNewNode } from "./place";
import { GraphEdge } from "./GraphEdge";
import { MiniMap } from "./MiniMap";
import { Icon } from "../kit/icons";
import { files } from "../library/files";

/** Built once: a new object per render would make xyflow remount every node. */
const nodeTypes = { graph: GraphNode };
const edgeTypes = { default: GraphEdge };
/**
 * From this many nodes on, only nodes and wires on screen are in the DOM (xyflow's
 * onlyRenderVisibleElements). Measured with `npm run bench -- editor` on the 2-core bench machine:
 * 100 unculled nodes dragged at 23 fps and panned at 31 fps (every node's widgets in style and
 * layout work each frame), while 500 culled nodes dragged at 53 fps and panned at 42 fps (the
 * few nodes scrolling in are cheap to mount). Tiny graphs are all on screen anyway. Widget values
 * live in the store, so a culled node comes back as it was.
 */
export const CULL_FROM_NODES = 40;
/*
 * Props handed to xyflow are built once (or memoised): a fresh object or closure on each render
 * makes xyflow push it into its store, re-running every node's and the minimap's selectors, and
 * a new nodeColor re-renders all minimap nodes: 500 of them on each keystroke.
 */
const MULTI_SELECT_KEYS = ["Meta", "Control", "Shift"];
const PRO_OPTIONS = { hideAttribution: true };
const DEFAULT_EDGE_OPTIONS = { type: "default" };
export const DND_MIME = "application/x-lora-graph-node";
const MINIMAP_KEY = "lora-graph:minimap";

export function Canvas() {
  const store = useEditorStore();
  const registry = store.registry;
  const doc = useEditor((s) => s.document);
  const selection = useEditor((s) => s.selection);
  const epoch = useEditor((s) => s.epoch);
  const flow = useReactFlow<GraphFlowNode>();
  const [drag, setDrag] = useState<Map<string, XY> | null>(null);
  const deriveNodes = useMemo(() => createNodeDeriver(registry), [registry]);
  const deriveEdges = useMemo(() => createEdgeDeriver(registry), [registry]);
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  // Bumped after xyflow measures nodes: the measured sizes go into our node objects, so one rebuilt later keeps its size (without it xyflow would hide and re-measure it).
  const [sizeTick, setSizeTick] = useState(0);
  const sizeSync = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(sizeSync.current), []);
  const culled = doc.nodes.length >= CULL_FROM_NODES;
  const nodes = useMemo(
    () => deriveNodes(doc.nodes, selectedNodes, drag, culled),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- sizeTick re-derives once measured sizes are stored
    [deriveNodes, doc.nodes, selectedNodes, drag, culled, sizeTick],
  );
  const edges = useMemo(
    () => deriveEdges(doc.edges, doc.nodes, selectedEdges, selectedNodes),
    [deriveEdges, doc.edges, doc.nodes, selectedEdges, selectedNodes],
  );
  const pointer = useRef<XY>({ x: 0, y: 0 });

  // A different document was opened: show all of it.
  useEffect(() => {
    if (epoch === 0) return;
    const vp = store.getState().document.viewport;
    if (vp) flow.setViewport(vp);
    else requestAnimationFrame(() => fitGraph(flow, { duration: 200 }));
  }, [epoch, flow, store]);

  // First visit (no saved view): fit once every node has its measured size, so tall nodes count.
  const initialized = useNodesInitialized();
  // An empty first document is not fitted later: the first node added must not move the view.
  const firstFit = useRef(!!store.getState().document.viewport || store.getState().document.nodes.length === 0);
  useEffect(() => {
    if (firstFit.current) return;
    const fit = () => {
      if (firstFit.current) return;
      firstFit.current = true;
      fitGraph(flow);
    };
    if (initialized) return fit();
    // Culled big graphs never measure every node, but every node has an estimated size: fit on the
    // next frame. The timeout is for anything else that never settles.
    const t = setTimeout(fit, culled ? 0 : 1000);
    return () => clearTimeout(t);
  }, [initialized, flow, culled]);

  // A fitted view stays fitted when the canvas changes size (a banner, the runs drawer, the window).
  const canvasRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = canvasRef.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    let last = { w: el.clientWidth, h: el.clientHeight };
    const ro = new ResizeObserver(() => {
      const now = { w: el.clientWidth, h: el.clientHeight };
      if (now.w === last.w && now.h === last.h) return;
      last = now;
      if (fitState.fitted) fitGraph(flow);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [flow]);

  const [minimap, setMinimap] = useState(() => localStorage.getItem(MINIMAP_KEY) !== "off");
  const toggleMinimap = useCallback(() => {
    setMinimap((m) => {
      localStorage.setItem(MINIMAP_KEY, m ? "off" : "on");
      return !m;
    });
  }, []);

  // Reveal a node asked for by the problems list or the request view.
  useEffect(() => {
    const off = ui.subscribe(() => {
      const f = ui.get().focus;
      if (!f || f.nonce === lastFocus.current) return;
      lastFocus.current = f.nonce;
      const n = flow.getInternalNode(f.nodeId);
      if (!n) return;
      const w = n.measured.width ?? 260,
        h = n.measured.height ?? 160;
      flow.setCenter(n.internals.positionAbsolute.x + w / 2, n.internals.positionAbsolute.y + h / 2, {
        zoom: Math.max(flow.getZoom(), 0.9),
        duration: 250,
      });
    });
    return () => void off();
  }, [flow]);
  const lastFocus = useRef(0);

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphFlowNode>[]) => {
      let moved: Map<string, XY> | null = null;
      let sel: Set<string> | null = null;
      let resized = false;
      for (const c of changes) {
        if (c.type === "position" && c.position && c.dragging) (moved ??= new Map()).set(c.id, c.position);
        else if (c.type === "dimensions" && c.dimensions) {
          const old = nodeSizes.get(c.id);
          if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height) {
            const size = { width: c.dimensions.width, height: c.dimensions.height };
            nodeSizes.set(c.id, size);
            const type = flow.getNode(c.id)?.data.type;
            if (type) typeSizes.set(type, size);
            resized = true;
          }
        } else if (c.type === "select") {
          sel ??= new Set(store.getState().selection.nodes);
          if (c.selected) sel.add(c.id);
          else sel.delete(c.id);
        }
      }
      if (moved) setDrag((d) => new Map([...(d ?? []), ...moved!]));
      // xyflow keeps the measured size and handles in its own lookup, but it only counts nodes as
      // initialized (the first fit waits for that) once our node objects carry the sizes. Small
      // graphs take them at once. Culled graphs catch up once measuring settles: re-deriving on
      // every measurement re-adopted all nodes each frame a node scrolled in (1,000 nodes: 31 fps).
      if (resized) {
        clearTimeout(sizeSync.current);
        if (store.getState().document.nodes.length < CULL_FROM_NODES) setSizeTick((t) => t + 1);
        else sizeSync.current = setTimeout(() => setSizeTick((t) => t + 1), 250);
      }
      if (sel) store.setSelection({ nodes: [...sel] });
    },
    [store, flow],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<Edge>[]) => {
      let sel: Set<string> | null = null;
      for (const c of changes) {
        if (c.type !== "select") continue;
        sel ??= new Set(store.getState().selection.edges);
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      }
      if (sel) store.setSelection({ edges: [...sel] });
    },
    [store],
  );

  // One undo step per drag: positions live in `drag` while moving and enter the document on release.
  const onNodeDragStop = useCallback(
    (_: unknown, __: GraphFlowNode, dragged: GraphFlowNode[]) => {
      store.moveNodes(
        dragged.map((n) => ({ id: n.id, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } })),
      );
      setDrag(null);
    },
    [store],
  );

  const verdict = useCallback(
    (c: Connection | Edge) => {
      const s = store.getState();
      const from = { node: c.source, port: c.sourceHandle ?? "" };
      const to = { node: c.target, port: c.targetHandle ?? "" };
      // Dropping on an occupied single input replaces its wire (store.connect with replace).
      return canConnectReplacing(s.document, from, to, registry).verdict;
    },
    [store, registry],
  );

  const isValidConnection: IsValidConnection = useCallback(
    (c) => {
      const v = verdict(c);
      ui.set({ wireHint: v.ok ? null : { text: v.reason, x: pointer.current.x, y: pointer.current.y } });
      return v.ok;
    },
    [verdict],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const r = store.connect(
        { node: c.source, port: c.sourceHandle ?? "" },
        { node: c.target, port: c.targetHandle ?? "" },
        { replace: true },
      );
      if (!r.ok) ui.toast(r.reason, "error");
    },
    [store],
  );

  const connectStart = useRef<OnConnectStartParams | null>(null);
  const reconnecting = useRef(false);
  const reconnected = useRef(false);
  const onConnectStart = useCallback((_: unknown, p: OnConnectStartParams) => {
    connectStart.current = p;
    wiring(true);
  }, []);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // xyflow also reports a reconnect here, just before onReconnectEnd, which handles it.
      if (reconnecting.current) return;
      wiring(false);
      const hint = ui.get().wireHint;
      ui.set({ wireHint: null });
      const from = state.fromHandle;
      if (state.isValid || !from?.id || !from.nodeId) return;
      const pt = "changedTouches" in event ? event.changedTouches[0] : event;
      if (state.toHandle) {
        if (hint) ui.toast(hint.text, "error");
        return;
      }
      const target = pt && (document.elementFromPoint(pt.clientX, pt.clientY) as Element | null);
      if (!target?.closest(".react-flow__pane")) return;
      const n = store.getState().document.nodes.find((x) => x.id === from.nodeId);
      const def = n && registry.get(n.type);
      const port = def && (from.type === "source" ? def.outputs : def.inputs).find((p) => p.id === from.id);
      if (!port) return;
      ui.set({
        palette: {
          screen: { x: pt.clientX, y: pt.clientY },
          flow: flow.screenToFlowPosition({ x: pt.clientX, y: pt.clientY }),
          connectFrom: { nodeId: from.nodeId, handleId: from.id, handleType: from.type, kind: port.kind },
        },
      });
    },
    [store, registry, flow],
  );

  // Dragging a wire's end: onto a port moves it (through store.connect, so refusals say why);
  // onto empty canvas removes it, as in ComfyUI.
  const onReconnectStart = useCallback(() => {
    reconnecting.current = true;
    reconnected.current = false;
    wiring(true);
  }, []);
  const onReconnect = useCallback(
    (old: Edge, c: Connection) => {
      reconnected.current = true;
      const r = store.connect(
        { node: c.source, port: c.sourceHandle ?? "" },
        { node: c.target, port: c.targetHandle ?? "" },
        { replace: true, reconnect: old.id },
      );
      if (!r.ok) ui.toast(r.reason, "error");
    },
    [store],
  );
  const onReconnectEnd = useCallback(
    (_: MouseEvent | TouchEvent, edge: Edge, __: unknown, state: FinalConnectionState) => {
      reconnecting.current = false;
      wiring(false);
      const hint = ui.get().wireHint;
      ui.set({ wireHint: null });
      if (reconnected.current) return;
      if (state.toHandle) {
        if (hint) ui.toast(hint.text, "error");
        return;
      }
      store.removeEdges([edge.id]);
      ui.toast("Wire removed (Ctrl+Z brings it back)", "info", 2500);
    },
    [store],
  );

  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!(e.target as Element).classList?.contains("react-flow__pane")) return;
      ui.set({
        palette: {
          screen: { x: e.clientX, y: e.clientY },
          flow: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }),
        },
      });
    },
    [flow],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(DND_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DND_MIME);
      if (!type || !registry.get(type)) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      store.addNode(
        type,
        placeNewNode(registry.getOrThrow(type), { x: p.x - 20, y: p.y - 16 }, store.getState().document.nodes, flow),
      );
    },
    [store, registry, flow],
  );

  const paletteAtCenter = () => {
    const r = canvasRef.current!.getBoundingClientRect();
    const screen = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    return { screen: { x: screen.x - 160, y: screen.y - 120 }, flow: flow.screenToFlowPosition(screen) };
  };

  const far = useStore((s) => s.transform[2] < LOD_ZOOM);
  const onMoveStart = useCallback((e: MouseEvent | TouchEvent | null) => {
    if (e) fitState.fitted = false;
  }, []);
  const onMoveEnd = useCallback((_: unknown, vp: Viewport) => store.setViewport(vp), [store]);
  const minimapColor = useCallback(
    (n: Node) => {
      const def = registry.get((n as GraphFlowNode).data.type);
      return def ? def.category.color : "#555";
    },
    [registry],
  );
  const defaultViewport = useMemo(() => store.getState().viewport, [store]);
  const empty = doc.nodes.length === 0;

  return (
    <div
      ref={canvasRef}
      className={`canvas ${far ? "far" : ""}`}
      onDoubleClick={onDoubleClick}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onPointerMove={(e) => {
        pointer.current = { x: e.clientX, y: e.clientY };
        const h = ui.get().wireHint;
        if (h) ui.set({ wireHint: { ...h, x: e.clientX, y: e.clientY } });
      }}
    >
      <ReactFlow<GraphFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        edgeTypes={edgeTypes}
        onReconnect={onReconnect}
        onReconnectStart={onReconnectStart}
        onReconnectEnd={onReconnectEnd}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        defaultViewport={defaultViewport}
        minZoom={0.1}
        maxZoom={2.5}
        zoomOnDoubleClick={false}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        connectionRadius={28}
        onlyRenderVisibleElements={culled}
        colorMode="dark"
        proOptions={PRO_OPTIONS}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#2a2f3a" />
        {!empty && minimap && (
          <MiniMap
            nodeColor={minimapColor}
            ariaLabel="Mini map"
            maskColor="rgba(10,12,16,0.72)"
            width={MINIMAP.width}
            height={MINIMAP.height}
            margin={MINIMAP.margin}
          />
        )}
        <Controls
          showInteractive={false}
          showFitView={false}
          position="bottom-left"
          orientation="horizontal"
          aria-label="Zoom controls"
        >
          <ControlButton onClick={() => fitGraph(flow, { duration: 200 })} title="Fit view (F)" aria-label="Fit view">
            <Icon name="fit" strokeWidth={2} />
          </ControlButton>
          {!empty && (
            <ControlButton
              onClick={toggleMinimap}
              title={minimap ? "Hide the minimap" : "Show the minimap"}
              aria-label={minimap ? "Hide the minimap" : "Show the minimap"}
              aria-pressed={minimap}
              className={minimap ? "on" : ""}
            >
              <Icon name="map" strokeWidth={2} />
            </ControlButton>
          )}
        </Controls>
      </ReactFlow>
      {empty && (
        <div className="canvas-empty" data-testid="canvas-empty">
          <div className="empty-title">An empty canvas</div>
          <div className="empty-sub">
            Double-click or press <kbd>Space</kbd> to add a node — or start from a template.
          </div>
          <div className="empty-actions">
            <button type="button" className="btn primary" onClick={files.showTemplates}>
              <Icon name="grid" size={14} /> Templates
            </button>
            <button type="button" className="btn" onClick={() => ui.set({ palette: paletteAtCenter() })}>
              <Icon name="search" size={14} /> Add a node
            </button>
          </div>
        </div>
      )}
      <WireHint />
    </div>
  );
}

/** While a wire is dragged, the pointer sweeping over panels must not select their text. */
function wiring(on: boolean) {
  document.body.classList.toggle("wiring", on);
}

function WireHint() {
  const hint = useUi((s) => s.wireHint);
  if (!hint) return null;
  return (
    <div className="wire-hint" role="status" style={{ left: hint.x + 16, top: hint.y + 12 }}>
      {hint.text}
    </div>
  );
}
